package dev.remediate.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.RemediationCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Routing of findings through a catalog of test-only types. */
class FindingRouterTest {
  static final TargetedType BLOCK = new TargetedType("ec2.block-ip", List.of(),
      List.of("vpc-", "subnet-"), "blockIp.", false);
  static final TargetedType PORTS = new TargetedType("ec2.security-group-open-ports",
      List.of("FSBP EC2.18", "FSBP EC2.19"), List.of("sg-"), "securityGroups.", false);
  static final TargetedType QUARANTINE = TargetedType.of("ec2.quarantine-instance", "i-");
  static final TargetedType REVOKE = TargetedType.of("iam.revoke-role-sessions", "");
  static final TargetedType DEACTIVATE = TargetedType.of("iam.deactivate-access-key", "AKIA");
  static final TargetedType DEFAULT_SG = new TargetedType("ec2.default-security-group",
      List.of("FSBP EC2.2"), List.of("vpc-"), "-", false);
  static final TargetedType DETECTOR = new TargetedType("guardduty.detector",
      List.of("FSBP GuardDuty.1"), List.of(), "-", true);

  static final TargetedType RESIZE = new TargetedType("ec2.resize-instance", List.of(),
      List.of("i-"), "resize.", false);

  static final RemediationCatalog ALL = RemediationCatalog.of(BLOCK, PORTS, QUARANTINE, REVOKE,
      DEACTIVATE, DEFAULT_SG, DETECTOR, RESIZE);

  private static FindingRouter.Routing route(RemediationCatalog catalog, String resource, int index) {
    Finding finding = (Finding) FindingsReadingTest.read(resource).get(index);
    return FindingRouter.of(catalog, Map.of()).route(finding);
  }

  private static String target(RoutedRemediation routed) {
    return ((TargetedType.Target) routed.remediation()).target();
  }

  private static Map<String, String> parameters(RoutedRemediation routed) {
    return routed.remediation().spec().parameters();
  }

  @Test
  void route_sshBruteForce_blocksRemoteIpInInstanceSubnet() {
    FindingRouter.Routing routing = route(ALL, "guardduty-ssh-brute-force-eventbridge.json", 0);
    assertEquals(1, routing.remediations().size(), routing.toString());
    RoutedRemediation r = routing.remediations().get(0);
    assertEquals("ec2.block-ip", r.remediation().id());
    assertEquals("subnet-0a1b2c3d4e5f60718", target(r));
    assertEquals("203.0.113.77", parameters(r).get("blockIp.address"));
    assertFalse(r.needsApproval());
    assertEquals("us-east-1", r.region());
    assertEquals(Optional.of("123456789012"), r.account());
    assertEquals(List.of(), routing.notes());
  }

  @Test
  void route_cpuAlarmIntoAlarm_resizesToTheInstancesTagWithApproval_otherAlarmsNothing() {
    List<SecurityEvent> events = FindingsReadingTest.read("cloudwatch-cpu-alarm-state-change.json");
    AlarmStateChange alarm = (AlarmStateChange) events.get(0);
    assertEquals("remediate-cpu-i-0abc1234def567890", alarm.alarmName());
    assertEquals("ALARM", alarm.state());
    assertEquals(Optional.of("OK"), alarm.previousState());
    assertEquals(Map.of("InstanceId", "i-0abc1234def567890"), alarm.dimensions());
    assertEquals("eu-west-1", alarm.region());
    FindingRouter router = FindingRouter.of(ALL, Map.of());
    FindingRouter.Routing routing = router.route(alarm);
    assertEquals(1, routing.remediations().size(), routing.toString());
    RoutedRemediation r = routing.remediations().get(0);
    assertEquals("ec2.resize-instance", r.remediation().id());
    assertEquals("i-0abc1234def567890", target(r));
    assertEquals("tag", parameters(r).get("resize.instanceType"));
    assertTrue(r.needsApproval(), "a resize stops the instance");
    assertEquals("eu-west-1", r.region());
    assertEquals(List.of(), router.route((Finding) events.get(1)).remediations(),
        "back to OK: nothing");
    assertEquals(List.of(), router.route((Finding) events.get(2)).remediations(),
        "not an EC2 CPU alarm: nothing");
  }

  @Test
  void route_credentialExfiltration_revokesRoleSessionsWithApproval() {
    FindingRouter.Routing routing = route(ALL, "guardduty-credential-exfiltration.json", 0);
    RoutedRemediation r = routing.remediations().get(0);
    assertEquals("iam.revoke-role-sessions", r.remediation().id());
    assertEquals("web-instance-role", target(r));
    assertTrue(r.needsApproval());
  }

  @Test
  void route_portProbe_restrictsProbedPortsOnEachGroup() {
    FindingRouter.Routing routing = route(ALL, "guardduty-port-probe.json", 0);
    assertEquals(List.of("sg-0a1b2c3d4e5f60718", "sg-0f0e0d0c0b0a09080"),
        routing.remediations().stream().map(FindingRouterTest::target).toList());
    assertEquals("3389,5432", parameters(routing.remediations().get(0)).get("securityGroups.ports"));
    assertFalse(routing.remediations().get(0).needsApproval());
  }

