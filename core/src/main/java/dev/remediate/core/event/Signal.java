package dev.remediate.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A burst counted in CloudTrail records by {@link SignalDetector}: {@link #count()} records of one
 * {@link Kind} from one source address or one principal within {@link #window()}. Routed like a
 * finding by the {@link FindingRouter}: a source address is blocked, a principal's sessions or key
 * are revoked with approval.
 *
 * <pre>{@code
 * detector.accept(record).ifPresent(signal -> System.out.println(signal.describe()));
 * }</pre>
 *
 * @param kind what was counted
 * @param dimension what the records had in common
 * @param key the source address or the principal's ARN (else its id)
 * @param count how many records within the window
 * @param first the time of the first of them
 * @param last the time of the last of them
 * @param window the window they fell in
 * @param region the region of the last record
 * @param account the account of the last record
 * @param roleName the role of an assumed-role principal ({@code sessionIssuer.userName})
 * @param accessKeyId the long-term access key ({@code AKIA...}) an IAM-user principal used
 */
public record Signal(Kind kind, Dimension dimension, String key, int count, Instant first,
    Instant last, Duration window, String region, Optional<String> account,
    Optional<String> roleName, Optional<String> accessKeyId) implements Finding {
  /** What a signal counts. */
  public enum Kind {
    /** {@code ConsoleLogin} records whose {@code responseElements.ConsoleLogin} is {@code Failure}. */
    CONSOLE_LOGIN_FAILURES("ConsoleLoginFailures"),
    /** Records with {@code errorCode} {@code AccessDenied}, {@code UnauthorizedOperation} and kin. */
    ACCESS_DENIED("AccessDenied");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** @return the name in {@link Signal#type()}, e.g. {@code ConsoleLoginFailures} */
    public String label() {
      return label;
    }
  }

  /** What the counted records had in common. */
  public enum Dimension {
    /** The same {@code sourceIPAddress}. */
    SOURCE_IP,
    /** The same principal ({@code userIdentity.arn}, else its principal id). */
    PRINCIPAL
  }

  /**
   * Creates a signal.
   *
   * @param kind the kind
   * @param dimension the dimension
   * @param key the address or principal
   * @param count the count
   * @param first the first time
   * @param last the last time
   * @param window the window
   * @param region the region
   * @param account the account
   * @param roleName the role
   * @param accessKeyId the access key
   */
  public Signal {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(dimension, "dimension");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(last, "last");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(roleName, "roleName");
    Objects.requireNonNull(accessKeyId, "accessKeyId");
  }

  /** @return e.g. {@code ConsoleLoginFailures/SOURCE_IP/203.0.113.9} */
  @Override
  public String id() {
    return kind.label() + "/" + dimension + "/" + key;
  }

  /** @return e.g. {@code Signal:ConsoleLoginFailures/SourceIp} */
  @Override
  public String type() {
    return "Signal:" + kind.label() + (dimension == Dimension.SOURCE_IP ? "/SourceIp" : "/Principal");
  }

  @Override
  public String describe() {
    return count + " " + kind.label() + " from " + key + " within " + window.toMinutes()
        + " min (" + first + " .. " + last + ")";
  }
}
