package dev.remediate.cloudtrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doReturn;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.Guardrails;
import dev.remediate.core.GuardrailException;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.Remediator;
import dev.remediate.core.StalePlanException;
import dev.remediate.core.StepOutcome;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ConfigurationRecorder;
import software.amazon.awssdk.services.config.model.ConfigurationRecorderStatus;
import software.amazon.awssdk.services.config.model.DescribeConfigurationRecorderStatusRequest;
import software.amazon.awssdk.services.config.model.DescribeConfigurationRecorderStatusResponse;
import software.amazon.awssdk.services.config.model.DeliveryChannel;
import software.amazon.awssdk.services.config.model.ResourceType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

@ExtendWith(AwsEmulatorExtension.class)
class EnableConfigRecorderTest {
  private static final String ACCOUNT = AwsEmulator.ACCOUNT;
  private static final String BUCKET = "config-bucket-test";

  private static Remediator remediator(AwsScope scope) {
    return Remediator.builder().scope(scope).build();
  }

  private static List<String> kinds(Plan plan) {
    return plan.steps().stream().map(Step::kind).toList();
  }

  @Test
  void apply_nothingConfigured_roleBucketRecorderChannelStartInOrder(AwsEmulator aws) {
    Remediator remediator = remediator(aws.scope());
    EnableConfigRecorder config = EnableConfigRecorder.toBucket(BUCKET).keyPrefix("cfg").build();

    Plan plan = remediator.plan(config);

    assertEquals(List.of("CreateServiceLinkedRole", "CreateBucket", "PutPublicAccessBlock",
        "PutBucketEncryption", "PutBucketPolicy", "PutConfigurationRecorder", "PutDeliveryChannel",
        "StartConfigurationRecorder"), kinds(plan));
    assertTrue(plan.flags().isEmpty(), "nothing is overwritten");
    assertTrue(plan.iamActions().contains("iam:CreateServiceLinkedRole"));
    assertEquals("default", plan.target().id());

    ApplyResult result = remediator.apply(plan);

    assertEquals(ApplyResult.Status.APPLIED, result.status());
    ConfigClient cfg = aws.client(ConfigClient.class, ConfigClient::builder);
    ConfigurationRecorder recorder = cfg.describeConfigurationRecorders().configurationRecorders().get(0);
    assertTrue(recorder.recordingGroup().allSupported());
    assertTrue(recorder.recordingGroup().includeGlobalResourceTypes(), "us-east-1 is the default");
    String linked = aws.client(IamClient.class, IamClient::builder)
        .listRoles(r -> r.pathPrefix("/aws-service-role/config.amazonaws.com/")).roles().get(0).arn();
    assertEquals(linked, recorder.roleARN());
    DeliveryChannel channel = cfg.describeDeliveryChannels().deliveryChannels().get(0);
    assertEquals(BUCKET, channel.s3BucketName());
    assertEquals("cfg", channel.s3KeyPrefix());
    assertTrue(cfg.describeConfigurationRecorderStatus().configurationRecordersStatus().get(0).recording());
    assertEquals(0, aws.recorder().count("DescribeDeliveryChannelStatus"));
    List<String> ops = aws.recorder().operations();
    assertTrue(ops.indexOf("PutBucketPolicy") < ops.indexOf("PutConfigurationRecorder"));
    assertTrue(ops.indexOf("PutConfigurationRecorder") < ops.indexOf("PutDeliveryChannel"));

    PolicyAssert policy = PolicyAssert.of(aws.client(S3Client.class, S3Client::builder)
        .getBucketPolicy(r -> r.bucket(BUCKET)).policy());
    policy.statement("RemediateConfigAclCheck").allows()
        .principal("Service", "config.amazonaws.com").actions("s3:GetBucketAcl")
        .resources("arn:aws:s3:::" + BUCKET).conditions("StringEquals aws:SourceAccount=" + ACCOUNT);
    policy.statement("RemediateConfigExistenceCheck").actions("s3:ListBucket")
        .resources("arn:aws:s3:::" + BUCKET).conditions("StringEquals aws:SourceAccount=" + ACCOUNT);
    policy.statement("RemediateConfigWritecfg").actions("s3:PutObject")
        .resources("arn:aws:s3:::" + BUCKET + "/cfg/AWSLogs/" + ACCOUNT + "/Config/*")
        .conditions("StringEquals aws:SourceAccount=" + ACCOUNT,
            "StringEquals s3:x-amz-acl=bucket-owner-full-control");

    aws.recorder().reset();
    assertTrue(remediator.plan(config).isEmpty());
    assertEquals(Map.of("Config.DescribeConfigurationRecorders", 1,
        "Config.DescribeDeliveryChannels", 1, "Config.DescribeConfigurationRecorderStatus", 1,
        "S3.GetBucketPolicy", 1, "S3.GetPublicAccessBlock", 1, "S3.GetBucketEncryption", 1),
        aws.recorder().counts());
  }

