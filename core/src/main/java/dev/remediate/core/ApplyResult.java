package dev.remediate.core;

import dev.remediate.core.plan.Plan;
import java.util.List;
import java.util.Objects;

/**
 * The journal of one apply: the plan, every step's outcome in order, what compensation did after a
 * failure, and the overall status.
 *
 * <pre>{@code
 * ApplyResult result = remediator.apply(plan);
 * if (result.status() == ApplyResult.Status.APPLIED) {
 *   System.out.println(result.succeeded() + " step(s) applied");
 * }
 * System.out.print(result.toText());
 * }</pre>
 *
 * @param plan the plan that was applied
 * @param status overall outcome
 * @param outcomes each step's outcome, in plan order
 * @param compensation what was done to put the target back into a safe state after a failure
 * @param detail why, for a target refused as stale, skipped or failed; notes such as changes found
 *     that were not reviewed; empty otherwise
 */
public record ApplyResult(Plan plan, Status status, List<StepOutcome> outcomes,
    List<String> compensation, String detail) {

  /** The overall outcome of an apply. */
  public enum Status {
    /** Every step ran and verification found the target compliant. */
    APPLIED,
    /** The plan was empty: nothing to do. */
    NOTHING_TO_DO,
    /** Dry run: nothing was changed. */
    DRY_RUN,
    /** A step failed, or verification found work left; see the outcomes. */
    FAILED,
    /** Every reviewed step had been done by someone else meanwhile: nothing was changed. */
    ALREADY_DONE,
    /** A reviewed step would now differ: nothing of this target was changed. Plan again. */
    STALE,
    /** Not applied: a prerequisite failed, no consent to a flag, or the plan is of another scope. */
    SKIPPED
  }

  /**
   * A result without detail.
   *
   * @param plan the plan
   * @param status the status
   * @param outcomes the outcomes
   * @param compensation the compensation lines
   */
  public ApplyResult(Plan plan, Status status, List<StepOutcome> outcomes,
      List<String> compensation) {
    this(plan, status, outcomes, compensation, "");
  }

  /**
   * Validates and copies the result.
   *
   * @param plan the plan
   * @param status the status
   * @param outcomes the outcomes
   * @param compensation the compensation lines
   */
  public ApplyResult {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(status, "status");
    outcomes = List.copyOf(outcomes);
    compensation = List.copyOf(compensation);
    Objects.requireNonNull(detail, "detail");
  }

  /** @return true when this target failed or was refused as stale */
  public boolean isProblem() {
    return status == Status.FAILED || status == Status.STALE;
  }

  /** @return the number of steps that ran and succeeded */
  public long succeeded() {
    return outcomes.stream().filter(o -> o.status() == StepOutcome.Status.SUCCEEDED).count();
  }

  /** @return a readable multi-line journal */
  public String toText() {
    StringBuilder out = new StringBuilder();
    out.append(status).append(": ").append(plan.remediation().id()).append(" on ")
        .append(plan.target()).append(detail.isEmpty() ? "" : ": " + detail).append('\n');
    outcomes.forEach(o -> out.append("  ").append(o).append('\n'));
    compensation.forEach(c -> out.append("  compensation: ").append(c).append('\n'));
    return out.toString();
  }
}
