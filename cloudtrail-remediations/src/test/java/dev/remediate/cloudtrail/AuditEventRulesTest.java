package dev.remediate.cloudtrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.Remediation;
import dev.remediate.core.Remediator;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.CloudTrailReader;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.RoutedRemediation;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;

class AuditEventRulesTest {
  private static final Map<String, String> SETTINGS = Map.of(
      "trail.s3Bucket", "audit-logs-bucket", "trail.name", "org-trail",
      "trail.cloudWatchLogs", "CloudTrail/audit", "config.s3Bucket", "config-bucket-test",
      "alarms.snsTopic", "arn:aws:sns:us-east-1:123456789012:cis");
  private static final Remediation TRAIL = new EnsureTrail.Type().forRegion(SETTINGS).orElseThrow();
  private static final Remediation CONFIG =
      new EnableConfigRecorder.Type().forRegion(SETTINGS).orElseThrow();
  private static final Remediation ALARMS = new CisAlarms.Type().forRegion(SETTINGS).orElseThrow();

  static CloudTrailEvent record(String source, String name, String requestParameters) {
    String json = ("{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\","
        + "\"principalId\":\"AIDAEXAMPLE\",\"arn\":\"arn:aws:iam::123456789012:user/mallory\","
        + "\"accountId\":\"123456789012\",\"userName\":\"mallory\"},"
        + "\"eventTime\":\"2026-11-27T10:00:00Z\",\"eventSource\":\"%s\",\"eventName\":\"%s\","
        + "\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"203.0.113.7\",\"userAgent\":\"aws-cli/2.15\","
        + "\"requestParameters\":%s,\"responseElements\":null,\"requestID\":\"r-1\",\"eventID\":\"e-1\","
        + "\"readOnly\":false,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,"
        + "\"recipientAccountId\":\"123456789012\",\"eventCategory\":\"Management\"}")
        .formatted(source, name, requestParameters);
    try (CloudTrailReader reader = CloudTrailReader.open(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test")) {
      return reader.stream().findFirst().orElseThrow();
    }
  }

  private static List<Remediation> route(Map<String, String> settings, CloudTrailEvent event) {
    return EventRouter.load(settings).route(event).stream().map(RoutedRemediation::remediation)
        .filter(r -> r.id().startsWith("cloudtrail.") || r.id().startsWith("config.")
            || r.id().startsWith("cloudwatch."))
        .toList();
  }

  private static List<Remediation> route(CloudTrailEvent event) {
    return route(SETTINGS, event);
  }

  @Test
  void rules_noSettings_none() {
    assertEquals(List.of(), new AuditEventRules().rules());
    assertEquals(List.of(), new AuditEventRules().rules(Map.of()));
    assertEquals(List.of(), route(Map.of(), record("cloudtrail.amazonaws.com", "StopLogging",
        "{\"name\":\"org-trail\"}")));
  }

  @Test
  void route_stopLoggingOrDeleteOfConfiguredTrail_ensuresTrail() {
    assertEquals(List.of(TRAIL), route(record("cloudtrail.amazonaws.com", "StopLogging",
        "{\"name\":\"arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail\"}")));
    assertEquals(List.of(TRAIL), route(record("cloudtrail.amazonaws.com", "DeleteTrail",
        "{\"name\":\"org-trail\"}")));
  }

  @Test
  void route_stopLoggingOfAnotherTrail_nothingWhenATrailIsConfigured() {
    assertEquals(List.of(), route(record("cloudtrail.amazonaws.com", "StopLogging",
        "{\"name\":\"scratch\"}")));
    Map<String, String> unnamed = Map.of("trail.s3Bucket", "audit-logs-bucket");
    assertEquals(List.of(new EnsureTrail.Type().forRegion(unnamed).orElseThrow()),
        route(unnamed, record("cloudtrail.amazonaws.com", "StopLogging", "{\"name\":\"scratch\"}")),
        "without a configured name any trail may be the one that satisfied the control");
  }

  @Test
  void route_updateTrail_onlyWhenAWantedPropertyBreaks() {
    assertEquals(List.of(), route(record("cloudtrail.amazonaws.com", "UpdateTrail",
        "{\"name\":\"org-trail\",\"snsTopicName\":\"x\"}")));
    assertEquals(List.of(), route(record("cloudtrail.amazonaws.com", "UpdateTrail",
        "{\"name\":\"org-trail\",\"s3BucketName\":\"audit-logs-bucket\"}")));
    for (String breaking : List.of("\"isMultiRegionTrail\":false",
        "\"includeGlobalServiceEvents\":false", "\"enableLogFileValidation\":false",
        "\"kmsKeyId\":\"\"", "\"cloudWatchLogsLogGroupArn\":\"\"",
        "\"s3BucketName\":\"elsewhere\"")) {
      assertEquals(List.of(TRAIL), route(record("cloudtrail.amazonaws.com", "UpdateTrail",
          "{\"name\":\"org-trail\"," + breaking + "}")), breaking);
    }
  }

  @Test
  void route_putEventSelectors_onlyWhenManagementEventsNoLongerAllLogged() {
    assertEquals(List.of(TRAIL), route(record("cloudtrail.amazonaws.com", "PutEventSelectors",
        "{\"trailName\":\"org-trail\",\"eventSelectors\":[{\"readWriteType\":\"WriteOnly\","
            + "\"includeManagementEvents\":true}]}")));
    assertEquals(List.of(TRAIL), route(record("cloudtrail.amazonaws.com", "PutEventSelectors",
        "{\"trailName\":\"org-trail\",\"eventSelectors\":[{\"readWriteType\":\"All\","
            + "\"includeManagementEvents\":true,\"excludeManagementEventSources\":[\"kms.amazonaws.com\"]}]}")));
    assertEquals(List.of(), route(record("cloudtrail.amazonaws.com", "PutEventSelectors",
        "{\"trailName\":\"org-trail\",\"eventSelectors\":[{\"readWriteType\":\"All\","
            + "\"includeManagementEvents\":true,\"dataResources\":[]}]}")));
    assertEquals(List.of(), route(record("cloudtrail.amazonaws.com", "PutEventSelectors",
        "{\"trailName\":\"org-trail\",\"advancedEventSelectors\":[{\"name\":\"m\",\"fieldSelectors\":"
            + "[{\"field\":\"eventCategory\",\"equals\":[\"Management\"]}]}]}")));
  }

  @Test
  void route_bucketPolicyChange_onTrailOrConfigBucketOnly() {
    assertEquals(List.of(TRAIL), route(record("s3.amazonaws.com", "DeleteBucketPolicy",
        "{\"bucketName\":\"audit-logs-bucket\",\"Host\":\"s3.amazonaws.com\",\"policy\":\"\"}")));
    assertEquals(List.of(CONFIG), route(record("s3.amazonaws.com", "PutBucketPolicy",
        "{\"bucketName\":\"config-bucket-test\"}")));
    assertEquals(List.of(), route(record("s3.amazonaws.com", "PutBucketPolicy",
        "{\"bucketName\":\"someone-elses\"}")));
  }

  @Test
  void route_configRecorderChanges_enableRecorderExceptServiceLinked() {
    for (String name : List.of("StopConfigurationRecorder", "DeleteConfigurationRecorder")) {
      assertEquals(List.of(CONFIG), route(record("config.amazonaws.com", name,
          "{\"configurationRecorderName\":\"default\"}")), name);
    }
    assertEquals(List.of(CONFIG), route(record("config.amazonaws.com", "DeleteDeliveryChannel",
        "{\"deliveryChannelName\":\"default\"}")));
    assertEquals(List.of(), route(record("config.amazonaws.com", "StopConfigurationRecorder",
        "{\"configurationRecorderName\":\"AWSConfigurationRecorderForSecurityHub\"}")));
  }

  @Test
  void route_cisFilterOrAlarmDeleted_putsAlarmsBack() {
    assertEquals(List.of(ALARMS), route(record("logs.amazonaws.com", "DeleteMetricFilter",
        "{\"logGroupName\":\"CloudTrail/audit\",\"filterName\":\"CIS-4.3-RootAccountUsage\"}")));
    assertEquals(List.of(), route(record("logs.amazonaws.com", "DeleteMetricFilter",
        "{\"logGroupName\":\"app/logs\",\"filterName\":\"x\"}")));
    assertEquals(List.of(ALARMS), route(record("monitoring.amazonaws.com", "DeleteAlarms",
        "{\"alarmNames\":[\"cpu-high\",\"CIS-4.14-VPCChanges\"]}")));
    assertEquals(List.of(), route(record("monitoring.amazonaws.com", "DeleteAlarms",
        "{\"alarmNames\":[\"cpu-high\"]}")));
  }

  @Test
  void route_failedStopLogging_callsForNothing() {
    String json = "{\"name\":\"org-trail\"}";
    CloudTrailEvent ok = record("cloudtrail.amazonaws.com", "StopLogging", json);
    CloudTrailEvent failed = CloudTrailEvent.builder().from(ok).errorCode("AccessDenied").build();
    assertEquals(List.of(), route(failed));
  }

  @Test
  @ExtendWith(AwsEmulatorExtension.class)
  void route_stopLoggingRecord_plannedRemediationRestartsLogging(AwsEmulator aws) {
    Remediator remediator = Remediator.builder().scope(aws.scope()).build();
    remediator.apply(remediator.plan(TRAIL));
    aws.client(CloudTrailClient.class, CloudTrailClient::builder).stopLogging(r -> r.name("org-trail"));

    List<Remediation> routed = route(record("cloudtrail.amazonaws.com", "StopLogging",
        "{\"name\":\"org-trail\"}"));
    Plan plan = remediator.plan(routed.get(0));

    assertEquals(List.of("StartLogging"), plan.steps().stream().map(Step::kind).toList());
    remediator.apply(plan);
    assertTrue(aws.client(CloudTrailClient.class, CloudTrailClient::builder)
        .getTrailStatus(r -> r.name("org-trail")).isLogging());
  }
}
