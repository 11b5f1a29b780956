package dev.remediate.core;

import org.jspecify.annotations.Nullable;

/**
 * Applying a plan failed part way, or the verification after the last step found the target still
 * non-compliant. {@link #result()} is the journal: every step with its outcome, what compensation
 * ran, and the failure.
 *
 * <pre>{@code
 * try {
 *   remediator.apply(plan);
 * } catch (ApplyFailedException e) {
 *   System.err.print(e.result().toText()); // each step's outcome and the compensation
 * }
 * }</pre>
 */
public class ApplyFailedException extends RemediationException {
  private static final long serialVersionUID = 1L;

  private final transient ApplyResult result;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param result the journal of the apply
   * @param cause the failure of the step, if a step failed
   */
  public ApplyFailedException(String message, ApplyResult result, @Nullable Throwable cause) {
    super(message, cause);
    this.result = result;
  }

  /** @return the journal: each step's outcome, in order */
  public ApplyResult result() {
    return result;
  }
}
