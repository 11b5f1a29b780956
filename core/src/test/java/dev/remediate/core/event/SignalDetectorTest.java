package dev.remediate.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remediate.core.InvalidRemediationException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignalDetectorTest {
  private static final Instant T0 = Instant.parse("2026-11-27T05:00:00Z");

  static CloudTrailEvent failedLogin(String ip, String user, Instant time) {
    return CloudTrailEvent.builder().eventVersion("1.09").eventTime(time)
        .eventSource("signin.amazonaws.com").eventName("ConsoleLogin").awsRegion("us-east-1")
        .eventId("login-" + time.toEpochMilli()).eventType("AwsConsoleSignIn")
        .sourceIpAddress(ip).errorMessage("Failed authentication")
        .userIdentity(UserIdentity.builder().type("IAMUser").accountId("123456789012")
            .principalId("AIDAEXAMPLE" + user).userName(user).build())
        .responseElements(new ObjectMapper().createObjectNode().put("ConsoleLogin", "Failure"))
        .recipientAccountId("123456789012").build();
  }

  private static List<Signal> feed(SignalDetector detector, List<CloudTrailEvent> records) {
    List<Signal> signals = new ArrayList<>();
    records.forEach(r -> signals.addAll(detector.accept(r)));
    return signals;
  }

  private static List<CloudTrailEvent> logins(int n, long secondsApart) {
    List<CloudTrailEvent> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      records.add(failedLogin("203.0.113.9", "user" + i, T0.plusSeconds(i * secondsApart)));
    }
    return records;
  }

  @Test
  void accept_tenFailedLoginsFromOneIpWithinFiveMinutes_oneSignal() {
    List<Signal> signals = feed(SignalDetector.of(Map.of()), logins(10, 30));
    assertEquals(1, signals.size(), signals.toString());
    Signal s = signals.get(0);
    assertEquals(Signal.Kind.CONSOLE_LOGIN_FAILURES, s.kind());
    assertEquals(Signal.Dimension.SOURCE_IP, s.dimension());
    assertEquals("203.0.113.9", s.key());
    assertEquals(10, s.count());
    assertEquals(T0, s.first());
    assertEquals(T0.plusSeconds(270), s.last());
    assertEquals("us-east-1", s.region());
  }

  @Test
  void accept_nineFailedLogins_noSignal() {
    assertEquals(List.of(), feed(SignalDetector.of(Map.of()), logins(9, 30)));
  }

  @Test
  void accept_tenSpreadOverMoreThanTheWindow_noSignal() {
    assertEquals(List.of(), feed(SignalDetector.of(Map.of()), logins(10, 34)));
  }

  @Test
  void accept_slidingWindow_laterBurstCounted() {
    List<CloudTrailEvent> records = new ArrayList<>(logins(5, 30));
    for (int i = 0; i < 10; i++) {
      records.add(failedLogin("203.0.113.9", "late", T0.plusSeconds(3600 + i)));
    }
    List<Signal> signals = feed(SignalDetector.of(Map.of()), records);
    assertEquals(2, signals.size(), "the IP and the principal 'late'");
    assertEquals(T0.plusSeconds(3600), signals.get(0).first());
  }

  @Test
  void accept_outOfOrderWithinTheWindow_counted() {
    List<CloudTrailEvent> records = new ArrayList<>(logins(10, 20));
    java.util.Collections.reverse(records);
    assertEquals(1, feed(SignalDetector.of(Map.of()), records).size());
  }

  @Test
  void accept_settings_thresholdAndWindow() {
    SignalDetector detector = SignalDetector.of(Map.of("signals.threshold", "3",
        "signals.window", "1m"));
    assertEquals(3, detector.threshold());
    assertEquals(Duration.ofMinutes(1), detector.window());
    assertEquals(1, feed(detector, logins(3, 20)).size());
    assertEquals(Duration.ofSeconds(90), SignalDetector.of(Map.of("signals.window", "PT90S")).window());
    assertThrows(InvalidRemediationException.class,
        () -> SignalDetector.of(Map.of("signals.window", "soon")));
    assertThrows(InvalidRemediationException.class,
        () -> SignalDetector.of(Map.of("signals.threshold", "ten")));
    assertThrows(InvalidRemediationException.class,
        () -> SignalDetector.of(Map.of("signals.threshold", "0")));
  }

  @Test
  void accept_accessDeniedBurstOfARole_principalSignalWithRole() {
    SignalDetector detector = SignalDetector.of(3, Duration.ofMinutes(5));
    List<Signal> signals = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      signals.addAll(detector.accept(CloudTrailEvent.builder().eventTime(T0.plusSeconds(i))
          .eventSource("s3.amazonaws.com").eventName("GetObject").awsRegion("us-east-1")
          .sourceIpAddress("AWS Internal").errorCode("AccessDenied")
          .userIdentity(UserIdentity.builder().type("AssumedRole")
              .arn("arn:aws:sts::123456789012:assumed-role/ci/build")
              .sessionContext(SessionContext.builder().sessionIssuer(SessionIssuer.builder()
                  .type("Role").userName("ci").build()).build()).build()).build()));
    }
    assertEquals(1, signals.size(), "no IP signal for 'AWS Internal'");
    assertEquals(Signal.Dimension.PRINCIPAL, signals.get(0).dimension());
    assertEquals(Optional.of("ci"), signals.get(0).roleName());
  }

  @Test
  void accept_manyKeys_memoryBounded() {
    SignalDetector detector = SignalDetector.of(2, Duration.ofMinutes(5));
    for (int i = 0; i < SignalDetector.MAX_KEYS + 10; i++) {
      detector.accept(failedLogin("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255),
          "u", T0));
    }
    // the first address was forgotten: one more record of it makes no signal
    assertTrue(detector.accept(failedLogin("10.0.0.0", "v", T0)).isEmpty());
  }

  @Test
  void isIpAddress_hostNamesAreNot() {
    assertTrue(SignalDetector.isIpAddress("203.0.113.9"));
    assertTrue(SignalDetector.isIpAddress("2001:db8::1"));
    assertTrue(!SignalDetector.isIpAddress("AWS Internal"));
    assertTrue(!SignalDetector.isIpAddress("ec2.amazonaws.com"));
    assertTrue(!SignalDetector.isIpAddress("999.1.1.1"));
  }
}
