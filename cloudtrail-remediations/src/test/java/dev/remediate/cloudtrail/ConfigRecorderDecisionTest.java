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
}
