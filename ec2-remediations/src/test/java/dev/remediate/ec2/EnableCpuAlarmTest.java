package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.ApplyResult.Status;
import dev.remediate.core.Guardrails;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.aws.AlarmTopics;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.RoutedRemediation;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.DeclaredSettings;
import dev.remediate.testing.Fault;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * {@link EnableCpuAlarm} on the emulator: three running instances (one tagged), one stopped, no
 * topic; planned region-wide into a plan set, saved as JSON, read back, applied; then a
 * terminated instance's alarm, a fault, and the single-target form.
 */
@ExtendWith(AwsEmulatorExtension.class)
class EnableCpuAlarmTest {
  private static final String TOPIC = "ops-alarms";
  private AwsEmulator aws;
  private Ec2Client ec2;
  private CloudWatchClient cloudWatch;
  private List<String> running;
  private String stopped;

  @BeforeEach
  void instances(AwsEmulator aws) {
    this.aws = aws;
    ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    cloudWatch = aws.client(CloudWatchClient.class, CloudWatchClient::builder);
    running = ec2.runInstances(r -> r.imageId("ami-12345678").minCount(3).maxCount(3)
        .instanceType("t3.micro")).instances().stream().map(i -> i.instanceId()).sorted()
        .toList();
    ec2.createTags(r -> r.resources(running.get(0)).tags(t -> t.key("env").value("prod")));
    stopped = ec2.runInstances(r -> r.imageId("ami-12345678").minCount(1).maxCount(1)
        .instanceType("t3.micro")).instances().get(0).instanceId();
    ec2.stopInstances(r -> r.instanceIds(stopped));
  }

  private Remediator remediator(Flag... consent) {
    return Remediator.builder().scope(aws.scope())
        .guardrails(Guardrails.custom().consentTo(consent).build()).build();
  }

  private static Remediation everyInstance() {
    return EnableCpuAlarm.forEveryInstance().snsTopic(TOPIC).build();
  }

  private PlanSet scan(Remediator remediator, Remediation remediation) {
    PlanSet plans = remediator.planSet(List.of(remediation));
    PlanSet read = PlanSet.fromJson(plans.toJson());
    assertEquals(plans, read);
    return read;
  }

  private Map<String, MetricAlarm> alarms() {
    return cloudWatch.describeAlarms(r -> r.alarmNamePrefix(EnableCpuAlarm.ALARM_PREFIX))
        .metricAlarms().stream().collect(Collectors.toMap(MetricAlarm::alarmName, a -> a,
            (a, b) -> a, TreeMap::new));
  }

  private String topicArn() {
    return "arn:aws:sns:" + AwsEmulator.REGION.id() + ":" + AwsEmulator.ACCOUNT + ":" + TOPIC;
  }

  /** The status of every target with changes, by target id (shared by the plan-set tests). */
  static Map<String, Status> statuses(PlanSetResult result) {
    return result.results().stream().filter(r -> r.status() != Status.NOTHING_TO_DO)
        .collect(Collectors.toMap(r -> r.plan().target().id(), ApplyResult::status));
  }

