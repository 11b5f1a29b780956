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

  /** How often a call refused while IAM, KMS or S3 changes propagate is tried. */
  static final int PROPAGATION_ATTEMPTS = 10;

  /**
   * Runs a call AWS may refuse for a few seconds after a role, key policy or bucket policy it
   * depends on was written, retrying on the given error codes with the scope's waiter poll
   * interval between attempts.
   *
   * @param context the context (scope and progress)
   * @param codes error codes that mean "not visible yet"
   * @param call the call
   */
  static void retryWhilePropagating(dev.remediate.core.RemediationContext context,
      Set<String> codes, Runnable call) {
    for (int attempt = 1; ; attempt++) {
      try {
        call.run();
        return;
      } catch (RuntimeException e) {
        if (attempt >= PROPAGATION_ATTEMPTS || !codes.contains(code(e))) {
          throw e;
        }
        context.progress("waiting for IAM, KMS or S3 changes to propagate (" + code(e) + ")", -1);
        try {
          Thread.sleep(context.scope().waiterPollInterval().toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new dev.remediate.core.RemediationException(
              "Interrupted while waiting for changes to propagate", ie);
        }
      }
    }
  }
}
