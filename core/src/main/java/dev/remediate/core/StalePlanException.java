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
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param plan the stale plan
   * @param reason what differs now, e.g. the step that would now differ
   */
  public StalePlanException(Plan plan, String reason) {
    super("Plan of " + plan.remediation().id() + " for " + plan.target() + " is stale: " + reason
        + ". Nothing of this target was changed; plan again and review the new plan.");
    this.plan = plan;
    this.reason = reason;
  }

  /** @return the plan that was refused */
  public Plan plan() {
    return plan;
  }

  /** @return what differs now */
  public String reason() {
    return reason;
  }
}
