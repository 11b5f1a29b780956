package dev.remediate.ec2;

import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** Reads AWS error codes without relying on service-specific exception subclasses. */
final class Ec2Errors {
  private Ec2Errors() {}

  /**
   * The error code of an AWS failure.
   *
   * @param e the failure
   * @return its code, or {@code HTTP <status>} when the service sent none
   */
  static String code(AwsServiceException e) {
    if (e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null) {
      return e.awsErrorDetails().errorCode();
    }
    return "HTTP " + e.statusCode();
  }
}
