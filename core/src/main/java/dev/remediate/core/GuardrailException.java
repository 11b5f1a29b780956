package dev.remediate.core;

/**
 * A guardrail refused to apply a plan: a step needs consent that was not given (downtime,
 * destructive or disruptive change), or the plan has more changes than allowed. Nothing was changed.
 *
 * <pre>{@code
 * try {
 *   remediator.apply(plan);
 * } catch (GuardrailException e) {
 *   // nothing changed; give consent, e.g. Guardrails.custom().consentTo(Flag.DOWNTIME).build()
 *   System.err.println(e.getMessage());
 * }
 * }</pre>
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
