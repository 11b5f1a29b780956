package dev.remediate.cloudtrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import dev.remediate.core.plan.Target;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.config.model.ConfigurationRecorder;
import software.amazon.awssdk.services.config.model.DeliveryChannel;

/** {@link EnableConfigRecorder#decide} with hand-made observations: no emulator, no AWS call. */
class ConfigRecorderDecisionTest {
  private static final String ACCOUNT = "111122223333";
  private static final LogBucket.State NO_BUCKET =
      new LogBucket.State("config-logs", false, null, false, false);

  private static Plan decide(EnableConfigRecorder wanted, EnableConfigRecorder.Observation o) {
    return wanted.decide(o, Plan.builder().remediation(wanted.spec())
        .target(Target.of("AWS::Config::ConfigurationRecorder", wanted.recorderName(o),
            o.region(), ACCOUNT)).observedAt(Instant.EPOCH));
  }

  @Test
  void decide_emptyRegion_roleBucketRecorderChannelStartInOrder() {
    EnableConfigRecorder wanted = EnableConfigRecorder.toBucket("config-logs").build();
    var o = new EnableConfigRecorder.Observation("eu-west-1", ACCOUNT, null, null, false, null,
        NO_BUCKET);

    Plan plan = decide(wanted, o);

    assertEquals(List.of("CreateServiceLinkedRole", "CreateBucket", "PutPublicAccessBlock",
        "PutBucketEncryption", "PutBucketPolicy", "PutConfigurationRecorder",
        "PutDeliveryChannel", "StartConfigurationRecorder"),
        plan.steps().stream().map(Step::kind).toList());
    assertEquals("false", plan.steps().get(5).parameter("includeGlobal"),
        "global types are recorded in us-east-1 only");
    assertEquals("default", plan.target().id());
  }

  @Test
  void decide_existingRecorderOtherSettings_overwriteFlaggedDestructiveKeepingItsName() {
    EnableConfigRecorder wanted = EnableConfigRecorder.toBucket("config-logs").build();
    ConfigurationRecorder theirs = ConfigurationRecorder.builder().name("theirs")
        .roleARN("arn:aws:iam::" + ACCOUNT + ":role/cfg")
        .recordingGroup(g -> g.allSupported(false)).build();
    LogBucket.State bucket = new LogBucket.State("config-logs", true,
        dev.remediate.core.policy.PolicyDocuments.write(TrailDecisionTest.withTlsOnly("config-logs",
            wanted.bucketStatements(ACCOUNT))), true, true);
    var o = new EnableConfigRecorder.Observation("us-east-1", ACCOUNT, theirs, null, true, null,
        bucket);

    Plan plan = decide(wanted, o);

    Step put = plan.steps().get(0);
    assertEquals("PutConfigurationRecorder", put.kind());
    assertTrue(put.has(Flag.DESTRUCTIVE));
    assertEquals("arn:aws:iam::" + ACCOUNT + ":role/cfg", put.parameter("roleArn"));
    assertTrue(put.resource().endsWith(":config-recorder/theirs"), put.resource());
    assertEquals("theirs", plan.target().id());
  }

  /** A bucket already set up for Config: exists, policy with Config's statements, PAB, SSE. */
  private static LogBucket.State readyBucket(EnableConfigRecorder wanted) {
    return new LogBucket.State("config-logs", true,
        dev.remediate.core.policy.PolicyDocuments.write(TrailDecisionTest.withTlsOnly("config-logs",
            wanted.bucketStatements(ACCOUNT))), true, true);
  }

  private static ConfigurationRecorder recorder(boolean includeGlobal) {
    return ConfigurationRecorder.builder().name("default")
        .roleARN("arn:aws:iam::" + ACCOUNT + ":role/aws-service-role/config.amazonaws.com/"
            + "AWSServiceRoleForConfig")
        .recordingGroup(g -> g.allSupported(true).includeGlobalResourceTypes(includeGlobal))
        .build();
  }

  private static DeliveryChannel channel(String bucket) {
    return DeliveryChannel.builder().name("default").s3BucketName(bucket).build();
  }

  @Test
  void decide_everythingInPlaceAndRecording_compliantEmptyPlanWithoutActions() {
    EnableConfigRecorder wanted = EnableConfigRecorder.toBucket("config-logs").build();
    var o = new EnableConfigRecorder.Observation("eu-west-1", ACCOUNT, recorder(false),
        channel("config-logs"), true, null, readyBucket(wanted));

    Plan plan = decide(wanted, o);

    assertTrue(plan.isEmpty(), plan.steps().toString());
    assertTrue(plan.iamActions().isEmpty(), plan.iamActions().toString());
  }

  @Test
  void decide_stoppedRecorderAndChannelToAnotherBucket_channelOverwrittenThenStartOnly() {
    EnableConfigRecorder wanted = EnableConfigRecorder.toBucket("config-logs").build();
    var o = new EnableConfigRecorder.Observation("us-east-1", ACCOUNT, recorder(true),
        channel("old-logs"), false, null, readyBucket(wanted));

    Plan plan = decide(wanted, o);

    assertEquals(List.of("PutDeliveryChannel", "StartConfigurationRecorder"),
        plan.steps().stream().map(Step::kind).toList());
    Step put = plan.steps().get(0);
    assertTrue(put.has(Flag.DESTRUCTIVE), "another bucket's channel is overwritten");
    assertEquals("arn:aws:config:us-east-1:" + ACCOUNT + ":delivery-channel/default",
        put.resource());
    assertEquals("config-logs", put.parameter("bucket"));
    assertEquals("s3://config-logs", put.after().orElseThrow());
    Step start = plan.steps().get(1);
    assertEquals("arn:aws:config:us-east-1:" + ACCOUNT + ":config-recorder/default",
        start.resource());
    assertEquals("stopped", start.before().orElseThrow());
    assertEquals("default", start.parameter("name"));
  }

  @Test
  void decide_recorderWithGlobalTypesOutsideTheGlobalRegion_overwrittenWithoutThem() {
    EnableConfigRecorder wanted = EnableConfigRecorder.toBucket("config-logs").build();
    var o = new EnableConfigRecorder.Observation("eu-west-1", ACCOUNT, recorder(true),
        channel("config-logs"), true, null, readyBucket(wanted));

    Plan plan = decide(wanted, o);

    assertEquals(List.of("PutConfigurationRecorder"),
        plan.steps().stream().map(Step::kind).toList());
    assertEquals("false", plan.steps().get(0).parameter("includeGlobal"));
    assertEquals(recorder(true).roleARN(), plan.steps().get(0).parameter("roleArn"),
        "the recorder's own role is kept");
  }
}
