package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.RoutedRemediation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CpuAlarmEventRules} with hand-made CloudTrail records: no emulator. */
class CpuAlarmEventRulesTest {
  private static final String A = "i-0a1b2c3d4e5f60718";
  private static final String B = "i-0b1b2c3d4e5f60718";
  private static final Map<String, String> TOPIC = Map.of("alarms.snsTopic", "ops-alarms");

  /** A RunInstances response naming the instances, each with the given tags (JSON items). */
  static String instancesSet(String... ids) {
    return instancesSetTagged("", ids);
  }

  static String instancesSetTagged(String tagItems, String... ids) {
    StringBuilder items = new StringBuilder();
    for (String id : ids) {
      items.append(items.length() == 0 ? "" : ",").append("""
          {"instanceId":"%s","imageId":"ami-12345678","instanceState":{"code":0,"name":"pending"},
           "instanceType":"t3.micro","rootDeviceType":"ebs","tagSet":{"items":[%s]}}
          """.formatted(id, tagItems));
    }
    return """
        {"requestId":"r","reservationId":"r-0123456789abcdef0","ownerId":"123456789012",
         "groupSet":{},"instancesSet":{"items":[%s]}}
        """.formatted(items);
  }

  private static List<Remediation> routed(Map<String, String> settings, CloudTrailEvent event) {
    return EventRouter.load(settings).route(event).stream()
        .filter(r -> r.ruleId().equals(CpuAlarmEventRules.RUN_INSTANCES_RULE))
        .map(RoutedRemediation::remediation).toList();
  }

  @Test
  void route_runInstances_eachNewInstanceGetsItsAlarmWithTheSettings() {
    Map<String, String> settings = Map.of("cpuAlarm.snsTopic", "cpu", "alarms.snsTopic", "other",
        "cpuAlarm.statistic", "Maximum", "cpuAlarm.periods", "2");
    List<Remediation> remediations = routed(settings,
        NetworkEventRulesTest.record("RunInstances", "{}", instancesSet(A, B)));

    EnableCpuAlarm.Builder expected = EnableCpuAlarm.forInstance(A).snsTopic("cpu")
        .statistic("Maximum").periods(2);
    assertEquals(List.of(expected.build(), EnableCpuAlarm.forInstance(B).snsTopic("cpu")
        .statistic("Maximum").periods(2).build()), remediations);
    RoutedRemediation r = EventRouter.load(settings).route(NetworkEventRulesTest.record(
        "RunInstances", "{}", instancesSet(A))).stream()
        .filter(x -> x.ruleId().equals(CpuAlarmEventRules.RUN_INSTANCES_RULE)).findFirst()
        .orElseThrow();
    assertFalse(r.needsApproval(), "adding an alarm needs no approval");
  }

  @Test
  void rules_noTopicInTheSettings_noRule() {
    assertEquals(List.of(), new CpuAlarmEventRules().rules());
    assertEquals(List.of(), new CpuAlarmEventRules().rules(Map.of("cpuAlarm.threshold", "90")));
    assertEquals(List.of(), routed(Map.of(), NetworkEventRulesTest.record("RunInstances", "{}",
        instancesSet(A))));
    assertEquals(1, new CpuAlarmEventRules().rules(TOPIC).size());
  }

  @Test
  void route_recordWithoutInstancesOrWithBadIds_callsForNothing() {
    assertEquals(List.of(), routed(TOPIC, NetworkEventRulesTest.record("RunInstances", "{}",
        "null")));
    assertEquals(List.of(), routed(TOPIC, NetworkEventRulesTest.record("RunInstances", "{}",
        "{\"instancesSet\":{}}")));
    assertEquals(List.of(), routed(TOPIC, NetworkEventRulesTest.record("RunInstances", "{}",
        instancesSet("vol-0a1b2c3d4e5f60718"))));
  }

  @Test
  void route_tagSetting_onlyInstancesTheRecordShowsTagged() {
    Map<String, String> settings = Map.of("alarms.snsTopic", "ops-alarms", "cpuAlarm.tag",
        "env=prod");
    assertEquals(List.of(EnableCpuAlarm.forInstance(A).snsTopic("ops-alarms").build()),
        routed(settings, NetworkEventRulesTest.record("RunInstances", "{}", instancesSetTagged(
            "{\"key\":\"env\",\"value\":\"prod\"}", A))));
    assertEquals(List.of(), routed(settings, NetworkEventRulesTest.record("RunInstances", "{}",
        instancesSetTagged("{\"key\":\"env\",\"value\":\"dev\"}", A))));
    assertEquals(List.of(), routed(settings, NetworkEventRulesTest.record("RunInstances", "{}",
        instancesSet(A))));
  }

  @Test
  void rules_badSettings_refusedNamingTheValue() {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> new CpuAlarmEventRules().rules(Map.of("alarms.snsTopic", "ops",
            "cpuAlarm.statistic", "Avg")));
    assertTrue(e.getMessage().contains("'Avg'"), e.getMessage());
    assertThrows(InvalidRemediationException.class, () -> new CpuAlarmEventRules().rules(
        Map.of("alarms.snsTopic", "ops", "cpuAlarm.tag", "prod")));
  }
}
