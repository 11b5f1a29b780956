package dev.remediate.core.aws;

import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The one place where the library reads AWS error codes: from an {@link AwsServiceException}
 * anywhere in a cause chain, so wrapped failures are recognised too.
 *
 * <pre>{@code
 * try {
 *   ec2.revokeSecurityGroupIngress(request);
 * } catch (AwsServiceException e) {
 *   if (!AwsErrors.is(e, "InvalidSecurityGroupRuleId.NotFound", "InvalidPermission.NotFound")) {
 *     throw e;
 *   }
 * }
 * }</pre>
 */
public final class AwsErrors {
  private AwsErrors() {}

  /**
   * The AWS error code of a failure.
   *
   * @param failure any throwable
   * @return the code of the first {@link AwsServiceException} in its cause chain, or an empty
   *     string when there is none or it carries no code (e.g. an HTTP 500 without a body)
   */
  public static String code(@Nullable Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof AwsServiceException aws) {
        String code = aws.awsErrorDetails() == null ? null : aws.awsErrorDetails().errorCode();
        return code == null ? "" : code;
      }
    }
    return "";
  }

  /**
   * Tells whether a failure carries one of the given AWS error codes.
   *
   * @param failure any throwable
   * @param codes error codes, e.g. {@code NoSuchBucket}
   * @return true when its code is one of them
   */
  public static boolean is(@Nullable Throwable failure, String... codes) {
    String code = code(failure);
    return !code.isEmpty() && Set.of(codes).contains(code);
  }

  /**
   * The HTTP status of a failure.
   *
   * @param failure any throwable
   * @return the status of the first {@link AwsServiceException} in its cause chain, or 0
   */
  public static int status(@Nullable Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof AwsServiceException aws) {
        return aws.statusCode();
      }
    }
    return 0;
  }

  /**
   * Says how to describe a failure to a person: the code, or the HTTP status when there is no
   * code (an emulator's or a service's internal error is not a permission problem).
   *
   * @param failure any throwable
   * @return e.g. {@code AccessDenied} or {@code HTTP 500}
   */
  public static String describe(@Nullable Throwable failure) {
    String code = code(failure);
    return !code.isEmpty() ? code : status(failure) > 0 ? "HTTP " + status(failure)
        : failure == null ? "unknown error" : failure.getClass().getSimpleName();
  }
}
