package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.aws.AlarmTopics;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Step;
import dev.remediate.core.policy.PolicyDocuments;
import dev.remediate.ec2.CpuAlarmDecision.Target;
import dev.remediate.ec2.CpuAlarmObserver.Instance;
import dev.remediate.ec2.CpuAlarmObserver.Observation;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/** {@link CpuAlarmDecision} with hand-made observations: no emulator, no AWS call. */
class CpuAlarmDecisionTest {
  private static final String REGION = "eu-west-1";
  private static final String ACCOUNT = "111122223333";
  private static final String TOPIC = "arn:aws:sns:eu-west-1:111122223333:ops";
  private static final String READY_POLICY = PolicyDocuments.merge(null,
      List.of(AlarmTopics.publishStatement(TOPIC, REGION, ACCOUNT))).orElseThrow();
  private static final CpuAlarmDecision DEFAULTS =
      new CpuAlarmDecision("80", 3, "ops", null, null);

  private static Instance instance(String id, String state, Map<String, String> tags) {
    return new Instance(id, state, tags);
  }

  /** The alarm this remediation puts for an instance with the default settings. */
  private static MetricAlarm alarm(String instanceId, UnaryOperator<MetricAlarm.Builder> change) {
    return change.apply(MetricAlarm.builder().alarmName(EnableCpuAlarm.alarmName(instanceId))
        .namespace("AWS/EC2").metricName("CPUUtilization")
        .dimensions(d -> d.name("InstanceId").value(instanceId))
        .statistic(Statistic.AVERAGE).period(300).evaluationPeriods(3).datapointsToAlarm(3)
        .threshold(80.0).comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
        .actionsEnabled(true).alarmActions(TOPIC)).build();
  }

  private static Observation observed(List<Instance> instances, List<MetricAlarm> alarms,
      boolean topicExists, String policy) {
    return new Observation(REGION, ACCOUNT,
        instances.stream().collect(java.util.stream.Collectors.toMap(Instance::id, i -> i)),
        alarms.stream().collect(java.util.stream.Collectors.toMap(MetricAlarm::alarmName,
            a -> a)), topicExists, policy);
  }

  private static List<String> kinds(Target t) {
    return t.steps().stream().map(Step::kind).toList();
  }

  private static Target only(List<Target> targets) {
    assertEquals(1, targets.size(), targets.toString());
    return targets.get(0);
  }

  @Test
  void decide_runningInstanceWithoutAlarmAndNoTopic_createsTopicPolicyThenAlarm() {
    Target t = only(DEFAULTS.decide(observed(List.of(instance("i-0a", "running", Map.of())),
        List.of(), false, null), "remediate:skip", "opt-out"));

    assertEquals(List.of("CreateTopic", "SetTopicAttributes", "PutMetricAlarm"), kinds(t));
    Step put = t.steps().get(2);
    assertEquals("remediate-cpu-i-0a", put.parameter("alarmName"));
    assertEquals("80", put.parameter("threshold"));
    assertEquals("3", put.parameter("periods"));
    assertEquals(TOPIC, put.parameter("actions"));
    assertTrue(t.steps().get(1).after().orElseThrow().contains("aws:SourceAccount"));
    assertTrue(t.warnings().get(0).contains("no subscription"), t.warnings().toString());
  }

  @Test
  void decide_alarmAsWantedAndTopicReady_emptyTarget() {
    Target t = only(DEFAULTS.decide(observed(List.of(instance("i-0a", "running", Map.of())),
        List.of(alarm("i-0a", b -> b)), true, READY_POLICY), "remediate:skip", "opt-out"));

    assertEquals(List.of(), t.steps());
    assertEquals(List.of(), t.warnings());
  }

  @Test
  void decide_alarmWithOtherSettings_changedKeepingItsOtherActions() {
    String other = "arn:aws:sns:eu-west-1:111122223333:pager";
    for (UnaryOperator<MetricAlarm.Builder> drift : List.<UnaryOperator<MetricAlarm.Builder>>of(
        b -> b.threshold(95.0), b -> b.evaluationPeriods(1), b -> b.statistic(Statistic.MAXIMUM),
        b -> b.actionsEnabled(false), b -> b.alarmActions(other),
        b -> b.dimensions(d -> d.name("InstanceId").value("i-0other")))) {
      MetricAlarm alarm = alarm("i-0a", drift);
      Target t = only(DEFAULTS.decide(observed(List.of(instance("i-0a", "running", Map.of())),
          List.of(alarm), true, READY_POLICY), "remediate:skip", "opt-out"));

      assertEquals(List.of("PutMetricAlarm"), kinds(t), alarm.toString());
      Step put = t.steps().get(0);
      assertTrue(put.before().isPresent(), put.toString());
      assertTrue(put.parameter("actions").contains(TOPIC));
      alarm.alarmActions().forEach(a -> assertTrue(put.parameter("actions").contains(a)));
    }
  }

  @Test
  void decide_topicPolicyWithoutThePublishStatement_mergedKeepingOthers() {
    String foreign = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Owner\",\"Effect\":"
        + "\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":"
        + "\"sns:Publish\",\"Resource\":\"" + TOPIC + "\"}]}";
    Target t = only(DEFAULTS.decide(observed(List.of(instance("i-0a", "running", Map.of())),
        List.of(alarm("i-0a", b -> b)), true, foreign), "remediate:skip", "opt-out"));

    assertEquals(List.of("SetTopicAttributes"), kinds(t));
    assertEquals(foreign, t.steps().get(0).before().orElseThrow());
    assertTrue(t.steps().get(0).after().orElseThrow().contains("\"Owner\""));
  }

