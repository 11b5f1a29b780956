package dev.remediate.cloudtrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.Remediator;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/** Trail, recorder and CIS alarms planned together on an empty account, as a scan does. */
@ExtendWith(AwsEmulatorExtension.class)
class AuditPlanSetTest {
  private static final String ACCOUNT = AwsEmulator.ACCOUNT;
  private static final String GROUP = "aws-cloudtrail-logs-org-trail";
  private static final String GROUP_ARN = "arn:aws:logs:us-east-1:" + ACCOUNT + ":log-group:" + GROUP;
  /** Settings as the command-line tool's configuration file gives them. */
  private static final Map<String, String> SETTINGS = Map.of("trail.s3Bucket", "audit-trail-logs",
      "trail.name", "org-trail", "trail.cloudWatchLogs", "true",
      "config.s3Bucket", "audit-config-logs",
      "alarms.snsTopic", "arn:aws:sns:us-east-1:" + ACCOUNT + ":cis-alarms");

  private static List<Remediation> remediations(String... ids) {
    RemediationCatalog catalog = RemediationCatalog.load();
    return java.util.Arrays.stream(ids)
        .map(id -> catalog.require(id).forRegion(SETTINGS).orElseThrow()).toList();
  }

  private static Plan planOf(PlanSet set, String id) {
    return set.plans().stream().filter(p -> p.remediation().id().equals(id)).findFirst()
        .orElseThrow();
  }

  private static ApplyResult resultOf(PlanSetResult result, String id) {
    return result.results().stream().filter(r -> r.plan().remediation().id().equals(id))
        .findFirst().orElseThrow();
  }