  @Test
  void apply_otherRegion_globalResourceTypesNotRecorded(AwsEmulator aws) {
    AwsScope eu = aws.scope().inRegion(Region.EU_WEST_1);
    Remediator remediator = remediator(eu);

    remediator.apply(remediator.plan(EnableConfigRecorder.toBucket(BUCKET).build()));

    ConfigurationRecorder recorder = eu.client(ConfigClient.class, ConfigClient::builder)
        .describeConfigurationRecorders().configurationRecorders().get(0);
    assertTrue(recorder.recordingGroup().allSupported());
    assertFalse(recorder.recordingGroup().includeGlobalResourceTypes());
  }

  @Test
  void apply_globalRegionNamed_recordsGlobalTypesThere(AwsEmulator aws) {
    AwsScope eu = aws.scope().inRegion(Region.EU_WEST_1);
    Remediator remediator = remediator(eu);

    remediator.apply(remediator.plan(EnableConfigRecorder.toBucket(BUCKET)
        .globalResourceTypesRegion("eu-west-1").build()));

    assertTrue(eu.client(ConfigClient.class, ConfigClient::builder).describeConfigurationRecorders()
        .configurationRecorders().get(0).recordingGroup().includeGlobalResourceTypes());
  }

  @Test
  void apply_existingRecorderWithOtherSettings_needsConsentThenKeepsItsRole(AwsEmulator aws) {
    ConfigClient cfg = aws.client(ConfigClient.class, ConfigClient::builder);
    String theirRole = "arn:aws:iam::" + ACCOUNT + ":role/their-config-role";
    cfg.putConfigurationRecorder(r -> r.configurationRecorder(c -> c.name("theirs").roleARN(theirRole)
        .recordingGroup(g -> g.allSupported(false).includeGlobalResourceTypes(false)
            .resourceTypes(ResourceType.AWS_EC2_INSTANCE))));
    aws.recorder().reset();
    Remediator remediator = remediator(aws.scope());
    EnableConfigRecorder config = EnableConfigRecorder.toBucket(BUCKET).build();

    Plan plan = remediator.plan(config);

    Step overwrite = plan.steps().stream().filter(s -> s.kind().equals("PutConfigurationRecorder"))
        .findFirst().orElseThrow();
    assertEquals(Action.CHANGE, overwrite.action());
    assertTrue(overwrite.has(Flag.DESTRUCTIVE));
    assertTrue(overwrite.before().orElseThrow().contains("AWS::EC2::Instance"), overwrite.before().toString());
    assertTrue(overwrite.after().orElseThrow().contains("allSupported=true"));
    assertFalse(kinds(plan).contains("CreateServiceLinkedRole"), "the recorder keeps its role");
    assertEquals(0, aws.recorder().count("ListRoles"));
    assertEquals("theirs", plan.target().id());
    assertThrows(GuardrailException.class, () -> remediator.apply(plan));
    assertEquals(0, aws.recorder().count("PutConfigurationRecorder"));

    Remediator consenting = Remediator.builder().scope(aws.scope())
        .guardrails(Guardrails.custom().consentTo(Flag.DESTRUCTIVE).build()).build();
    assertEquals(ApplyResult.Status.APPLIED, consenting.apply(plan).status());

    ConfigurationRecorder after = cfg.describeConfigurationRecorders().configurationRecorders().get(0);
    assertEquals("theirs", after.name());
    assertEquals(theirRole, after.roleARN());
    assertTrue(after.recordingGroup().allSupported());
  }

