package dev.remediate.core;

import dev.remediate.core.plan.Plan;

/**
 * Apply refused a plan because what it observes now differs from what was observed when the plan
 * was made. Plan again, review, and apply the new plan.
 *
 * <pre>{@code
 * try {
 *   remediator.apply(plan);
 * } catch (StalePlanException e) {
 *   Plan fresh = remediator.plan(remediation); // review the new plan, then apply it
 *   System.out.print(fresh.toText());
 * }
 * }</pre>
 */
public class StalePlanException extends RemediationException {
  private static final long serialVersionUID = 1L;

  private final transient Plan plan;
  private final String currentFingerprint;

  /**
   * Creates the exception.
   *
   * @param plan the stale plan
   * @param currentFingerprint the fingerprint of the state observed now
   */
  public StalePlanException(Plan plan, String currentFingerprint) {
    super("Plan for " + plan.target() + " is stale: it was made from state " + plan.fingerprint()
        + " observed at " + plan.observedAt() + ", but the state is now " + currentFingerprint
        + ". Plan again and review the new plan before applying it.");
    this.plan = plan;
    this.currentFingerprint = currentFingerprint;
  }

  /** @return the plan that was refused */
  public Plan plan() {
    return plan;
  }

  /** @return the fingerprint of the state observed at apply time */
  public String currentFingerprint() {
    return currentFingerprint;
  }
}