  @Test
  void apply_everyRunningInstance_getsItsAlarmAndTheNextScanIsEmpty() {
    Remediator remediator = remediator();
    aws.recorder().reset();
    PlanSet plans = scan(remediator, everyInstance());

    assertEquals(3, aws.recorder().total(), "one call each to EC2, CloudWatch, SNS: "
        + aws.recorder());
    assertEquals(Set.copyOf(running), plans.withChanges().stream().map(p -> p.target().id())
        .collect(Collectors.toSet()), plans.toText());
    Plan first = plans.withChanges().get(0);
    assertEquals("AWS::EC2::Instance", first.target().type());
    assertEquals(List.of("CreateTopic", "SetTopicAttributes", "PutMetricAlarm"),
        first.steps().stream().map(Step::kind).toList());
    assertTrue(first.iamActions().containsAll(Set.of("cloudwatch:PutMetricAlarm",
        "sns:CreateTopic", "sns:SetTopicAttributes")), first.iamActions().toString());
    assertTrue(EnableCpuAlarm.IAM_ACTIONS.containsAll(first.iamActions()));
    Plan stoppedPlan = plans.plans().stream().filter(p -> p.target().id().equals(stopped))
        .findFirst().orElseThrow();
    assertTrue(stoppedPlan.steps().isEmpty() && !stoppedPlan.skipped().isEmpty());

    aws.recorder().reset();
    PlanSetResult result = remediator.apply(plans);

    assertFalse(result.hasProblems(), result.toText());
    assertTrue(statuses(result).values().stream().allMatch(s -> s == Status.APPLIED),
        result.toText());
    assertEquals(3, aws.recorder().count("PutMetricAlarm"), aws.recorder().toString());
    assertTrue(aws.recorder().count("DescribeInstances") <= 2, aws.recorder().toString());
    Map<String, MetricAlarm> alarms = alarms();
    assertEquals(running.stream().map(EnableCpuAlarm::alarmName).collect(Collectors.toSet()),
        alarms.keySet());
    MetricAlarm alarm = alarms.get(EnableCpuAlarm.alarmName(running.get(1)));
    assertEquals(80.0, alarm.threshold());
    assertEquals(3, alarm.evaluationPeriods());
    assertEquals(300, alarm.period());
    assertEquals("Average", alarm.statisticAsString());
    assertEquals(running.get(1), alarm.dimensions().get(0).value());
    assertEquals(List.of(topicArn()), alarm.alarmActions());
    String policy = aws.client(SnsClient.class, SnsClient::builder)
        .getTopicAttributes(r -> r.topicArn(topicArn())).attributes().get("Policy");
    assertTrue(policy.contains(AlarmTopics.PUBLISH_SID) && policy.contains("aws:SourceAccount"),
        policy);
    PlanSet again = remediator.planSet(List.of(everyInstance()));
    assertTrue(again.isEmpty(), again.toText());
  }

  @Test
  void planSet_otherThresholdAndTag_changesOnlyTheTaggedInstancesAlarm() {
    Remediator remediator = remediator();
    remediator.apply(scan(remediator, everyInstance()));
    Remediation tagged = new EnableCpuAlarm.Type().forRegion(Map.of("alarms.snsTopic", TOPIC,
        "cpuAlarm.threshold", "90", "cpuAlarm.tag", "env=prod")).orElseThrow();

    PlanSet plans = scan(remediator, tagged);

    assertEquals(List.of(running.get(0)), plans.withChanges().stream()
        .map(p -> p.target().id()).toList(), plans.toText());
    Step put = plans.withChanges().get(0).steps().get(0);
    assertTrue(put.before().orElseThrow().contains(" 80 "), put.before().toString());
    assertFalse(remediator.apply(plans).hasProblems());
    assertEquals(90.0, alarms().get(EnableCpuAlarm.alarmName(running.get(0))).threshold());
    assertEquals(80.0, alarms().get(EnableCpuAlarm.alarmName(running.get(1))).threshold());
    assertTrue(remediator.planSet(List.of(tagged)).isEmpty());
  }

  @Test
  void apply_terminatedInstancesAlarm_reportedAndDeletedOnlyWithDestructiveConsent() {
    Remediator remediator = remediator();
    remediator.apply(scan(remediator, everyInstance()));
    String gone = running.get(2);
    ec2.terminateInstances(r -> r.instanceIds(gone));

    PlanSet plans = scan(remediator, everyInstance());

    Plan orphan = plans.withChanges().stream().filter(p -> p.target().id().equals(gone))
        .findFirst().orElseThrow(() -> new AssertionError(plans.toText()));
    assertEquals(1, plans.withChanges().size(), plans.toText());
    assertEquals(Set.of(Flag.DESTRUCTIVE), orphan.steps().get(0).flags());
    assertTrue(orphan.warnings().get(0).contains("gone"), orphan.warnings().toString());
    PlanSetResult refused = remediator.apply(plans);
    assertTrue(alarms().containsKey(EnableCpuAlarm.alarmName(gone)), refused.toText());
    assertTrue(statuses(refused).get(gone) != Status.APPLIED, refused.toText());

    PlanSetResult consented = remediator(Flag.DESTRUCTIVE).apply(plans);

    assertEquals(Status.APPLIED, statuses(consented).get(gone), consented.toText());
    assertFalse(alarms().containsKey(EnableCpuAlarm.alarmName(gone)));
    assertEquals(2, alarms().size());
    assertTrue(remediator.planSet(List.of(everyInstance())).isEmpty());
  }