  @Test
  void plan_existingChannelOtherBucket_destructiveAndSnsTopicKept(AwsEmulator aws) {
    Remediator remediator = remediator(aws.scope());
    EnableConfigRecorder config = EnableConfigRecorder.toBucket(BUCKET).build();
    remediator.apply(remediator.plan(config));
    ConfigClient cfg = aws.client(ConfigClient.class, ConfigClient::builder);
    aws.client(S3Client.class, S3Client::builder).createBucket(r -> r.bucket("elsewhere-bucket"));
    String topic = "arn:aws:sns:us-east-1:" + ACCOUNT + ":config-events";
    cfg.putDeliveryChannel(r -> r.deliveryChannel(c -> c.name("default").s3BucketName("elsewhere-bucket")
        .snsTopicARN(topic)));

    Plan plan = remediator.plan(config);

    assertEquals(List.of("PutDeliveryChannel"), kinds(plan));
    assertTrue(plan.steps().get(0).has(Flag.DESTRUCTIVE));
    assertTrue(plan.steps().get(0).before().orElseThrow().contains("elsewhere-bucket"));
    Remediator consenting = Remediator.builder().scope(aws.scope())
        .guardrails(Guardrails.custom().consentTo(Flag.DESTRUCTIVE).build()).build();
    consenting.apply(plan);
    DeliveryChannel channel = cfg.describeDeliveryChannels().deliveryChannels().get(0);
    assertEquals(BUCKET, channel.s3BucketName());
    assertEquals(topic, channel.snsTopicARN());
  }

