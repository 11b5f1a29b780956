package dev.remediate.core.event;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Setting;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts bursts in CloudTrail records over a sliding window of event time: failed
 * {@code ConsoleLogin}s and denied calls ({@code errorCode} {@code AccessDenied},
 * {@code UnauthorizedOperation} and kin), each per source IP address and per principal. When a key
 * reaches {@link #threshold()} records within {@link #window()}, {@link #accept} returns a
 * {@link Signal}, once per key.
 *
 * <p>Memory is bounded: per key at most {@code threshold} times are kept, and at most
 * {@value #MAX_KEYS} keys (the least recently seen are forgotten first). Records should come
 * roughly in time order (CloudTrail's files do); a record older than the newest time of its key
 * by more than the window is not counted. Records without a parseable {@code eventTime}, and
 * source addresses that are not IP addresses ({@code AWS Internal}, service names), are not
 * counted. State lives in this object only: a process reading a folder sees every burst in it;
 * separate invocations (a Lambda function) see only the records of each invocation.
 *
 * <pre>{@code
 * SignalDetector detector = SignalDetector.of(Map.of("signals.threshold", "10", "signals.window", "5m"));
 * for (CloudTrailEvent record : records) {
 *   detector.accept(record).forEach(signal -> System.out.println(signal.describe()));
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class SignalDetector {
  /** Records within the window that make a signal: {@code signals.threshold}, default 10. */
  public static final Setting THRESHOLD = Setting.integer("signals.threshold",
      "Records (failed console logins, denied calls) from one IP address or principal within "
          + "signals.window that make a signal", "10");
  /** The window: {@code signals.window}, default 5 minutes. */
  public static final Setting WINDOW = Setting.text("signals.window",
      "Sliding window of event time for signals: 5m, 300s, 1h or ISO-8601 (PT5M); default 5m");
  /** Where a signalled source address is blocked: {@code signals.blockIn}. */
  public static final Setting BLOCK_IN = Setting.list("signals.blockIn",
      "VPC or subnet ids in whose network ACLs react blocks an address that crossed the signal "
          + "threshold (ec2.block-ip); without it the signal is reported only");
  /** The signal settings, for tools that list known settings. */
  public static final List<Setting> SETTINGS = List.of(THRESHOLD, WINDOW, BLOCK_IN);
  /** Keys remembered at most. */
  public static final int MAX_KEYS = 100_000;

  private static final Set<String> DENIED = Set.of("AccessDenied", "AccessDeniedException",
      "UnauthorizedOperation", "Client.UnauthorizedOperation", "UnauthorizedAccess");
  private static final Pattern IPV4 = Pattern.compile(
      "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*([smh])");

  private final int threshold;
  private final Duration window;
  private final Map<String, Times> keys = new LinkedHashMap<>(256, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Times> eldest) {
      return size() > MAX_KEYS;
    }
  };

  private SignalDetector(int threshold, Duration window) {
    if (threshold < 1) {
      throw new InvalidRemediationException("signals.threshold must be at least 1, was "
          + threshold);
    }
    if (window.isNegative() || window.isZero()) {
      throw new InvalidRemediationException("signals.window must be positive, was " + window);
    }
    this.threshold = threshold;
    this.window = window;
  }

  /**
   * A detector with {@code signals.threshold} and {@code signals.window} from settings (defaults
   * 10 and 5 minutes).
   *
   * @param settings settings by dotted key
   * @return the detector
   * @throws InvalidRemediationException naming the setting and the value when one is invalid
   */
  public static SignalDetector of(Map<String, String> settings) {
    int threshold = THRESHOLD.valueIn(settings, Integer::parseInt).orElse(10);
    Duration window = WINDOW.valueIn(settings, SignalDetector::duration)
        .orElse(Duration.ofMinutes(5));
    return new SignalDetector(threshold, window);
  }

  /**
   * A detector.
   *
   * @param threshold records within the window that make a signal, at least 1
   * @param window the window, positive
   * @return the detector
   */
  public static SignalDetector of(int threshold, Duration window) {
    return new SignalDetector(threshold, window);
  }

  /** @return records within the window that make a signal */
  public int threshold() {
    return threshold;
  }

  /** @return the sliding window */
  public Duration window() {
    return window;
  }

  /**
   * Counts a record.
   *
   * @param record the record
   * @return the signals it completes (at most one per kind and dimension); usually none
   */
  public List<Signal> accept(CloudTrailEvent record) {
    Optional<Signal.Kind> kind = kind(record);
    Optional<Instant> time = record.eventTime();
    if (kind.isEmpty() || time.isEmpty()) {
      return List.of();
    }
    List<Signal> signals = new ArrayList<>(1);
    String ip = record.sourceIpAddress();
    if (isIpAddress(ip)) {
      count(kind.get(), Signal.Dimension.SOURCE_IP, ip, time.get(), record).ifPresent(signals::add);
    }
    UserIdentity who = record.userIdentity();
    Optional<String> principal = who.arn().or(who::principalId);
    if (principal.isPresent()) {
      count(kind.get(), Signal.Dimension.PRINCIPAL, principal.get(), time.get(), record)
          .ifPresent(signals::add);
    }
    return signals;
  }

  private Optional<Signal> count(Signal.Kind kind, Signal.Dimension dimension, String key,
      Instant time, CloudTrailEvent record) {
    String id = kind + "|" + dimension + "|" + key;
    Times times = keys.computeIfAbsent(id, k -> new Times(threshold));
    if (times.signalled || !times.add(time, window)) {
      return Optional.empty();
    }
    times.signalled = true;
    UserIdentity who = record.userIdentity();
    Optional<String> role = who.sessionContext().flatMap(SessionContext::sessionIssuer)
        .filter(issuer -> issuer.type().map("Role"::equals).orElse(false))
        .flatMap(SessionIssuer::userName);
    Optional<String> key1 = who.accessKeyId().filter(k -> k.startsWith("AKIA"));
    return Optional.of(new Signal(kind, dimension, key, times.size, times.first(), times.last(),
        window, record.awsRegion(), record.account(),
        dimension == Signal.Dimension.PRINCIPAL ? role : Optional.empty(),
        dimension == Signal.Dimension.PRINCIPAL ? key1 : Optional.empty()));
  }

  static Optional<Signal.Kind> kind(CloudTrailEvent record) {
    if (record.eventName().equals("ConsoleLogin")
        && record.responseElements().map(r -> r.path("ConsoleLogin").asText(""))
            .map("Failure"::equals).orElse(false)) {
      return Optional.of(Signal.Kind.CONSOLE_LOGIN_FAILURES);
    }
    return record.errorCode().filter(DENIED::contains).map(code -> Signal.Kind.ACCESS_DENIED);
  }

  /** @return true for an IPv4 or IPv6 address (not a host name such as {@code AWS Internal}) */
  static boolean isIpAddress(String text) {
    if (IPV4.matcher(text).matches()) {
      return true;
    }
    return text.indexOf(':') >= 0 && text.length() <= 45 && text.chars().allMatch(c ->
        c == ':' || c == '.' || Character.digit(c, 16) >= 0);
  }

  /** Parses {@code 5m}, {@code 300s}, {@code 1h} or ISO-8601 ({@code PT5M}). */
  static Duration duration(String text) {
    Matcher m = SHORT_DURATION.matcher(text.strip());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return m.group(2).equals("s") ? Duration.ofSeconds(n)
          : m.group(2).equals("m") ? Duration.ofMinutes(n) : Duration.ofHours(n);
    }
    try {
      return Duration.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new InvalidRemediationException("signals.window '" + text + "' is not a duration "
          + "(5m, 300s, 1h or PT5M)", e);
    }
  }

  /** The newest times of one key, sorted, at most {@code threshold}. */
  private static final class Times {
    final long[] millis;
    int size;
    boolean signalled;

    Times(int threshold) {
      millis = new long[threshold];
    }

    /** Adds a time; returns true when the kept times now fill the array within the window. */
    boolean add(Instant time, Duration window) {
      long t = time.toEpochMilli();
      if (size > 0 && t < millis[size - 1] - window.toMillis()) {
        return false;
      }
      if (size == millis.length) {
        if (t <= millis[0]) {
          return false;
        }
        System.arraycopy(millis, 1, millis, 0, size - 1);
        size--;
      }
      int at = size;
      while (at > 0 && millis[at - 1] > t) {
        millis[at] = millis[at - 1];
        at--;
      }
      millis[at] = t;
      size++;
      return size == millis.length && millis[size - 1] - millis[0] <= window.toMillis();
    }

    Instant first() {
      return Instant.ofEpochMilli(millis[0]);
    }

    Instant last() {
      return Instant.ofEpochMilli(millis[size - 1]);
    }
  }
}
