package dev.remediate.cloudtrail;

import dev.remediate.core.aws.AwsErrors;
import java.util.Set;

/**
 * Calls AWS may refuse for a few seconds after a role, key policy or bucket policy they depend on
 * was written: tried again while the refusal's error code (read with {@link AwsErrors}) says the
 * change is not visible yet.
 */
final class Propagation {
  private Propagation() {}

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
        if (attempt >= PROPAGATION_ATTEMPTS || !codes.contains(AwsErrors.code(e))) {
          throw e;
        }
        context.progress("waiting for IAM, KMS or S3 changes to propagate ("
            + AwsErrors.code(e) + ")", -1);
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
