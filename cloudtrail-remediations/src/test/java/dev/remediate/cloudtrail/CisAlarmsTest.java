package dev.remediate.cloudtrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.StalePlanException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.MetricFilter;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

@ExtendWith(AwsEmulatorExtension.class)
class CisAlarmsTest {
  private static final String ACCOUNT = AwsEmulator.ACCOUNT;
  private static final String GROUP = "CloudTrail/audit";
  private static final String TOPIC = "arn:aws:sns:us-east-1:" + ACCOUNT + ":cis-alarms";

  /** A log group and a trail delivering to it, made directly (EnsureTrail has its own tests). */
  private static void trailDeliveringTo(AwsEmulator aws, String group) {
    aws.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder)
        .createLogGroup(r -> r.logGroupName(group));
    aws.client(S3Client.class, S3Client::builder).createBucket(r -> r.bucket("trail-bucket"));
    aws.client(CloudTrailClient.class, CloudTrailClient::builder).createTrail(r -> r.name("trail-one")
        .s3BucketName("trail-bucket").isMultiRegionTrail(true).includeGlobalServiceEvents(true)
        .cloudWatchLogsLogGroupArn("arn:aws:logs:us-east-1:" + ACCOUNT + ":log-group:" + group + ":*")
        .cloudWatchLogsRoleArn("arn:aws:iam::" + ACCOUNT + ":role/ct"));
    aws.recorder().reset();
  }

  private static List<MetricFilter> filters(AwsEmulator aws) {
    return aws.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder)
        .describeMetricFilters(r -> r.logGroupName(GROUP)).metricFilters();
  }

  private static List<MetricAlarm> alarms(AwsEmulator aws) {
    return aws.client(CloudWatchClient.class, CloudWatchClient::builder).describeAlarms().metricAlarms();
  }

  private static Remediator remediator(AwsEmulator aws) {
    return Remediator.builder().scope(aws.scope()).build();
  }

  @Test
  void apply_allFourteen_topicPolicyThenFiltersThenAlarms(AwsEmulator aws) {
    trailDeliveringTo(aws, GROUP);
    Remediator remediator = remediator(aws);
    CisAlarms cis = CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC).build();

    Plan plan = remediator.plan(cis);

    List<String> kinds = plan.steps().stream().map(Step::kind).toList();
    assertEquals(30, kinds.size(), plan.toText());
    assertEquals(List.of("CreateTopic", "SetTopicAttributes"), kinds.subList(0, 2));
    assertEquals(14, kinds.stream().filter("PutMetricFilter"::equals).count());
    assertEquals(14, kinds.stream().filter("PutMetricAlarm"::equals).count());
    assertTrue(plan.controls().contains("FSBP CloudWatch.14"));
    assertTrue(plan.controls().contains("CIS v1.4 4.3"));
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("subscription")));

    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(plan).status());

    Map<String, String> patterns = filters(aws).stream()
        .collect(Collectors.toMap(MetricFilter::filterName, MetricFilter::filterPattern));
    assertEquals(14, patterns.size());
    for (CisAlarm a : CisAlarm.values()) {
      assertEquals(a.filterPattern(), patterns.get(a.resourceName()), a.name());
    }
    MetricFilter root = filters(aws).stream()
        .filter(f -> f.filterName().equals("CIS-4.3-RootAccountUsage")).findFirst().orElseThrow();
    assertEquals("LogMetrics", root.metricTransformations().get(0).metricNamespace());
    assertEquals("RootAccountUsage", root.metricTransformations().get(0).metricName());
    assertEquals("1", root.metricTransformations().get(0).metricValue());
    List<MetricAlarm> alarms = alarms(aws);
    assertEquals(14, alarms.size());
    MetricAlarm rootAlarm = alarms.stream().filter(a -> a.alarmName().equals("CIS-4.3-RootAccountUsage"))
        .findFirst().orElseThrow();
    assertEquals(List.of(TOPIC), rootAlarm.alarmActions());
    assertEquals("RootAccountUsage", rootAlarm.metricName());
    assertEquals("LogMetrics", rootAlarm.namespace());
    assertEquals(1.0, rootAlarm.threshold());
    assertEquals("GreaterThanOrEqualToThreshold", rootAlarm.comparisonOperatorAsString());

    String policy = aws.client(SnsClient.class, SnsClient::builder)
        .getTopicAttributes(r -> r.topicArn(TOPIC)).attributes().get("Policy");
    PolicyAssert topicPolicy = PolicyAssert.of(policy);
    topicPolicy.statement(CisAlarms.PUBLISH_SID).allows()
        .principal("Service", "cloudwatch.amazonaws.com").actions("sns:Publish").resources(TOPIC)
        .conditions("StringEquals aws:SourceAccount=" + ACCOUNT,
            "ArnLike aws:SourceArn=arn:aws:cloudwatch:us-east-1:" + ACCOUNT + ":alarm:*");
    assertTrue(topicPolicy.sids().contains("__default_statement_ID"), "the default statement survives");

    aws.recorder().reset();
    Plan again = remediator.plan(cis);
    assertTrue(again.isEmpty(), again.toText());
    assertEquals(Map.of("CloudWatchLogs.DescribeLogGroups", 1, "CloudTrail.DescribeTrails", 1,
        "CloudWatchLogs.DescribeMetricFilters", 1, "CloudWatch.DescribeAlarms", 1,
        "Sns.GetTopicAttributes", 1), aws.recorder().counts());
  }

  @Test
  void plan_filterWithSameNameAndPattern_countsAsDoneAndIsNotDuplicated(AwsEmulator aws) {
    trailDeliveringTo(aws, GROUP);
    CisAlarm root = CisAlarm.ROOT_ACCOUNT_USAGE;
    aws.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder).putMetricFilter(r -> r
        .logGroupName(GROUP).filterName(root.resourceName()).filterPattern(root.filterPattern())
        .metricTransformations(t -> t.metricName(root.metricName()).metricNamespace("LogMetrics")
            .metricValue("1")));
    Remediator remediator = remediator(aws);
    CisAlarms cis = CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC).alarms(Set.of(root)).build();

    Plan plan = remediator.plan(cis);

    assertFalse(plan.steps().stream().anyMatch(s -> s.kind().equals("PutMetricFilter")), plan.toText());
    remediator.apply(plan);
    assertEquals(1, filters(aws).stream().filter(f -> f.filterName().equals(root.resourceName())).count(),
        "the emulator appends a second filter on a repeated name; the library must not ask it to");
  }

  @Test
  void plan_filterWithOtherNameSamePattern_adoptedAndAlarmOnItsMetric(AwsEmulator aws) {
    trailDeliveringTo(aws, GROUP);
    CisAlarm vpc = CisAlarm.VPC_CHANGES;
    aws.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder).putMetricFilter(r -> r
        .logGroupName(GROUP).filterName("their-vpc-filter").filterPattern(vpc.filterPattern())
        .metricTransformations(t -> t.metricName("VpcEvents").metricNamespace("Security")
            .metricValue("1")));
    Remediator remediator = remediator(aws);
    CisAlarms cis = CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC).alarms(Set.of(vpc)).build();

    Plan plan = remediator.plan(cis);
    remediator.apply(plan);

    assertEquals(1, filters(aws).size());
    MetricAlarm alarm = alarms(aws).get(0);
    assertEquals("VpcEvents", alarm.metricName());
    assertEquals("Security", alarm.namespace());
  }

  @Test
  void plan_filterWithSameNameOtherPattern_changedInPlace(AwsEmulator aws) {
    trailDeliveringTo(aws, GROUP);
    CisAlarm root = CisAlarm.ROOT_ACCOUNT_USAGE;
    aws.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder).putMetricFilter(r -> r
        .logGroupName(GROUP).filterName(root.resourceName()).filterPattern("{ $.userIdentity.type = \"Root\" }")
        .metricTransformations(t -> t.metricName(root.metricName()).metricNamespace("LogMetrics")
            .metricValue("1")));

    Plan plan = remediator(aws).plan(CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC)
        .alarms(Set.of(root)).build());

    Step put = plan.steps().stream().filter(s -> s.kind().equals("PutMetricFilter")).findFirst()
        .orElseThrow();
    assertEquals(Action.CHANGE, put.action());
    assertEquals("{ $.userIdentity.type = \"Root\" }", put.before().orElseThrow());
    assertEquals(root.filterPattern(), put.parameter("pattern"));
  }

  @Test
  void plan_alarmExistsWithoutOurTopic_alarmPutAgain(AwsEmulator aws) {
    trailDeliveringTo(aws, GROUP);
    Remediator remediator = remediator(aws);
    CisAlarms cis = CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC)
        .alarms(Set.of(CisAlarm.CLOUDTRAIL_CHANGES)).build();
    remediator.apply(remediator.plan(cis));
    aws.client(CloudWatchClient.class, CloudWatchClient::builder).putMetricAlarm(r -> r
        .alarmName("CIS-4.5-CloudTrailChanges").metricName("CloudTrailChanges").namespace("LogMetrics")
        .statistic("Sum").period(300).evaluationPeriods(1).threshold(1.0)
        .comparisonOperator("GreaterThanOrEqualToThreshold"));

    Plan plan = remediator.plan(cis);

    assertEquals(List.of("PutMetricAlarm"), plan.steps().stream().map(Step::kind).toList());
    assertEquals(Action.CHANGE, plan.steps().get(0).action());
    remediator.apply(plan);
    assertEquals(List.of(TOPIC), alarms(aws).get(0).alarmActions());
  }

  @Test
  void plan_alarmNotifiesOurTopicButWouldNotFireOnOneEvent_alarmPutAgain(AwsEmulator aws) {
    trailDeliveringTo(aws, GROUP);
    Remediator remediator = remediator(aws);
    CisAlarms cis = CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC)
        .alarms(Set.of(CisAlarm.CLOUDTRAIL_CHANGES)).build();
    remediator.apply(remediator.plan(cis));
    CloudWatchClient cw = aws.client(CloudWatchClient.class, CloudWatchClient::builder);
    // Each differs from Sum >= 1 over one period in one setting only, and each can miss an event.
    List<java.util.function.Consumer<PutMetricAlarmRequest.Builder>> weaker = List.of(
        r -> r.statistic(Statistic.AVERAGE),
        r -> r.threshold(5.0),
        r -> r.comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD),
        r -> r.evaluationPeriods(3));
    for (var change : weaker) {
      PutMetricAlarmRequest.Builder request = PutMetricAlarmRequest.builder()
          .alarmName("CIS-4.5-CloudTrailChanges").metricName("CloudTrailChanges")
          .namespace("LogMetrics").statistic(Statistic.SUM).period(300).evaluationPeriods(1)
          .threshold(1.0).comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
          .actionsEnabled(true).alarmActions(TOPIC);
      change.accept(request);
      cw.putMetricAlarm(request.build());
      MetricAlarm weak = alarms(aws).get(0);
      assertEquals(List.of(TOPIC), weak.alarmActions(), "metric and topic are right");

      Plan plan = remediator.plan(cis);

      assertEquals(List.of("PutMetricAlarm"), plan.steps().stream().map(Step::kind).toList(),
          request.build().toString());
      Step put = plan.steps().get(0);
      assertEquals(Action.CHANGE, put.action());
      String before = put.before().orElseThrow();
      assertEquals(weak.statisticAsString() + " " + weak.comparisonOperatorAsString() + " "
          + weak.threshold() + " evaluationPeriods=" + weak.evaluationPeriods() + " -> [" + TOPIC + "]",
          before);
      assertEquals(ApplyResult.Status.APPLIED, remediator.apply(plan).status());
      MetricAlarm fixed = alarms(aws).get(0);
      assertEquals("Sum", fixed.statisticAsString());
      assertEquals(1.0, fixed.threshold());
      assertEquals("GreaterThanOrEqualToThreshold", fixed.comparisonOperatorAsString());
      assertEquals(1, fixed.evaluationPeriods());
      assertTrue(remediator.plan(cis).isEmpty());
    }
  }

  @Test
  void apply_alarmCallFails_failureReportedAndRestPlannedAgain(AwsEmulator aws) {
    trailDeliveringTo(aws, GROUP);
    aws.faults().failNth("PutMetricAlarm", 2, Fault.of("LimitExceeded"));
    Remediator remediator = remediator(aws);
    CisAlarms cis = CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC)
        .alarms(EnumSet.of(CisAlarm.ROOT_ACCOUNT_USAGE, CisAlarm.VPC_CHANGES, CisAlarm.NACL_CHANGES))
        .build();

    ApplyFailedException e = assertThrows(ApplyFailedException.class,
        () -> remediator.apply(remediator.plan(cis)));

    assertTrue(e.getMessage().contains("LimitExceeded"), e.getMessage());
    Plan rest = remediator.plan(cis);
    assertEquals(2, rest.steps().size(), rest.toText());
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(rest).status());
    assertEquals(3, filters(aws).size(), "no filter was put twice");
  }

  @Test
  void apply_unrelatedFilterAndAlarmAddedAfterPlanning_stillApplied(AwsEmulator aws) {
    trailDeliveringTo(aws, GROUP);
    Remediator remediator = remediator(aws);
    Plan plan = remediator.plan(CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC).build());
    aws.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder).putMetricFilter(r -> r
        .logGroupName(GROUP).filterName("x").filterPattern("{ $.eventName = \"x\" }")
        .metricTransformations(t -> t.metricName("x").metricNamespace("x").metricValue("1")));
    aws.client(CloudWatchClient.class, CloudWatchClient::builder).putMetricAlarm(r -> r
        .alarmName("x").metricName("x").namespace("x").statistic(Statistic.SUM).period(60)
        .evaluationPeriods(1).threshold(1.0)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD));

    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(plan).status());
    assertEquals(15, filters(aws).size(), "14 CIS filters beside the unrelated one");
  }

  @Test
  void apply_cisFilterPutWithOtherPatternAfterPlanning_refusesStalePlan(AwsEmulator aws) {
    trailDeliveringTo(aws, GROUP);
    Remediator remediator = remediator(aws);
    CisAlarm root = CisAlarm.ROOT_ACCOUNT_USAGE;
    Plan plan = remediator.plan(CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC).build());
    aws.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder).putMetricFilter(r -> r
        .logGroupName(GROUP).filterName(root.resourceName()).filterPattern("{ $.x = 1 }")
        .metricTransformations(t -> t.metricName("x").metricNamespace("x").metricValue("1")));

    StalePlanException e = assertThrows(StalePlanException.class, () -> remediator.apply(plan));
    assertTrue(e.getMessage().contains(root.resourceName()), e.getMessage());
    assertEquals(1, filters(aws).size(), "nothing of the stale target was applied");
  }

  @Test
  void plan_missingLogGroup_failsNamingIt(AwsEmulator aws) {
    RemediationException e = assertThrows(RemediationException.class,
        () -> remediator(aws).plan(CisAlarms.forLogGroup("nope").snsTopic(TOPIC).build()));
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
  }

  @Test
  void plan_noTrailDeliversToGroup_warns(AwsEmulator aws) {
    aws.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder)
        .createLogGroup(r -> r.logGroupName("lonely"));
    Plan plan = remediator(aws).plan(CisAlarms.forLogGroup("lonely").snsTopic(TOPIC).build());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("No trail delivers")), plan.warnings().toString());
  }

  @Test
  void plan_topicInOtherRegion_failsNamingRegion(AwsEmulator aws) {
    trailDeliveringTo(aws, GROUP);
    RemediationException e = assertThrows(RemediationException.class, () -> remediator(aws)
        .plan(CisAlarms.forLogGroup(GROUP).snsTopic("arn:aws:sns:eu-west-1:" + ACCOUNT + ":t").build()));
    assertTrue(e.getMessage().contains("eu-west-1"), e.getMessage());
  }

  @Test
  void apply_planFromJson_rebuiltThroughCatalog(AwsEmulator aws) {
    trailDeliveringTo(aws, GROUP);
    Remediator remediator = remediator(aws);
    Plan plan = remediator.plan(CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC)
        .alarms(Set.of(CisAlarm.AWS_CONFIG_CHANGES, CisAlarm.ROOT_ACCOUNT_USAGE)).build());

    Plan read = Plan.fromJson(plan.toJson());

    assertEquals(plan, read);
    assertEquals("ROOT_ACCOUNT_USAGE,AWS_CONFIG_CHANGES", read.remediation().parameters().get("alarms"));
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(read).status());
  }

  @Test
  void spec_roundTripThroughType_equalRemediation() {
    var type = RemediationCatalog.load().require(CisAlarms.ID);
    CisAlarms all = CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC).build();
    CisAlarms some = CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC).metricNamespace("CIS")
        .alarms(List.of(CisAlarm.NACL_CHANGES, CisAlarm.CONSOLE_SIGNIN_WITHOUT_MFA)).build();

    assertEquals(all, type.fromSpec(all.spec()));
    assertEquals(some, type.fromSpec(some.spec()));
    assertEquals(28, type.controls().size());
    assertEquals(CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC).homeRegion("us-east-1").build(),
        type.forRegion(Map.of("trail.cloudWatchLogs", GROUP, "alarms.snsTopic", TOPIC))
        .orElseThrow());
    assertTrue(type.forRegion(Map.of("alarms.snsTopic", TOPIC)).isEmpty());
  }

  @Test
  void build_badValues_failNamingTheValue() {
    assertThrows(InvalidRemediationException.class,
        () -> CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC).alarms(Set.of()).build());
    assertTrue(assertThrows(InvalidRemediationException.class,
        () -> CisAlarms.forLogGroup(GROUP).snsTopic("cis alarms").build()).getMessage()
        .contains("'cis alarms'"));
    assertTrue(assertThrows(InvalidRemediationException.class,
        () -> CisAlarms.forLogGroup(GROUP).snsTopic("arn:aws:sns:us-east-1:1:x").build())
        .getMessage().contains("'arn:aws:sns:us-east-1:1:x'"));
    assertTrue(assertThrows(InvalidRemediationException.class,
        () -> CisAlarms.forLogGroup(GROUP).snsTopic(TOPIC).metricNamespace("AWS/Logs").build())
        .getMessage().contains("'AWS/Logs'"));
    assertTrue(assertThrows(InvalidRemediationException.class,
        () -> new CisAlarms.Type().fromSpec(RemediationSpec.of(CisAlarms.ID, Map.of("logGroup",
            GROUP, "snsTopic", TOPIC, "alarms", "ROOT_ACCOUNT_USAGE,NOPE")))).getMessage()
        .contains("'NOPE'"));
  }

  @Test
  void patterns_asSecurityHubPrescribes() {
    assertEquals(14, Arrays.stream(CisAlarm.values()).map(CisAlarm::filterPattern).distinct().count());
    for (CisAlarm a : CisAlarm.values()) {
      assertFalse(a.filterPattern().contains("  "), a.name());
      assertTrue(a.filterPattern().startsWith("{") && a.filterPattern().endsWith("}"), a.name());
    }
    assertEquals("{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || "
        + "($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || "
        + "($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
        CisAlarm.NACL_CHANGES.filterPattern());
    assertEquals("{($.eventName=ConsoleLogin) && ($.errorMessage=\"Failed authentication\")}",
        CisAlarm.CONSOLE_AUTHENTICATION_FAILURES.filterPattern());
    assertEquals("CloudWatch.1", CisAlarm.ROOT_ACCOUNT_USAGE.securityHubControl());
    assertEquals("CIS-4.14-VPCChanges", CisAlarm.VPC_CHANGES.resourceName());
  }

  /**
   * Every pattern pinned to the literal text of Security Hub's CloudWatch.1-14 controls (CIS v1.4
   * 4.1-4.14), written out here rather than read from the enum: an edit of any pattern, even a
   * space, fails this test.
   */
  @Test
  void patterns_allFourteenPinnedToSecurityHubText() {
    Map<CisAlarm, String> expected = new java.util.EnumMap<>(CisAlarm.class);
    expected.put(CisAlarm.ROOT_ACCOUNT_USAGE, "{$.userIdentity.type=\"Root\" && "
        + "$.userIdentity.invokedBy NOT EXISTS && $.eventType !=\"AwsServiceEvent\"}");
    expected.put(CisAlarm.UNAUTHORIZED_API_CALLS,
        "{($.errorCode=\"*UnauthorizedOperation\") || ($.errorCode=\"AccessDenied*\")}");
    expected.put(CisAlarm.CONSOLE_SIGNIN_WITHOUT_MFA, "{ ($.eventName = \"ConsoleLogin\") && "
        + "($.additionalEventData.MFAUsed != \"Yes\") && ($.userIdentity.type = \"IAMUser\") && "
        + "($.responseElements.ConsoleLogin = \"Success\") }");
    expected.put(CisAlarm.IAM_POLICY_CHANGES, "{($.eventName=DeleteGroupPolicy) || "
        + "($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || "
        + "($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || "
        + "($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || "
        + "($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || "
        + "($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || "
        + "($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || "
        + "($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || "
        + "($.eventName=DetachGroupPolicy)}");
    expected.put(CisAlarm.CLOUDTRAIL_CHANGES, "{($.eventName=CreateTrail) || "
        + "($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || "
        + "($.eventName=StopLogging)}");
    expected.put(CisAlarm.CONSOLE_AUTHENTICATION_FAILURES,
        "{($.eventName=ConsoleLogin) && ($.errorMessage=\"Failed authentication\")}");
    expected.put(CisAlarm.DISABLE_OR_DELETE_CMK, "{($.eventSource=kms.amazonaws.com) && "
        + "(($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}");
    expected.put(CisAlarm.S3_BUCKET_POLICY_CHANGES, "{($.eventSource=s3.amazonaws.com) && "
        + "(($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || "
        + "($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || "
        + "($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || "
        + "($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || "
        + "($.eventName=DeleteBucketReplication))}");
    expected.put(CisAlarm.AWS_CONFIG_CHANGES, "{($.eventSource=config.amazonaws.com) && "
        + "(($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || "
        + "($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}");
    expected.put(CisAlarm.SECURITY_GROUP_CHANGES, "{($.eventName=AuthorizeSecurityGroupIngress) "
        + "|| ($.eventName=AuthorizeSecurityGroupEgress) || "
        + "($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || "
        + "($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}");
    expected.put(CisAlarm.NACL_CHANGES, "{($.eventName=CreateNetworkAcl) || "
        + "($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || "
        + "($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || "
        + "($.eventName=ReplaceNetworkAclAssociation)}");
    expected.put(CisAlarm.NETWORK_GATEWAY_CHANGES, "{($.eventName=CreateCustomerGateway) || "
        + "($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || "
        + "($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || "
        + "($.eventName=DetachInternetGateway)}");
    expected.put(CisAlarm.ROUTE_TABLE_CHANGES, "{($.eventName=CreateRoute) || "
        + "($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || "
        + "($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || "
        + "($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}");
    expected.put(CisAlarm.VPC_CHANGES, "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || "
        + "($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || "
        + "($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || "
        + "($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || "
        + "($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || "
        + "($.eventName=EnableVpcClassicLink)}");

    assertEquals(EnumSet.allOf(CisAlarm.class), expected.keySet(), "every alarm is pinned");
    for (CisAlarm a : CisAlarm.values()) {
      assertEquals(expected.get(a), a.filterPattern(), a.name());
    }
    List<String> controls = Arrays.stream(CisAlarm.values())
        .map(a -> a.securityHubControl() + "=" + a.cisV14() + "=" + a.metricName()).toList();
    assertEquals(List.of("CloudWatch.1=4.3=RootAccountUsage", "CloudWatch.2=4.1=UnauthorizedAPICalls",
        "CloudWatch.3=4.2=ConsoleSigninWithoutMFA", "CloudWatch.4=4.4=IAMPolicyChanges",
        "CloudWatch.5=4.5=CloudTrailChanges", "CloudWatch.6=4.6=ConsoleAuthenticationFailure",
        "CloudWatch.7=4.7=DisableOrDeleteCMK", "CloudWatch.8=4.8=S3BucketPolicyChanges",
        "CloudWatch.9=4.9=AWSConfigChanges", "CloudWatch.10=4.10=SecurityGroupChanges",
        "CloudWatch.11=4.11=NACLChanges", "CloudWatch.12=4.12=NetworkGatewayChanges",
        "CloudWatch.13=4.13=RouteTableChanges", "CloudWatch.14=4.14=VPCChanges"), controls);
  }
}
