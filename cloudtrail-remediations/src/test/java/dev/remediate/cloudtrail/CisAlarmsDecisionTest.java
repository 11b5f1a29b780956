package dev.remediate.cloudtrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import dev.remediate.core.plan.Target;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.model.MetricFilter;

/** {@link CisAlarmsDecision} with hand-made observations: no emulator, no AWS call. */
class CisAlarmsDecisionTest {
  private static final String ACCOUNT = "111122223333";
  private static final String REGION = "us-east-1";
  private static final String TOPIC = "arn:aws:sns:us-east-1:" + ACCOUNT + ":cis";
  private static final String TRAIL_PLAN = "cloudtrail.trail AWS::CloudTrail::Trail audit";

  private static Plan decide(CisAlarms wanted, CisAlarmsObserver.Observation o) {
    return CisAlarmsDecision.decide(wanted, o, Plan.builder().remediation(wanted.spec())
        .target(Target.of("AWS::Logs::LogGroup", wanted.logGroup(), REGION, ACCOUNT))
        .observedAt(Instant.EPOCH));
  }

  @Test
  void decide_groupPromisedByTrailPlan_everyStepPlannedAndTrailPlanRequired() {
    CisAlarms wanted = CisAlarms.forLogGroup("aws-cloudtrail-logs-audit").snsTopic(TOPIC).build();
    var o = new CisAlarmsObserver.Observation(REGION, ACCOUNT, TRAIL_PLAN, true, List.of(),
        List.of(), false, null);

    Plan plan = decide(wanted, o);

    assertEquals(List.of(TRAIL_PLAN), plan.requires());
    assertTrue(plan.warnings().get(0).startsWith("after cloudtrail.trail creates log group "
        + "aws-cloudtrail-logs-audit"), plan.warnings().toString());
    assertEquals(30, plan.steps().size());
    assertEquals(List.of("CreateTopic", "SetTopicAttributes"),
        plan.steps().subList(0, 2).stream().map(Step::kind).toList());
  }

  @Test
  void decide_groupThereNoTrailDelivering_warnsAndRequiresNothing() {
    CisAlarms wanted = CisAlarms.forLogGroup("g").snsTopic(TOPIC)
        .alarms(Set.of(CisAlarm.ROOT_ACCOUNT_USAGE)).build();
    var o = new CisAlarmsObserver.Observation(REGION, ACCOUNT, null, false, List.of(), List.of(),
        true, null);

    Plan plan = decide(wanted, o);

    assertTrue(plan.requires().isEmpty());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("No trail delivers")));
  }

  @Test
  void decide_filterWithPatternUnderAnotherName_adoptedNotDuplicated() {
    CisAlarm root = CisAlarm.ROOT_ACCOUNT_USAGE;
    CisAlarms wanted = CisAlarms.forLogGroup("g").snsTopic(TOPIC).alarms(Set.of(root)).build();
    MetricFilter theirs = MetricFilter.builder().filterName("theirs")
        .filterPattern(root.filterPattern()).metricTransformations(t -> t.metricName("Root")
            .metricNamespace("Sec").metricValue("1")).build();
    var o = new CisAlarmsObserver.Observation(REGION, ACCOUNT, null, true, List.of(theirs),
        List.of(), true, null);

    Plan plan = decide(wanted, o);

    List<String> kinds = plan.steps().stream().map(Step::kind).toList();
    assertEquals(List.of("SetTopicAttributes", "PutMetricAlarm"), kinds);
    Map<String, String> alarm = plan.steps().get(1).parameters();
    assertEquals("Root", alarm.get("metricName"));
    assertEquals("Sec", alarm.get("namespace"));
  }

  @Test
  void forRegion_cloudWatchLogsTrue_theTrailsDefaultGroupAndTypoRefused() {
    CisAlarms.Type type = new CisAlarms.Type();
    assertEquals("aws-cloudtrail-logs-org", ((CisAlarms) type.forRegion(Map.of(
        "trail.cloudWatchLogs", "true", "trail.name", "org", "alarms.snsTopic", TOPIC))
        .orElseThrow()).logGroup());
    assertTrue(type.forRegion(Map.of("trail.cloudWatchLogs", "false", "alarms.snsTopic", TOPIC))
        .isEmpty());
    var e = org.junit.jupiter.api.Assertions.assertThrows(
        dev.remediate.core.InvalidRemediationException.class, () -> type.forRegion(Map.of(
            "trail.cloudWatchLogs", "ture", "alarms.snsTopic", TOPIC)));
    assertTrue(e.getMessage().contains("'trail.cloudWatchLogs'"), e.getMessage());
  }
}
