package dev.remediate.core;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception Remediate throws. Unchecked, like the AWS SDK's {@code SdkException}.
 *
 * <p>Catch this type to handle any failure of the library; catch a subtype for a precise case:
 * <ul>
 *   <li>{@link InvalidRemediationException}: a bad value given to a builder or a parser;</li>
 *   <li>{@link StalePlanException}: the world changed between plan and apply;</li>
 *   <li>{@link GuardrailException}: a guardrail (consent, change limit) refused to apply;</li>
 *   <li>{@link ApplyFailedException}: a step failed; carries the journal of what was done.</li>
 * </ul>
 *
 * <pre>{@code
 * try {
 *   remediator.apply(remediator.plan(remediation));
 * } catch (RemediationException e) {
 *   System.err.println("Remediation failed: " + e.getMessage());
 * }
 * }</pre>
 */
public class RemediationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, naming the value or resource concerned
   */
  public RemediationException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, naming the value or resource concerned
   * @param cause the underlying failure, often an {@code AwsServiceException}
   */
  public RemediationException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