  @Test
  void planSet_emptyAccount_alarmsPlannedAgainstTheTrailsLogGroupAndOneApplyMakesAllCompliant(
      AwsEmulator aws) {
    Remediator remediator = Remediator.builder().scope(aws.scope()).build();
    List<Remediation> audit =
        remediations(EnsureTrail.ID, EnableConfigRecorder.ID, CisAlarms.ID);

    PlanSet set = remediator.planSet(audit);

    assertEquals(3, set.withChanges().size(), set.toText());
    Plan trail = planOf(set, EnsureTrail.ID);
    Plan alarms = planOf(set, CisAlarms.ID);
    assertTrue(trail.provides().contains(GROUP_ARN), trail.provides().toString());
    assertTrue(trail.provides().contains("arn:aws:cloudtrail:us-east-1:" + ACCOUNT
        + ":trail/org-trail"), trail.provides().toString());
    assertEquals(List.of(trail.key()), alarms.requires());
    assertTrue(alarms.warnings().stream().anyMatch(w -> w.startsWith(
        "after cloudtrail.trail creates log group " + GROUP)), alarms.warnings().toString());
    assertEquals(30, alarms.steps().size(), alarms.toText());
    assertTrue(planOf(set, EnableConfigRecorder.ID).requires().isEmpty());

    // Planned again unchanged, every step is the same: nothing volatile in what was reviewed.
    PlanSet again = remediator.planSet(audit);
    for (Plan plan : set.plans()) {
      assertEquals(identities(plan), identities(again.get(plan.key())), plan.key());
    }
    unrelatedChanges(aws);

    PlanSetResult result = remediator.apply(PlanSet.fromJson(set.toJson()));

    assertEquals(Map.of(ApplyResult.Status.APPLIED, 3L), result.counts(), result.toText());
    assertEquals(14, aws.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder)
        .describeMetricFilters(r -> r.logGroupName(GROUP)).metricFilters().size());
    assertEquals(GROUP_ARN + ":*", aws.client(CloudTrailClient.class, CloudTrailClient::builder)
        .getTrail(r -> r.name("org-trail")).trail().cloudWatchLogsLogGroupArn());
    assertTrue(aws.client(ConfigClient.class, ConfigClient::builder)
        .describeConfigurationRecorderStatus().configurationRecordersStatus().get(0).recording());
    PlanSet after = remediator.planSet(audit);
    assertTrue(after.isEmpty(), after.toText());
  }

  @Test
  void apply_trailAndRecorderShareOneBucket_bothPolicyMergesSurviveInParallel(AwsEmulator aws) {
    Map<String, String> shared = new java.util.HashMap<>(SETTINGS);
    shared.put("config.s3Bucket", "audit-trail-logs");
    RemediationCatalog catalog = RemediationCatalog.load();
    List<Remediation> audit = List.of(EnsureTrail.ID, EnableConfigRecorder.ID).stream()
        .map(id -> catalog.require(id).forRegion(shared).orElseThrow()).toList();
    aws.client(software.amazon.awssdk.services.s3.S3Client.class,
        software.amazon.awssdk.services.s3.S3Client::builder)
        .createBucket(b -> b.bucket("audit-trail-logs"));
    Remediator remediator = Remediator.builder().scope(aws.scope()).parallelism(8).build();
    PlanSet set = remediator.planSet(audit);
    assertEquals(2, set.withChanges().size(), set.toText());

    PlanSetResult result = remediator.apply(PlanSet.fromJson(set.toJson()));

    assertEquals(Map.of(ApplyResult.Status.APPLIED, 2L), result.counts(), result.toText());
    String policy = aws.client(software.amazon.awssdk.services.s3.S3Client.class,
        software.amazon.awssdk.services.s3.S3Client::builder)
        .getBucketPolicy(r -> r.bucket("audit-trail-logs")).policy();
    assertTrue(policy.contains("cloudtrail.amazonaws.com"), policy);
    assertTrue(policy.contains("config.amazonaws.com"), policy);
    assertTrue(remediator.planSet(audit).isEmpty());
  }

  @Test
  void apply_trailFails_alarmsSkippedNamingItAndRecorderStillApplied(AwsEmulator aws) {
    Remediator remediator = Remediator.builder().scope(aws.scope()).build();
    // Given in any order: the alarms are planned after the trail all the same.
    PlanSet set = remediator.planSet(
        remediations(CisAlarms.ID, EnableConfigRecorder.ID, EnsureTrail.ID));
    assertEquals(3, set.withChanges().size(), set.toText());
    aws.faults().failNth("CreateTrail", 1, Fault.of("AccessDeniedException"));

    PlanSetResult result = remediator.apply(PlanSet.fromJson(set.toJson()));

    ApplyResult trail = resultOf(result, EnsureTrail.ID);
    ApplyResult alarms = resultOf(result, CisAlarms.ID);
    assertEquals(ApplyResult.Status.FAILED, trail.status(), result.toText());
    assertTrue(trail.detail().contains("AccessDeniedException"), trail.detail());
    assertEquals(ApplyResult.Status.SKIPPED, alarms.status(), result.toText());
    assertTrue(alarms.detail().contains("prerequisite " + trail.plan().key()), alarms.detail());
    assertTrue(alarms.detail().contains("FAILED"), alarms.detail());
    assertEquals(ApplyResult.Status.APPLIED, resultOf(result, EnableConfigRecorder.ID).status());
    assertEquals(0, aws.recorder().count("PutMetricFilter"), "no alarm step ran");
    assertFalse(aws.client(SnsClient.class, SnsClient::builder).listTopics().topics().stream()
        .anyMatch(t -> t.topicArn().endsWith(":cis-alarms")), "the topic was not created");

    // Applying the same file again finishes what is left.
    PlanSetResult retry = remediator.apply(PlanSet.fromJson(set.toJson()));
    assertEquals(ApplyResult.Status.APPLIED, resultOf(retry, EnsureTrail.ID).status(),
        retry.toText());
    assertEquals(ApplyResult.Status.APPLIED, resultOf(retry, CisAlarms.ID).status(),
        retry.toText());
  }

  private static List<String> identities(Plan plan) {
    return plan.steps().stream().map(Step::identity).toList();
  }

  /** Changes in the account that none of the three plans is about. */
  private static void unrelatedChanges(AwsEmulator aws) {
    aws.client(S3Client.class, S3Client::builder).createBucket(r -> r.bucket("someone-else"));
    CloudWatchLogsClient logs = aws.client(CloudWatchLogsClient.class,
        CloudWatchLogsClient::builder);
    logs.createLogGroup(r -> r.logGroupName("app-logs"));
    logs.putMetricFilter(r -> r.logGroupName("app-logs").filterName("errors")
        .filterPattern("ERROR").metricTransformations(t -> t.metricName("Errors")
            .metricNamespace("App").metricValue("1")));
    aws.client(CloudWatchClient.class, CloudWatchClient::builder).putMetricAlarm(r -> r
        .alarmName("app-errors").metricName("Errors").namespace("App").statistic("Sum")
        .period(60).evaluationPeriods(1).threshold(5.0)
        .comparisonOperator("GreaterThanThreshold"));
    aws.client(SnsClient.class, SnsClient::builder).createTopic(r -> r.name("app-topic"));
  }
}
