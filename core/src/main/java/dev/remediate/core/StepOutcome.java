package dev.remediate.core;

import dev.remediate.core.plan.Step;
import java.time.Duration;
import java.util.Objects;

/**
 * What happened to one step of a plan during apply.
 *
 * <pre>{@code
 * for (StepOutcome outcome : remediator.apply(plan).outcomes()) {
 *   if (outcome.status() == StepOutcome.Status.FAILED) {
 *     System.err.println(outcome.step().resource() + ": " + outcome.message());
 *   }
 * }
 * }</pre>
 *
 * @param step the step
 * @param status what happened
 * @param message detail: the error for a failed step, empty otherwise
 * @param duration how long it took
 */
public record StepOutcome(Step step, Status status, String message, Duration duration) {
  /** What happened to a step. */
  public enum Status {
    /** The step ran and succeeded. */
    SUCCEEDED,
    /** The step ran and failed. */
    FAILED,
    /** Dry run: the step would have run. */
    DRY_RUN,
    /** An earlier step failed, so this one did not run. */
    NOT_RUN,
    /** The step was no longer needed when applying began: someone had done it already. */
    ALREADY_DONE
  }

  /**
   * Validates the outcome.
   *
   * @param step the step
   * @param status what happened
   * @param message detail
   * @param duration how long it took
   */
  public StepOutcome {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(duration, "duration");
  }

  @Override
  public String toString() {
    return status + " " + step.kind() + " " + step.resource()
        + (message.isEmpty() ? "" : ": " + message);
  }
}