  @Test
  void apply_recorderStopped_onlyStartsIt(AwsEmulator aws) {
    Remediator remediator = remediator(aws.scope());
    EnableConfigRecorder config = EnableConfigRecorder.toBucket(BUCKET).build();
    remediator.apply(remediator.plan(config));
    ConfigClient cfg = aws.client(ConfigClient.class, ConfigClient::builder);
    cfg.stopConfigurationRecorder(r -> r.configurationRecorderName("default"));

    Plan plan = remediator.plan(config);

    assertEquals(List.of("StartConfigurationRecorder"), kinds(plan));
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(plan).status());
  }

  @Test
  void plan_roleGiven_noServiceLinkedRoleLookup(AwsEmulator aws) {
    String role = "arn:aws:iam::" + ACCOUNT + ":role/config-recorder";
    Remediator remediator = remediator(aws.scope());
    EnableConfigRecorder config = EnableConfigRecorder.toBucket(BUCKET).role(role).build();

    remediator.apply(remediator.plan(config));

    assertEquals(0, aws.recorder().count("ListRoles"));
    assertEquals(0, aws.recorder().count("CreateServiceLinkedRole"));
    assertEquals(role, aws.client(ConfigClient.class, ConfigClient::builder)
        .describeConfigurationRecorders().configurationRecorders().get(0).roleARN());
  }

  @Test
  void plan_serviceLinkedRoleExists_notCreatedAgain(AwsEmulator aws) {
    aws.client(IamClient.class, IamClient::builder)
        .createServiceLinkedRole(r -> r.awsServiceName("config.amazonaws.com"));

    Plan plan = remediator(aws.scope()).plan(EnableConfigRecorder.toBucket(BUCKET).build());

    assertFalse(kinds(plan).contains("CreateServiceLinkedRole"), plan.toText());
    assertEquals(1, aws.recorder().count("ListRoles"));
  }

  @Test
  void apply_recorderCreatedAfterPlanning_refusesStalePlan(AwsEmulator aws) {
    Remediator remediator = remediator(aws.scope());
    Plan plan = remediator.plan(EnableConfigRecorder.toBucket(BUCKET).build());
    aws.client(ConfigClient.class, ConfigClient::builder).putConfigurationRecorder(r -> r
        .configurationRecorder(c -> c.name("late").roleARN("arn:aws:iam::" + ACCOUNT + ":role/x")
            .recordingGroup(g -> g.allSupported(true).includeGlobalResourceTypes(true))));

    assertThrows(StalePlanException.class, () -> remediator.apply(plan));
  }

  @Test
  void apply_planFromJson_rebuiltThroughCatalog(AwsEmulator aws) {
    Remediator remediator = remediator(aws.scope());
    Plan plan = remediator.plan(EnableConfigRecorder.toBucket(BUCKET)
        .snsTopic("arn:aws:sns:us-east-1:" + ACCOUNT + ":t").build());

    Plan read = Plan.fromJson(plan.toJson());

    assertEquals(plan, read);
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(read).status());
  }

  @Test
  void spec_roundTripThroughType_equalRemediation() {
    EnableConfigRecorder config = EnableConfigRecorder.toBucket(BUCKET).keyPrefix("p")
        .snsTopic("arn:aws:sns:eu-west-1:" + ACCOUNT + ":t")
        .role("arn:aws:iam::" + ACCOUNT + ":role/r").globalResourceTypesRegion("eu-west-1")
        .recorderName("main").build();
    var type = RemediationCatalog.load().require(EnableConfigRecorder.ID);

    assertEquals(config, type.fromSpec(config.spec()));
    assertEquals(config, type.forRegion(Map.of()).isEmpty() ? config : null);
    assertEquals(EnableConfigRecorder.toBucket(BUCKET).build(),
        type.forRegion(Map.of("config.s3Bucket", BUCKET)).orElseThrow());
    assertTrue(type.flags().contains(Flag.DESTRUCTIVE));
  }

  @Test
  void build_badValues_failNamingTheValue() {
    assertTrue(assertThrows(InvalidRemediationException.class, () -> EnableConfigRecorder
        .toBucket(BUCKET).recorderName("AWSConfigurationRecorderForX").build())
        .getMessage().contains("AWSConfigurationRecorderForX"));
    assertTrue(assertThrows(InvalidRemediationException.class, () -> EnableConfigRecorder
        .toBucket(BUCKET).globalResourceTypesRegion("moon").build()).getMessage().contains("'moon'"));
    assertTrue(assertThrows(InvalidRemediationException.class, () -> EnableConfigRecorder
        .toBucket(BUCKET).snsTopic("topic").build()).getMessage().contains("'topic'"));
  }

  @Test
  void apply_newRoleNotYetUsableByConfig_putRecorderRetriedUntilAccepted(AwsEmulator aws) {
    // AWS Config answers InvalidRoleException while a just-created service-linked role propagates.
    aws.faults().failNth("PutConfigurationRecorder", 1, Fault.of("InvalidRoleException"));
    aws.faults().failNth("PutConfigurationRecorder", 2, Fault.of("InvalidRoleException"));
    Remediator remediator = remediator(aws.scope());
    EnableConfigRecorder config = EnableConfigRecorder.toBucket(BUCKET).build();

    ApplyResult result = remediator.apply(remediator.plan(config));

    assertEquals(ApplyResult.Status.APPLIED, result.status(), result.toText());
    assertEquals(3, aws.recorder().count("PutConfigurationRecorder"), "two refusals, then accepted");
    assertEquals(2, aws.recorder().calls().stream()
        .filter(c -> c.operation().equals("PutConfigurationRecorder") && !c.succeeded()).count());
    assertEquals(1, aws.client(ConfigClient.class, ConfigClient::builder)
        .describeConfigurationRecorders().configurationRecorders().size());
  }

  @Test
  void apply_newBucketPolicyNotYetVisible_putChannelRetriedUntilAccepted(AwsEmulator aws) {
    // AWS Config answers InsufficientDeliveryPolicyException while a new bucket policy propagates.
    aws.faults().failNth("PutDeliveryChannel", 1, Fault.of("InsufficientDeliveryPolicyException"));
    Remediator remediator = remediator(aws.scope());

    ApplyResult result = remediator.apply(remediator.plan(EnableConfigRecorder.toBucket(BUCKET).build()));

    assertEquals(ApplyResult.Status.APPLIED, result.status(), result.toText());
    assertEquals(2, aws.recorder().count("PutDeliveryChannel"));
    assertEquals(BUCKET, aws.client(ConfigClient.class, ConfigClient::builder)
        .describeDeliveryChannels().deliveryChannels().get(0).s3BucketName());
  }

  @Test
  void apply_propagationNeverEnds_givesUpAfterTheAttemptsAndReports(AwsEmulator aws) {
    aws.faults().failAll("PutDeliveryChannel", Fault.of("InsufficientDeliveryPolicyException"));
    Remediator remediator = remediator(aws.scope());

    ApplyFailedException e = assertThrows(ApplyFailedException.class,
        () -> remediator.apply(remediator.plan(EnableConfigRecorder.toBucket(BUCKET).build())));

    assertTrue(e.getMessage().contains("InsufficientDeliveryPolicyException"), e.getMessage());
    assertEquals(Propagation.PROPAGATION_ATTEMPTS, aws.recorder().count("PutDeliveryChannel"));
    assertEquals(0, aws.recorder().count("StartConfigurationRecorder"));
  }

  @Test
  void apply_nonRetryableFailureMidApply_journalledAndReplanShowsOnlyWhatIsLeft(AwsEmulator aws) {
    aws.faults().failNth("PutDeliveryChannel", 1, Fault.of("AccessDeniedException"));
    Remediator remediator = remediator(aws.scope());
    EnableConfigRecorder config = EnableConfigRecorder.toBucket(BUCKET).build();
    Plan plan = remediator.plan(config);

    ApplyFailedException e = assertThrows(ApplyFailedException.class, () -> remediator.apply(plan));

    assertTrue(e.getMessage().contains("AccessDeniedException"), e.getMessage());
    assertEquals(1, aws.recorder().count("PutDeliveryChannel"), "not a propagation error: no retry");
    ApplyResult journal = e.result();
    assertEquals(ApplyResult.Status.FAILED, journal.status());
    Map<String, StepOutcome.Status> outcomes = new java.util.LinkedHashMap<>();
    journal.outcomes().forEach(o -> outcomes.put(o.step().kind(), o.status()));
    assertEquals(List.of("CreateServiceLinkedRole", "CreateBucket", "PutPublicAccessBlock",
        "PutBucketEncryption", "PutBucketPolicy", "PutConfigurationRecorder", "PutDeliveryChannel",
        "StartConfigurationRecorder"), List.copyOf(outcomes.keySet()));
    assertEquals(StepOutcome.Status.SUCCEEDED, outcomes.get("PutConfigurationRecorder"));
    assertEquals(StepOutcome.Status.FAILED, outcomes.get("PutDeliveryChannel"));
    assertEquals(StepOutcome.Status.NOT_RUN, outcomes.get("StartConfigurationRecorder"));
    assertEquals(6, journal.succeeded(), "one PutBucketPolicy step: Config's statements and TLS only");

    Plan rest = remediator.plan(config);

    assertEquals(List.of("PutDeliveryChannel", "StartConfigurationRecorder"), kinds(rest), rest.toText());
    assertTrue(rest.flags().isEmpty(), "the recorder made by the first apply is not overwritten");
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(rest).status());
    assertEquals(1, aws.client(ConfigClient.class, ConfigClient::builder)
        .describeConfigurationRecorders().configurationRecorders().size());
  }

  @Test
  void plan_serviceLinkedRecorderOfAnotherService_ignoredAndOwnRecorderPlanned(AwsEmulator aws) {
    ConfigClient cfg = aws.client(ConfigClient.class, ConfigClient::builder);
    cfg.putConfigurationRecorder(r -> r.configurationRecorder(c -> c
        .name("AWSConfigurationRecorderForSecurityHub")
        .roleARN("arn:aws:iam::" + ACCOUNT + ":role/aws-service-role/securityhub.amazonaws.com/x")
        .recordingGroup(g -> g.allSupported(false).includeGlobalResourceTypes(false)
            .resourceTypes(ResourceType.AWS_EC2_INSTANCE))));
    aws.recorder().reset();

    Plan plan = remediator(aws.scope()).plan(EnableConfigRecorder.toBucket(BUCKET).build());

    assertEquals("default", plan.target().id(), "the service-linked recorder is not ours to adopt");
    Step put = plan.steps().stream().filter(s -> s.kind().equals("PutConfigurationRecorder"))
        .findFirst().orElseThrow();
    assertEquals(Action.ADD, put.action(), "a new recorder, not an overwrite");
    assertEquals("default", put.parameter("name"));
    assertFalse(put.has(Flag.DESTRUCTIVE));
    assertTrue(plan.flags().isEmpty(), plan.toText());
    assertTrue(kinds(plan).contains("StartConfigurationRecorder"));
    assertTrue(kinds(plan).contains("CreateServiceLinkedRole"), "its role is not Config's own");
    assertEquals(0, aws.recorder().count("DescribeConfigurationRecorderStatus"),
        "no status read for a recorder that is not ours");
  }

  @Test
  void apply_snsTopicGiven_landsOnTheDeliveryChannel(AwsEmulator aws) {
    String topic = "arn:aws:sns:us-east-1:" + ACCOUNT + ":config-notes";
    Remediator remediator = remediator(aws.scope());
    EnableConfigRecorder config = EnableConfigRecorder.toBucket(BUCKET).snsTopic(topic).build();

    Plan plan = remediator.plan(config);
    Step channelStep = plan.steps().stream().filter(s -> s.kind().equals("PutDeliveryChannel"))
        .findFirst().orElseThrow();
    assertEquals(topic, channelStep.parameter("snsTopic"));
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(plan).status());

    ConfigClient cfg = aws.client(ConfigClient.class, ConfigClient::builder);
    assertEquals(topic, cfg.describeDeliveryChannels().deliveryChannels().get(0).snsTopicARN());
    assertTrue(remediator.plan(config).isEmpty());

    // Another topic asked for later: the channel is overwritten (with consent) to notify it.
    String other = "arn:aws:sns:us-east-1:" + ACCOUNT + ":config-other";
    EnableConfigRecorder changed = EnableConfigRecorder.toBucket(BUCKET).snsTopic(other).build();
    Plan change = remediator.plan(changed);
    assertEquals(List.of("PutDeliveryChannel"), kinds(change));
    assertTrue(change.steps().get(0).before().orElseThrow().contains(topic));
    Remediator consenting = Remediator.builder().scope(aws.scope())
        .guardrails(Guardrails.custom().consentTo(Flag.DESTRUCTIVE).build()).build();
    assertEquals(ApplyResult.Status.APPLIED, consenting.apply(change).status());
    assertEquals(other, cfg.describeDeliveryChannels().deliveryChannels().get(0).snsTopicARN());
  }

  @Test
  void apply_recorderStillNotRecordingAfterStart_failsClearly(AwsEmulator aws) {
    ConfigClient real = aws.client(ConfigClient.class, ConfigClient::builder);
    ConfigClient stub = Stubs.passingTo(ConfigClient.class, real);
    // StartConfigurationRecorder is accepted, but the status read to verify it says not recording.
    doReturn(DescribeConfigurationRecorderStatusResponse.builder().configurationRecordersStatus(
            ConfigurationRecorderStatus.builder().name("default").recording(false).build()).build())
        .when(stub).describeConfigurationRecorderStatus(any(DescribeConfigurationRecorderStatusRequest.class));
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).client(ConfigClient.class, stub).build()) {
      Remediator remediator = remediator(scope);
      Plan plan = remediator.plan(EnableConfigRecorder.toBucket(BUCKET).build());

      ApplyFailedException e = assertThrows(ApplyFailedException.class, () -> remediator.apply(plan));

      assertTrue(e.getMessage().contains("DescribeConfigurationRecorderStatus shows recorder default "
          + "not recording after StartConfigurationRecorder"), e.getMessage());
      StepOutcome last = e.result().outcomes().get(e.result().outcomes().size() - 1);
      assertEquals("StartConfigurationRecorder", last.step().kind());
      assertEquals(StepOutcome.Status.FAILED, last.status());
      assertEquals(1, aws.recorder().count("StartConfigurationRecorder"));
    }
  }
}
