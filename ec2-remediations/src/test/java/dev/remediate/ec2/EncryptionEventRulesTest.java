package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.GuardrailException;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.event.CloudTrailEvent;
import dev.remediate.core.event.CloudTrailReader;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.RoutedRemediation;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AwsEmulatorExtension.class)
class EncryptionEventRulesTest {
  private static final String RECORD = """
      {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE",
       "arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","userName":"alice"},
       "eventTime":"2026-11-27T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"%s",
       "awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15",
       "requestParameters":%s,"responseElements":%s,
       "requestID":"r-1","eventID":"e-1","readOnly":false,"eventType":"AwsApiCall",
       "managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}
      """;
  private static final String KEY = "alias/ebs-default";

  static CloudTrailEvent record(String name, String request, String response) {
    String json = RECORD.formatted(name, request, response).replace("\n", " ");
    try (CloudTrailReader reader = CloudTrailReader.open(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test")) {
      return reader.stream().findFirst().orElseThrow();
    }
  }

  /** Shaped like the corpus's CreateVolume record (Stratus Red Team). */
  static CloudTrailEvent createVolume(String volumeId, boolean encrypted) {
    return record("CreateVolume", "{\"size\":\"1\",\"zone\":\"us-east-1a\"}",
        "{\"requestId\":\"r-1\",\"volumeId\":\"" + volumeId + "\",\"size\":\"1\","
            + "\"zone\":\"us-east-1a\",\"status\":\"creating\",\"volumeType\":\"gp2\","
            + "\"encrypted\":" + encrypted + ",\"multiAttachEnabled\":false}");
  }

  static CloudTrailEvent runInstances(String request, String... instances) {
    StringBuilder items = new StringBuilder();
    for (String instance : instances) {
      String[] parts = instance.split(":");
      items.append(items.length() == 0 ? "" : ",").append("{\"instanceId\":\"").append(parts[0])
          .append("\",\"instanceState\":{\"code\":0,\"name\":\"pending\"},\"rootDeviceType\":\"")
          .append(parts[1]).append("\",\"blockDeviceMapping\":{}}");
    }
    return record("RunInstances", request, "{\"reservationId\":\"r-0ac0088de73525c3c\","
        + "\"instancesSet\":{\"items\":[" + items + "]}}");
  }

  @Test
  void route_unencryptedCreateVolume_callsForEncryptVolumeNeedingApproval() {
    List<RoutedRemediation> routed = EventRouter.load()
        .route(createVolume("vol-0fc2e34e74650e145", false));
    assertEquals(1, routed.size(), routed.toString());
    RoutedRemediation r = routed.get(0);
    assertEquals(EncryptVolume.forVolume("vol-0fc2e34e74650e145").build(), r.remediation());
    assertEquals(EncryptionEventRules.CREATE_VOLUME_RULE, r.ruleId());
    assertTrue(r.needsApproval());
  }

  @Test
  void route_encryptedCreateVolume_callsForNothing() {
    assertEquals(List.of(), EventRouter.load().route(createVolume("vol-0fc2e34e74650e145", true)));
  }

  @Test
  void route_runInstances_callsForEachInstanceWithEbsNeedingApproval() {
    List<RoutedRemediation> routed = EventRouter.load().route(runInstances("{}",
        "i-0dbc91f429e48eeed:ebs", "i-0dbc91f429e48eeee:instance-store"));
    assertEquals(1, routed.size(), routed.toString());
    assertEquals(EncryptVolume.forInstance("i-0dbc91f429e48eeed").build(),
        routed.get(0).remediation());
    assertEquals(EncryptionEventRules.RUN_INSTANCES_RULE, routed.get(0).ruleId());
    assertTrue(routed.get(0).needsApproval());
    // an instance-store root with an unencrypted EBS mapping still gets one
    assertEquals(1, EventRouter.load().route(runInstances(
        "{\"blockDeviceMapping\":{\"items\":[{\"deviceName\":\"/dev/sdf\",\"ebs\":"
            + "{\"volumeSize\":10}}]}}", "i-0dbc91f429e48eeee:instance-store")).size());
    assertEquals(List.of(), EventRouter.load().route(runInstances(
        "{\"blockDeviceMapping\":{\"items\":[{\"deviceName\":\"/dev/sdf\",\"ebs\":"
            + "{\"volumeSize\":10,\"encrypted\":true}}]}}", "i-0dbc91f429e48eeee:instance-store")));
  }

  @Test
  void route_disableEbsEncryptionByDefault_reEnablesWithoutApproval() {
    List<RoutedRemediation> routed = EventRouter.load()
        .route(record("DisableEbsEncryptionByDefault", "{}", "{\"ebsEncryptionByDefault\":false}"));
    assertEquals(1, routed.size(), routed.toString());
    assertEquals(EnableEbsEncryptionByDefault.create(), routed.get(0).remediation());
    assertEquals(EncryptionEventRules.DISABLE_DEFAULT_RULE, routed.get(0).ruleId());
    assertEquals(false, routed.get(0).needsApproval());
  }

  @Test
  void rules_withKeySetting_useTheKeyEverywhere() {
    EventRouter router = EventRouter.load(Map.of("encryption.kmsKey", KEY));
    assertEquals(EncryptVolume.forVolume("vol-0fc2e34e74650e145").kmsKey(KEY).build(),
        router.route(createVolume("vol-0fc2e34e74650e145", false)).get(0).remediation());
    assertEquals(EnableEbsEncryptionByDefault.withDefaultKey(KEY), router.route(
        record("DisableEbsEncryptionByDefault", "{}", "{}")).get(0).remediation());
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> new EncryptionEventRules().rules(Map.of("encryption.kmsKey", "my key")));
    assertTrue(e.getMessage().contains("'my key'"), e.getMessage());
  }

  @Test
  void routedRunInstancesPlan_needsDowntimeConsentToApply(AwsEmulator aws) {
    EbsFixture f = EbsFixture.create(aws);
    RoutedRemediation routed = EventRouter.load(Map.of("encryption.kmsKey", f.keyArn))
        .route(runInstances("{}", f.instanceId + ":ebs")).get(0);
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(routed.remediation());
    assertTrue(plan.flags().contains(Flag.DOWNTIME));
    assertThrows(GuardrailException.class, () -> remediator.apply(plan));
    assertEquals("running", f.instance().state().nameAsString());
  }
}