  @Test
  void apply_putMetricAlarmFailsOnce_oneTargetFailsTheRestAppliedAndReapplyConverges() {
    Remediator remediator = remediator();
    PlanSet plans = scan(remediator, everyInstance());
    aws.faults().failNth("PutMetricAlarm", 1, Fault.of("LimitExceeded"));

    PlanSetResult result = remediator.apply(plans);

    Map<String, Status> statuses = statuses(result);
    assertEquals(1, statuses.values().stream().filter(s -> s == Status.FAILED).count(),
        result.toText());
    assertEquals(2, statuses.values().stream().filter(s -> s == Status.APPLIED).count(),
        result.toText());
    assertEquals(2, alarms().size());
    aws.faults().reset();
    PlanSet again = scan(remediator, everyInstance());
    assertEquals(1, again.withChanges().size(), again.toText());
    assertEquals(List.of("PutMetricAlarm"), again.withChanges().get(0).steps().stream()
        .map(Step::kind).toList(), "the topic is ready already");
    assertFalse(remediator.apply(again).hasProblems());
    assertEquals(3, alarms().size());
    assertTrue(remediator.planSet(List.of(everyInstance())).isEmpty());
  }

  @Test
  void forTarget_oneInstanceThroughTheCatalog_planOfThatInstanceAlone() {
    RemediationCatalog catalog = RemediationCatalog.load();
    Remediation one = catalog.require(EnableCpuAlarm.ID)
        .forTarget(running.get(1), Map.of("cpuAlarm.snsTopic", TOPIC, "cpuAlarm.periods", "2"))
        .orElseThrow();
    aws.recorder().reset();

    Plan plan = remediator().plan(one);

    assertEquals(3, aws.recorder().total(), aws.recorder().toString());
    assertEquals(running.get(1), plan.target().id());
    assertEquals(one, catalog.fromSpec(plan.remediation()));
    assertEquals("2", plan.steps().get(2).parameter("periods"));
    Remediation unknown = EnableCpuAlarm.forInstance("i-0123456789abcdef0").snsTopic(TOPIC)
        .build();
    RemediationException e = assertThrows(RemediationException.class,
        () -> remediator().plan(unknown));
    assertTrue(e.getMessage().contains("i-0123456789abcdef0"), e.getMessage());
  }

  @Test
  void forTargets_manyInstanceSpecs_observedTogether() {
    EnableCpuAlarm.Type type = new EnableCpuAlarm.Type();
    List<Remediation> combined = type.forTargets(running.stream()
        .map(id -> EnableCpuAlarm.forInstance(id).snsTopic(TOPIC).build().spec()).toList());

    assertEquals(1, combined.size(), combined.toString());
    aws.recorder().reset();
    List<Plan> plans = remediator().planSet(combined).plans();
    assertEquals(running, plans.stream().map(p -> p.target().id()).toList());
    assertEquals(3, aws.recorder().total(), aws.recorder().toString());
  }