  @Test
  void decide_tagSelects_onlyTaggedRunningInstancesAreTargets() {
    CpuAlarmDecision tagged = new CpuAlarmDecision("80", 3, "ops", "env", "prod");
    List<Target> targets = tagged.decide(observed(List.of(
        instance("i-0a", "running", Map.of("env", "prod")),
        instance("i-0b", "running", Map.of("env", "dev")),
        instance("i-0c", "running", Map.of())), List.of(), true, READY_POLICY),
        "remediate:skip", "opt-out");

    assertEquals(List.of("i-0a"), targets.stream().map(Target::instanceId).toList());
  }

  @Test
  void decide_stoppedOptedOutAndGoneInstances() {
    List<Target> targets = DEFAULTS.decide(observed(List.of(
        instance("i-0a", "stopped", Map.of()),
        instance("i-0b", "running", Map.of("remediate:skip", "")),
        instance("i-0c", "terminated", Map.of())),
        List.of(alarm("i-0c", b -> b), alarm("i-0d", b -> b)), true, READY_POLICY),
        "remediate:skip", "opt-out");

    assertEquals(List.of("i-0a", "i-0b", "i-0c", "i-0d"),
        targets.stream().map(Target::instanceId).toList());
    assertTrue(targets.get(0).skipped().get(0).reason().contains("stopped"));
    assertEquals("opt-out", targets.get(1).skipped().get(0).reason());
    for (Target gone : targets.subList(2, 4)) {
      assertEquals(List.of("DeleteAlarms"), kinds(gone));
      assertEquals(java.util.Set.of(Flag.DESTRUCTIVE), gone.steps().get(0).flags());
      assertTrue(gone.warnings().get(0).contains("gone"), gone.warnings().toString());
    }
  }

  @Test
  void decide_terminatedInstanceWithoutAlarm_emptyTarget() {
    Target t = only(DEFAULTS.decide(observed(List.of(instance("i-0a", "terminated", Map.of())),
        List.of(), false, null), "remediate:skip", "opt-out"));

    assertEquals(List.of(), t.steps());
  }

  @Test
  void values_parsedStrictly() {
    assertEquals("85.5", EnableCpuAlarm.threshold("85.50"));
    assertEquals("80", EnableCpuAlarm.threshold("80.0"));
    for (String bad : List.of("0", "100.1", "-5", "8O", "1e2", "")) {
      assertThrows(InvalidRemediationException.class, () -> EnableCpuAlarm.threshold(bad), bad);
    }
    assertEquals(3, EnableCpuAlarm.periods("3"));
    for (String bad : List.of("0", "289", "+3", "three", "3.0")) {
      InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
          () -> EnableCpuAlarm.periods(bad), bad);
      assertTrue(e.getMessage().contains("periods '" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void decide_otherStatistic_existingAverageAlarmIsAPlannedChange() {
    CpuAlarmDecision maximum = new CpuAlarmDecision("80", 3, "Maximum", "ops", null, null);
    Target t = only(maximum.decide(observed(List.of(instance("i-0a", "running", Map.of())),
        List.of(alarm("i-0a", b -> b)), true, READY_POLICY), "remediate:skip", "opt-out"));

    assertEquals(List.of("PutMetricAlarm"), kinds(t));
    Step put = t.steps().get(0);
    assertEquals("Maximum", put.parameter("statistic"));
    assertTrue(put.before().orElseThrow().contains(" Average "), put.toString());
    assertTrue(put.after().orElseThrow().contains(" Maximum "), put.toString());
    assertTrue(put.summary().contains("Maximum >= 80%"), put.summary());

    Target same = only(maximum.decide(observed(List.of(instance("i-0a", "running", Map.of())),
        List.of(alarm("i-0a", b -> b.statistic(Statistic.MAXIMUM))), true, READY_POLICY),
        "remediate:skip", "opt-out"));
    assertEquals(List.of(), same.steps());
  }

  @Test
  void decide_defaultStatistic_stepCarriesNoStatisticParameter() {
    Target t = only(DEFAULTS.decide(observed(List.of(instance("i-0a", "running", Map.of())),
        List.of(), true, READY_POLICY), "remediate:skip", "opt-out"));

    assertEquals(List.of("PutMetricAlarm"), kinds(t));
    assertTrue(!t.steps().get(0).parameters().containsKey("statistic"),
        "steps of plans saved before the setting stay the same: " + t.steps());
  }

  @Test
  void decide_pendingInstance_justLaunched_wantsItsAlarm() {
    Target t = only(DEFAULTS.decide(observed(List.of(instance("i-0a", "pending", Map.of())),
        List.of(), true, READY_POLICY), "remediate:skip", "opt-out"));

    assertEquals(List.of("PutMetricAlarm"), kinds(t));
  }

  @Test
  void statistic_parsedStrictly() {
    assertEquals("SampleCount", EnableCpuAlarm.statistic("samplecount"));
    assertEquals("Maximum", EnableCpuAlarm.statistic(" Maximum "));
    for (String bad : List.of("Max", "p99", "", "Averge")) {
      InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
          () -> EnableCpuAlarm.statistic(bad), bad);
      assertTrue(e.getMessage().contains("statistic '" + bad + "'"), e.getMessage());
    }
  }
}
