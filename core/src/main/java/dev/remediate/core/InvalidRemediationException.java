package dev.remediate.core;

import org.jspecify.annotations.Nullable;

/**
 * A value given to Remediate is not valid: a malformed resource id, CIDR, port, ARN, an unknown
 * remediation id, or a plan document of an unsupported format. The message names the value.
 *
 * <p>Thrown at {@code build()} time by remediation builders, so a bad remediation never reaches AWS.
 *
 * <pre>{@code
 * try {
 *   RestrictDefaultSecurityGroup.forVpc("vpc-oops");
 * } catch (InvalidRemediationException e) {
 *   System.err.println(e.getMessage()); // names the malformed VPC id
 * }
 * }</pre>
 */
public class InvalidRemediationException extends RemediationException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, naming the offending value
   */
  public InvalidRemediationException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what is wrong, naming the offending value
   * @param cause the parse failure behind it
   */
  public InvalidRemediationException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
