package dev.remediate.core;

/**
 * A guardrail refused to apply a plan: a step needs consent that was not given (downtime,
 * destructive or disruptive change), or the plan has more changes than allowed. Nothing was changed.
 */
public class GuardrailException extends RemediationException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which guardrail refused and how to proceed
   */
  public GuardrailException(String message) {
    super(message);
  }
}