  @Test
  void eventRule_runInstancesRecordRouted_planAppliedGivesTheNewInstanceItsAlarm() {
    String launched = running.get(2);
    CloudTrailEvent record = NetworkEventRulesTest.record("RunInstances", "{}",
        CpuAlarmEventRulesTest.instancesSet(launched));
    List<RoutedRemediation> routed = EventRouter.load(Map.of("alarms.snsTopic", TOPIC,
        "cpuAlarm.statistic", "Maximum", "cpuAlarm.threshold", "90")).route(record).stream()
        .filter(r -> r.ruleId().equals(CpuAlarmEventRules.RUN_INSTANCES_RULE)).toList();
    assertEquals(1, routed.size(), routed.toString());
    assertFalse(routed.get(0).needsApproval());

    Remediator remediator = remediator();
    PlanSet plans = scan(remediator, routed.get(0).remediation());
    assertEquals(List.of(launched), plans.withChanges().stream().map(p -> p.target().id())
        .toList(), plans.toText());
    PlanSetResult result = remediator.apply(plans);

    assertFalse(result.hasProblems(), result.toText());
    Map<String, MetricAlarm> alarms = alarms();
    assertEquals(Set.of(EnableCpuAlarm.alarmName(launched)), alarms.keySet());
    MetricAlarm alarm = alarms.get(EnableCpuAlarm.alarmName(launched));
    assertEquals("Maximum", alarm.statisticAsString());
    assertEquals(90.0, alarm.threshold());
    assertEquals(List.of(topicArn()), alarm.alarmActions());
    assertTrue(remediator.planSet(List.of(routed.get(0).remediation())).withChanges().isEmpty(),
        "a second routing of the record plans nothing");
  }

  @Test
  void type_settingsDeclaredReadAndCheckedStrictly() {
    EnableCpuAlarm.Type type = new EnableCpuAlarm.Type();
    DeclaredSettings.assertReadsExactlyDeclared(type, List.of(
        Map.of("cpuAlarm.snsTopic", TOPIC, "cpuAlarm.threshold", "85", "cpuAlarm.periods", "2",
            "cpuAlarm.statistic", "Maximum", "cpuAlarm.tag", "env=prod"),
        Map.of("alarms.snsTopic", TOPIC)), "i-0123456789abcdef0");
    assertTrue(type.forRegion(Map.of()).isEmpty(), "no topic: nothing planned");
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> type.forRegion(Map.of("alarms.snsTopic", TOPIC, "cpuAlarm.periods", "ture")));
    assertTrue(e.getMessage().contains("cpuAlarm.periods") && e.getMessage().contains("ture"),
        e.getMessage());
    assertThrows(InvalidRemediationException.class,
        () -> type.forRegion(Map.of("alarms.snsTopic", TOPIC, "cpuAlarm.tag", "prod")));
    InvalidRemediationException statistic = assertThrows(InvalidRemediationException.class,
        () -> type.forRegion(Map.of("alarms.snsTopic", TOPIC, "cpuAlarm.statistic", "Max")));
    assertTrue(statistic.getMessage().contains("cpuAlarm.statistic")
        && statistic.getMessage().contains("'Max'"), statistic.getMessage());
    Remediation maximum = type.forRegion(Map.of("alarms.snsTopic", TOPIC,
        "cpuAlarm.statistic", "maximum")).orElseThrow();
    assertEquals("Maximum", maximum.spec().parameters().get("statistic"));
    assertEquals(maximum, type.fromSpec(maximum.spec()));
    assertThrows(InvalidRemediationException.class, () -> type.fromSpec(
        dev.remediate.core.plan.RemediationSpec.of(EnableCpuAlarm.ID, Map.of("instances", "*",
            "threshold", "80", "periods", "3", "snsTopic", TOPIC, "statistic", "avg"))));
    assertThrows(InvalidRemediationException.class, () -> type.forTarget("i-0123456789abcdef0",
        Map.of()));
    Remediation r = type.forRegion(Map.of("alarms.snsTopic", TOPIC, "cpuAlarm.tag", "env=prod"))
        .orElseThrow();
    assertEquals(r, type.fromSpec(r.spec()));
    Remediation elsewhere = EnableCpuAlarm.forEveryInstance()
        .snsTopic("arn:aws:sns:eu-west-1:" + AwsEmulator.ACCOUNT + ":x").build();
    RuntimeException other = assertThrows(RuntimeException.class,
        () -> remediator().planSet(List.of(elsewhere)));
    assertTrue(String.valueOf(other.getMessage()).contains("own Region"), other.toString());
  }
}
