package dev.remediate.cloudtrail;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** Reads AWS error codes the way the conventions ask: from the error details, never from subclasses. */
final class AwsErrors {
  private AwsErrors() {}

  /**
   * @param e an exception thrown by an SDK client
   * @return its AWS error code, or the empty string when it carries none
   */
  static String code(RuntimeException e) {
    if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
      String code = ase.awsErrorDetails().errorCode();
      return code == null ? "" : code;
    }
    return "";
  }

  /**
   * @param e an exception thrown by an SDK client
   * @param codes error codes
   * @return true when the exception carries one of the codes
   */
  static boolean is(RuntimeException e, String... codes) {
    return Set.of(codes).contains(code(e));
  }

  /**
   * Waits a little between two attempts of a call AWS may refuse while a new IAM role or policy
   * propagates.
   *
   * @param pause how long
   */
  static void pause(java.time.Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.remediate.core.RemediationException("Interrupted while waiting for IAM to propagate", e);
    }
  }
}