  @Test
  void route_cryptoCurrencyAndIamUserKey_quarantineAndDeactivateWithApproval() {
    RoutedRemediation quarantine = route(ALL, "guardduty-get-findings-cli.json", 0)
        .remediations().get(0);
    assertEquals("ec2.quarantine-instance", quarantine.remediation().id());
    assertEquals("i-0feedface0000beef", target(quarantine));
    assertTrue(quarantine.needsApproval());
    RoutedRemediation key = route(ALL, "guardduty-get-findings-cli.json", 1).remediations().get(0);
    assertEquals("iam.deactivate-access-key", key.remediation().id());
    assertEquals("AKIAEXAMPLEKEY000002", target(key));
    assertTrue(key.needsApproval());
  }

  @Test
  void route_securityHubEc219_restrictsThatGroup() {
    FindingRouter.Routing routing = route(ALL, "securityhub-ec2-19-imported.json", 0);
    assertEquals(1, routing.remediations().size(), routing.toString());
    RoutedRemediation r = routing.remediations().get(0);
    assertEquals("ec2.security-group-open-ports", r.remediation().id());
    assertEquals("sg-0a1b2c3d4e5f60718", target(r));
    assertEquals("securityhub.control.EC2.19", r.ruleId());
  }

  @Test
  void route_securityHubEc22OnAGroup_defaultGroupOfItsVpc() {
    RoutedRemediation r = route(ALL, "securityhub-get-findings.json", 0).remediations().get(0);
    assertEquals("ec2.default-security-group", r.remediation().id());
    assertEquals("vpc-0ddddddddddddddd1", target(r));
    assertEquals("eu-west-1", r.region());
  }

  @Test
  void route_accountControl_regionWideForm() {
    RoutedRemediation r = route(ALL, "securityhub-get-findings.json", 1).remediations().get(0);
    assertEquals("guardduty.detector", r.remediation().id());
    assertEquals("*", target(r));
  }

  @Test
  void route_passedOrResolvedControl_nothing() {
    FindingRouter.Routing routing = route(ALL, "securityhub-get-findings.json", 2);
    assertEquals(List.of(), routing.remediations());
    assertEquals(List.of(), routing.notes());
  }

  @Test
  void route_remediationNotInCatalog_reportedNotThrown() {
    RemediationCatalog withoutIam = RemediationCatalog.of(BLOCK, PORTS, QUARANTINE);
    FindingRouter.Routing exfiltration = route(withoutIam, "guardduty-credential-exfiltration.json", 0);
    assertEquals(List.of(), exfiltration.remediations());
    assertTrue(exfiltration.notes().get(0).startsWith("remediation iam.revoke-role-sessions not "
        + "installed"), exfiltration.notes().toString());
    FindingRouter.Routing detector = route(withoutIam, "securityhub-get-findings.json", 1);
    assertEquals(List.of(), detector.remediations());
    assertTrue(detector.notes().get(0).startsWith("remediation guardduty.detector not installed"),
        detector.notes().toString());
  }

  @Test
  void route_bruteForceByTheInstance_nothingBlockedAndSaid() {
    String actor = "{\"schemaVersion\":\"2.0\",\"accountId\":\"123456789012\",\"region\":\"us-east-1\","
        + "\"id\":\"f1\",\"type\":\"UnauthorizedAccess:EC2/SSHBruteForce\",\"resource\":{"
        + "\"instanceDetails\":{\"instanceId\":\"i-0abc\",\"networkInterfaces\":[{\"subnetId\":"
        + "\"subnet-0abc\"}]}},\"service\":{\"resourceRole\":\"ACTOR\",\"action\":{"
        + "\"networkConnectionAction\":{\"remoteIpDetails\":{\"ipAddressV4\":\"192.0.2.1\"}}}}}";
    Finding f = (Finding) FindingsReadingTest.readText(actor).get(0);
    FindingRouter.Routing routing = FindingRouter.of(ALL, Map.of()).route(f);
    assertEquals(List.of(), routing.remediations());
    assertTrue(routing.notes().get(0).contains("is the actor"), routing.notes().toString());
  }

  @Test
  void route_signals_blockWhereConfiguredAndRevokeWithApproval() {
    Instant t = Instant.parse("2026-11-27T05:00:00Z");
    Signal ip = new Signal(Signal.Kind.CONSOLE_LOGIN_FAILURES, Signal.Dimension.SOURCE_IP,
        "203.0.113.9", 10, t, t.plusSeconds(100), Duration.ofMinutes(5), "us-east-1",
        Optional.of("123456789012"), Optional.empty(), Optional.empty());
    FindingRouter.Routing unconfigured = FindingRouter.of(ALL, Map.of()).route(ip);
    assertEquals(List.of(), unconfigured.remediations());
    assertTrue(unconfigured.notes().get(0).contains("signals.blockIn"), unconfigured.toString());
    FindingRouter.Routing blocked = FindingRouter.of(ALL,
        Map.of("signals.blockIn", "vpc-0aaa,subnet-0bbb")).route(ip);
    assertEquals(List.of("vpc-0aaa", "subnet-0bbb"),
        blocked.remediations().stream().map(FindingRouterTest::target).toList());
    assertEquals("203.0.113.9", parameters(blocked.remediations().get(0)).get("blockIp.address"));
    Signal role = new Signal(Signal.Kind.ACCESS_DENIED, Signal.Dimension.PRINCIPAL,
        "arn:aws:sts::123456789012:assumed-role/ci/s", 10, t, t, Duration.ofMinutes(5),
        "us-east-1", Optional.empty(), Optional.of("ci"), Optional.empty());
    RoutedRemediation revoke = FindingRouter.of(ALL, Map.of()).route(role).remediations().get(0);
    assertEquals("iam.revoke-role-sessions", revoke.remediation().id());
    assertEquals("ci", target(revoke));
    assertTrue(revoke.needsApproval());
  }
}
