package dev.remediate.testing;

import java.util.Objects;

/**
 * An AWS error to inject: an error code, an HTTP status and a message.
 *
 * <pre>{@code
 * aws.faults().failNth("CreateFlowLogs", 1, Fault.of("UnauthorizedOperation"));
 * aws.faults().failAll("DescribeVpcs", Fault.throttling());
 * aws.faults().failCall(3, new Fault("ServiceUnavailable", 503, "Please retry (injected)"));
 * }</pre>
 *
 * @param errorCode AWS error code, e.g. {@code Throttling}, {@code InternalError}
 * @param statusCode HTTP status, e.g. 400, 500, 503
 * @param message the error message
 */
public record Fault(String errorCode, int statusCode, String message) {
  /**
   * Validates the fault.
   *
   * @param errorCode error code
   * @param statusCode HTTP status, 400 to 599
   * @param message message
   */
  public Fault {
    Objects.requireNonNull(errorCode, "errorCode");
    Objects.requireNonNull(message, "message");
    if (statusCode < 400 || statusCode > 599) {
      throw new IllegalArgumentException("statusCode must be 400-599, was " + statusCode);
    }
  }

  /** @return a throttling error ({@code Throttling}, 400), which the SDK retries with backoff */
  public static Fault throttling() {
    return new Fault("Throttling", 400, "Rate exceeded (injected)");
  }

  /** @return a server error ({@code InternalError}, 500), which the SDK retries */
  public static Fault serverError() {
    return new Fault("InternalError", 500, "An internal error has occurred (injected)");
  }

  /**
   * A fault the SDK does not retry, for driving failure paths.
   *
   * @param errorCode the code, e.g. {@code UnauthorizedOperation}
   * @return a 400 fault with that code
   */
  public static Fault of(String errorCode) {
    return new Fault(errorCode, 400, errorCode + " (injected)");
  }
}
