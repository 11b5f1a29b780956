package dev.remediate.ec2;

import dev.remediate.core.policy.PolicyDocuments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.GuardrailException;
import dev.remediate.core.Guardrails;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.StalePlanException;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateFlowLogsRequest;
import software.amazon.awssdk.services.ec2.model.CreateFlowLogsResponse;
import software.amazon.awssdk.services.ec2.model.UnsuccessfulItem;
import software.amazon.awssdk.services.ec2.model.FlowLog;
import software.amazon.awssdk.services.ec2.model.FlowLogsResourceType;
import software.amazon.awssdk.services.ec2.model.LogDestinationType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

@ExtendWith(AwsEmulatorExtension.class)
class EnableVpcFlowLogsTest {
  private static final String BUCKET = "flow-log-bucket";
  private static final String OTHERS = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Theirs\","
      + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},"
      + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::flow-log-bucket/*\"}]}";

  private static String vpc(Ec2Client ec2, String cidr) {
    return ec2.createVpc(r -> r.cidrBlock(cidr)).vpc().vpcId();
  }

  private static Ec2Client ec2(AwsEmulator aws) {
    return aws.client(Ec2Client.class, Ec2Client::builder);
  }

  private static S3Client s3(AwsEmulator aws) {
    S3Client s3 = aws.client(S3Client.class, S3Client::builder);
    return s3;
  }

  private static Remediator remediator(AwsEmulator aws, Flag... consent) {
    return Remediator.builder().scope(aws.scope())
        .guardrails(Guardrails.custom().consentTo(consent).build()).build();
  }

  private static List<FlowLog> flowLogs(AwsEmulator aws, String vpcId) {
    return ec2(aws).describeFlowLogs(r -> r.filter(NetworkSupport.filter("resource-id",
        List.of(vpcId)))).flowLogs();
  }

  static FlowLogSettings settings() {
    return new FlowLogSettings(BUCKET, null, false, null, null, null, null, null,
        EnableVpcFlowLogs.TrafficType.ALL, null, null, false);
  }

  private static PlanSet planSet(Remediator remediator, Remediation remediation) {
    return remediator.planSet(List.of(remediation));
  }

  private static Plan planOf(PlanSet plans, String targetId) {
    return plans.plans().stream().filter(p -> p.target().id().equals(targetId)).findFirst()
        .orElseThrow(() -> new AssertionError(targetId + " not in " + plans.toText()));
  }

  private static List<String> kinds(Plan plan) {
    return plan.steps().stream().map(Step::kind).toList();
  }

  private static List<ApplyResult.Status> statuses(PlanSetResult result) {
    return result.results().stream().map(ApplyResult::status).toList();
  }

  @Test
  void planSet_vpcWithoutFlowLog_bucketPlanThenVpcPlanThatRequiresIt(AwsEmulator aws) {
    String vpcId = vpc(ec2(aws), "10.1.0.0/16");
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    s3(aws).putBucketPolicy(r -> r.bucket(BUCKET).policy(OTHERS));
    EnableVpcFlowLogs remediation = EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket(BUCKET).build();
    Remediator remediator = remediator(aws);
    aws.recorder().reset();

    PlanSet plans = planSet(remediator, remediation);

    assertEquals(Map.of("Ec2.DescribeVpcs", 1, "Ec2.DescribeFlowLogs", 1,
        "S3.GetBucketPolicy", 1), aws.recorder().counts());
    assertEquals(List.of("AWS::S3::Bucket", "AWS::EC2::VPC"), plans.plans().stream()
        .map(p -> p.target().type()).toList(), plans.toText());
    Plan bucket = planOf(plans, BUCKET);
    Plan vpc = planOf(plans, vpcId);
    assertEquals(List.of("PutBucketPolicy"), kinds(bucket),
        "the service's statements and the TLS-only statement in one write");
    assertTrue(bucket.steps().get(0).after().orElseThrow().contains("aws:SecureTransport"),
        bucket.toText());
    assertTrue(bucket.steps().get(0).after().orElseThrow().contains("RemediateFlowLogsWrite"),
        bucket.toText());
    assertEquals(List.of("arn:aws:s3:::" + BUCKET), bucket.provides());
    assertEquals(List.of(bucket.key()), vpc.requires());
    assertEquals(List.of("CreateFlowLogs"), kinds(vpc));
    assertEquals(remediation, RemediationCatalog.load().fromSpec(vpc.remediation()),
        "the VPC plan's spec rebuilds the remediation of that VPC");
    assertTrue(vpc.controls().contains("FSBP EC2.6"));
    assertTrue(vpc.iamActions().contains("ec2:CreateFlowLogs"));

    PlanSetResult result = remediator.apply(plans);

    assertEquals(List.of(ApplyResult.Status.APPLIED, ApplyResult.Status.APPLIED),
        statuses(result), result.toText());
    List<FlowLog> logs = flowLogs(aws, vpcId);
    assertEquals(1, logs.size());
    assertEquals("arn:aws:s3:::" + BUCKET, logs.get(0).logDestination());
    assertEquals("ALL", logs.get(0).trafficTypeAsString());
    IamPolicy policy = IamPolicy.fromJson(s3(aws).getBucketPolicy(r -> r.bucket(BUCKET)).policy());
    List<String> sids = policy.statements().stream().map(IamStatement::sid).toList();
    assertEquals(List.of("Theirs", "RemediateFlowLogsWriteUsEast1",
        "RemediateFlowLogsAclCheckUsEast1", PolicyDocuments.DENY_INSECURE_TRANSPORT_SID), sids,
        "others' statements are kept");
    assertTrue(PolicyDocuments.deniesInsecureTransport(s3(aws).getBucketPolicy(r -> r
        .bucket(BUCKET)).policy(), BUCKET));
    IamStatement write = policy.statements().get(1);
    assertEquals("arn:aws:s3:::" + BUCKET + "/AWSLogs/" + AwsEmulator.ACCOUNT + "/*",
        write.resources().get(0).value());
    assertEquals(List.of("s3:PutObject"), actions(write));
    assertEquals(Map.of("s3:x-amz-acl", "bucket-owner-full-control",
        "aws:SourceAccount", AwsEmulator.ACCOUNT,
        "aws:SourceArn", "arn:aws:logs:us-east-1:" + AwsEmulator.ACCOUNT + ":*"), conditions(write));
    IamStatement aclCheck = policy.statements().get(2);
    assertEquals("Allow", aclCheck.effect().value());
    assertEquals(List.of("Service delivery.logs.amazonaws.com"), aclCheck.principals().stream()
        .map(pr -> pr.type().value() + " " + pr.id()).toList());
    assertEquals(List.of("s3:GetBucketAcl", "s3:ListBucket"), actions(aclCheck));
    assertEquals(List.of("arn:aws:s3:::" + BUCKET), aclCheck.resources().stream()
        .map(r -> r.value()).toList(), "the bucket itself, not its objects");
    assertEquals(Map.of("aws:SourceAccount", AwsEmulator.ACCOUNT,
        "aws:SourceArn", "arn:aws:logs:us-east-1:" + AwsEmulator.ACCOUNT + ":*"),
        conditions(aclCheck));
    assertTrue(remediator.plan(remediation).isEmpty(), "second plan is empty");
  }

  @Test
  void plan_severalTargets_refusesAndNamesPlanSet(AwsEmulator aws) {
    String vpcId = vpc(ec2(aws), "10.1.0.0/16");
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> remediator(aws).plan(EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket(BUCKET).build()));
    assertTrue(e.getMessage().contains("planSet") && e.getMessage().contains(BUCKET),
        e.getMessage());
  }

  private static List<String> actions(IamStatement statement) {
    return statement.actions().stream().map(a -> a.value()).sorted().toList();
  }

  /** @return condition key to value (one value each in these statements) */
  private static Map<String, String> conditions(IamStatement statement) {
    Map<String, String> out = new java.util.TreeMap<>();
    statement.conditions().forEach(c -> assertEquals(null, out.put(c.key().value(), c.value()),
        "one value per key: " + c));
    return out;
  }

  /** A scope whose clients add every request of the given type to {@code sent}. */
  private static <T> AwsScope capturing(AwsEmulator aws, Class<T> type, List<T> sent) {
    ExecutionInterceptor capture = new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes a) {
        if (type.isInstance(context.request())) {
          sent.add(type.cast(context.request()));
        }
      }
    };
    return aws.scopeBuilder(AwsEmulator.REGION).addInterceptor(capture).build();
  }

  @Test
  void apply_logFormatAndAggregation_reachCreateFlowLogsAndTakePartInCompliance(AwsEmulator aws) {
    String vpcId = vpc(ec2(aws), "10.1.0.0/16");
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    String format = "${version} ${vpc-id} ${srcaddr} ${dstaddr} ${action}";
    EnableVpcFlowLogs remediation = EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket(BUCKET)
        .logFormat(format).maxAggregationInterval(60).build();
    List<CreateFlowLogsRequest> sent = new ArrayList<>();
    try (AwsScope scope = capturing(aws, CreateFlowLogsRequest.class, sent)) {
      Remediator remediator = Remediator.builder().scope(scope).build();

      remediator.apply(planSet(remediator, remediation));

      assertEquals(1, sent.size());
      assertEquals(format, sent.get(0).logFormat());
      assertEquals(60, sent.get(0).maxAggregationInterval());
      FlowLog log = flowLogs(aws, vpcId).get(0);
      assertEquals(format, log.logFormat(), "read back with DescribeFlowLogs");
      assertEquals(60, log.maxAggregationInterval());
      assertTrue(remediator.plan(remediation).isEmpty(), "same format and interval: compliant");

      // Another format, or another interval, is not compliant: a new flow log is planned.
      for (EnableVpcFlowLogs other : List.of(
          EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket(BUCKET).logFormat("${version} ${srcaddr}")
              .maxAggregationInterval(60).build(),
          EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket(BUCKET).logFormat(format)
              .maxAggregationInterval(600).build())) {
        Plan plan = remediator.plan(other);
        assertEquals(List.of("CreateFlowLogs"), plan.steps().stream().map(Step::kind).toList(),
            plan.toText());
        assertTrue(plan.warnings().stream().anyMatch(w -> w.contains(log.flowLogId())),
            plan.toText());
      }
    }
  }

  @Test
  void apply_givenDeliveryRoleAndKmsKey_roleReachesFlowLogAndKeyTheCreatedGroup(AwsEmulator aws) {
    String vpcId = vpc(ec2(aws), "10.1.0.0/16");
    String roleArn = "arn:aws:iam::" + AwsEmulator.ACCOUNT + ":role/their-flow-role";
    String keyArn = aws.client(software.amazon.awssdk.services.kms.KmsClient.class,
        software.amazon.awssdk.services.kms.KmsClient::builder).createKey(r -> r
            .description("flow logs")).keyMetadata().arn();
    EnableVpcFlowLogs remediation = EnableVpcFlowLogs.forVpc(vpcId).toLogGroup("/vpc/given")
        .deliveryRole(roleArn).logGroupKmsKey(keyArn).build();
    List<CreateFlowLogsRequest> sent = new ArrayList<>();
    try (AwsScope scope = capturing(aws, CreateFlowLogsRequest.class, sent)) {
      Remediator remediator = Remediator.builder().scope(scope).build();
      PlanSet plans = planSet(remediator, remediation);
      Plan groupPlan = planOf(plans, "/vpc/given");
      assertEquals("AWS::Logs::LogGroup", groupPlan.target().type());
      assertEquals(List.of("CreateLogGroup"), kinds(groupPlan), "a given role is used, not created");
      assertEquals(List.of("CreateFlowLogs"), kinds(planOf(plans, vpcId)));
      assertTrue(groupPlan.steps().get(0).summary().contains(keyArn), plans.toText());
      assertTrue(groupPlan.provides().contains("arn:aws:logs:us-east-1:" + AwsEmulator.ACCOUNT
          + ":log-group:/vpc/given"), groupPlan.provides().toString());

      assertFalse(remediator.apply(plans).hasProblems());

      assertEquals(roleArn, sent.get(0).deliverLogsPermissionArn());
      assertEquals("/vpc/given", sent.get(0).logGroupName());
      assertEquals(null, sent.get(0).logDestination(), "exactly one of group name or destination");
      assertEquals(roleArn, flowLogs(aws, vpcId).get(0).deliverLogsPermissionArn());
      LogGroup group = aws.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder)
          .describeLogGroups(r -> r.logGroupNamePrefix("/vpc/given")).logGroups().get(0);
      assertEquals(keyArn, group.kmsKeyId());
      assertEquals(0, aws.client(IamClient.class, IamClient::builder).listRoles().roles().stream()
          .filter(r -> r.roleName().equals(EnableVpcFlowLogs.DEFAULT_ROLE_NAME)).count());
      assertTrue(remediator.plan(remediation).isEmpty());
    }
  }

  @Test
  void apply_threeVpcsSameDestination_oneCreateFlowLogsCall(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    List<String> vpcs = List.of(vpc(ec2, "10.1.0.0/16"), vpc(ec2, "10.2.0.0/16"),
        vpc(ec2, "10.3.0.0/16"));
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    EnableVpcFlowLogs remediation = EnableVpcFlowLogs.forVpcs(vpcs).toS3Bucket(BUCKET).build();
    Remediator remediator = remediator(aws);
    aws.recorder().reset();

    PlanSet plans = planSet(remediator, remediation);
    assertEquals(1, aws.recorder().count("DescribeFlowLogs"));
    assertEquals(4, plans.changes(),
        "three CreateFlowLogs and one policy write: " + plans.toText());
    assertEquals(4, plans.plans().size(), "the bucket's plan and one per VPC");
    aws.recorder().reset();
    PlanSetResult result = remediator.apply(plans);

    assertFalse(result.hasProblems(), result.toText());
    assertEquals(1, aws.recorder().count("CreateFlowLogs"), aws.recorder().toString());
    assertEquals(1, aws.recorder().count("PutBucketPolicy"), "the service's statements and TLS only");
    vpcs.forEach(v -> assertEquals(1, flowLogs(aws, v).size(), v));
  }

  @Test
  void plan_everyVpcAlreadyCompliant_isEmptyWithTwoReads(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    vpc(ec2, "10.1.0.0/16");
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    EnableVpcFlowLogs remediation = EnableVpcFlowLogs.forEveryVpc().toS3Bucket(BUCKET).build();
    Remediator remediator = remediator(aws);
    remediator.apply(planSet(remediator, remediation));
    aws.recorder().reset();

    PlanSet again = planSet(remediator, remediation);

    assertTrue(again.isEmpty(), again.toText());
    assertEquals(Map.of("Ec2.DescribeVpcs", 1, "Ec2.DescribeFlowLogs", 1),
        aws.recorder().counts(), "a compliant region costs one page of each, no bucket read");
    assertTrue(again.plans().stream().allMatch(p -> p.target().type().equals("AWS::EC2::VPC")),
        again.toText());
  }

  @Test
  void plan_s3Prefix_policyAndRequestCarryThePrefix(AwsEmulator aws) {
    // moto answers a prefixed S3 destination with Unsuccessful (AWS-FACTS.md), so this checks the
    // requests the library makes, not the emulator's result.
    String vpcId = vpc(ec2(aws), "10.1.0.0/16");
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    List<CreateFlowLogsRequest> sent = new ArrayList<>();
    ExecutionInterceptor capture = new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes a) {
        if (context.request() instanceof CreateFlowLogsRequest request) {
          sent.add(request);
        }
      }
    };
    try (AwsScope scope = aws.scopeBuilder(AwsEmulator.REGION).addInterceptor(capture).build()) {
      Remediator remediator = Remediator.builder().scope(scope).build();
      EnableVpcFlowLogs remediation =
          EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket(BUCKET, "vpc/logs").build();
      PlanSet plans = planSet(remediator, remediation);
      Step policy = planOf(plans, BUCKET).steps().get(0);
      assertEquals("PutBucketPolicy", policy.kind());
      assertTrue(policy.parameter("policy").contains(
          "arn:aws:s3:::" + BUCKET + "/vpc/logs/AWSLogs/" + AwsEmulator.ACCOUNT + "/*"),
          policy.parameter("policy"));
      assertEquals(List.of("arn:aws:s3:::" + BUCKET + "/vpc/logs/"),
          planOf(plans, BUCKET).provides());

      ApplyResult failed = remediator.apply(plans).results().get(1);

      assertEquals(1, sent.size());
      assertEquals("arn:aws:s3:::" + BUCKET + "/vpc/logs/", sent.get(0).logDestination());
      assertEquals(LogDestinationType.S3, sent.get(0).logDestinationType());
      assertEquals(List.of(vpcId), sent.get(0).resourceIds());
      assertEquals(ApplyResult.Status.FAILED, failed.status());
      assertTrue(failed.detail().contains(vpcId), failed.detail());
    }
  }

  @Test
  void apply_logGroupDestination_createsGroupRetentionAndRole(AwsEmulator aws) {
    String vpcId = vpc(ec2(aws), "10.1.0.0/16");
    EnableVpcFlowLogs remediation = EnableVpcFlowLogs.forVpc(vpcId).toLogGroup("/vpc/flow")
        .createDeliveryRole("flow-role").retentionDays(365).build();
    Remediator remediator = remediator(aws);

    PlanSet plans = planSet(remediator, remediation);

    assertEquals(List.of("CreateLogGroup", "PutRetentionPolicy", "CreateRole", "PutRolePolicy"),
        kinds(planOf(plans, "/vpc/flow")), plans.toText());
    assertEquals(List.of("CreateFlowLogs"), kinds(planOf(plans, vpcId)));
    assertFalse(remediator.apply(plans).hasProblems());
    LogGroup group = aws.client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder)
        .describeLogGroups(r -> r.logGroupNamePrefix("/vpc/flow")).logGroups().get(0);
    assertEquals(365, group.retentionInDays());
    IamClient iam = aws.client(IamClient.class, IamClient::builder);
    String trust = PolicyDocuments.decode(iam.getRole(r -> r.roleName("flow-role")).role()
        .assumeRolePolicyDocument());
    assertTrue(trust.contains("vpc-flow-logs.amazonaws.com"), trust);
    assertTrue(trust.contains("arn:aws:ec2:us-east-1:" + AwsEmulator.ACCOUNT + ":vpc-flow-log/*"),
        trust);
    FlowLog log = flowLogs(aws, vpcId).get(0);
    assertEquals("/vpc/flow", log.logGroupName());
    assertEquals("arn:aws:iam::" + AwsEmulator.ACCOUNT + ":role/flow-role",
        log.deliverLogsPermissionArn());
    aws.recorder().reset();
    assertTrue(remediator.plan(remediation).isEmpty());
    assertEquals(0, aws.recorder().count("GetRole"), "a compliant VPC needs no destination reads");
  }

  @Test
  void plan_otherFlowLogExists_keepsItAndWarns(AwsEmulator aws) {
    String vpcId = vpc(ec2(aws), "10.1.0.0/16");
    String oldId = existingFlowLog(aws, vpcId, "REJECT");
    Plan plan = planOf(planSet(remediator(aws),
        EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket(BUCKET).build()), vpcId);

    assertFalse(plan.steps().stream().anyMatch(s -> s.kind().equals("DeleteFlowLogs")));
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains(oldId)
        && w.contains("set flowLogs.replaceExisting=true (Java: replaceExisting())")),
        plan.toText());
  }

  @Test
  void apply_replaceExisting_needsConsentThenCreatesBeforeDeleting(AwsEmulator aws) {
    String vpcId = vpc(ec2(aws), "10.1.0.0/16");
    String oldId = existingFlowLog(aws, vpcId, "REJECT");
    EnableVpcFlowLogs remediation =
        EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket(BUCKET).replaceExisting().build();
    PlanSet plans = planSet(remediator(aws), remediation);
    Plan plan = planOf(plans, vpcId);
    assertEquals(List.of("CreateFlowLogs", "DeleteFlowLogs"), kinds(plan));
    Step delete = plan.steps().get(1);
    assertEquals(oldId, delete.resource());
    assertTrue(delete.has(Flag.DESTRUCTIVE));

    assertThrows(GuardrailException.class, () -> remediator(aws).apply(plan));
    assertEquals(ApplyResult.Status.SKIPPED, remediator(aws).apply(plans).results().get(1)
        .status(), "a plan set skips the target without consent");
    assertEquals(1, flowLogs(aws, vpcId).size(), "nothing changed without consent");

    aws.recorder().reset();
    PlanSetResult result = remediator(aws, Flag.DESTRUCTIVE).apply(plans);

    assertEquals(List.of(ApplyResult.Status.ALREADY_DONE, ApplyResult.Status.APPLIED),
        statuses(result), result.toText());

    assertTrue(aws.recorder().indexOf("CreateFlowLogs") < aws.recorder().indexOf("DeleteFlowLogs"));
    List<FlowLog> logs = flowLogs(aws, vpcId);
    assertEquals(1, logs.size());
    assertEquals("ALL", logs.get(0).trafficTypeAsString());
    assertFalse(logs.get(0).flowLogId().equals(oldId));
  }

  private static String existingFlowLog(AwsEmulator aws, String vpcId, String traffic) {
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    s3(aws).createBucket(r -> r.bucket("old-bucket"));
    return ec2(aws).createFlowLogs(r -> r.resourceIds(vpcId).resourceType(FlowLogsResourceType.VPC)
        .trafficType(traffic).logDestinationType(LogDestinationType.S3)
        .logDestination("arn:aws:s3:::old-bucket")).flowLogIds().get(0);
  }

  @Test
  void plan_missingBucket_failsUnlessAskedToCreateIt(AwsEmulator aws) {
    String vpcId = vpc(ec2(aws), "10.1.0.0/16");
    RemediationException e = assertThrows(RemediationException.class, () -> remediator(aws)
        .plan(EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket("no-such-bucket").build()));
    assertTrue(e.getMessage().contains("no-such-bucket"), e.getMessage());
    assertTrue(e.getMessage().contains("set flowLogs.createBucket=true (Java: "
        + "createBucketIfMissing())"), e.getMessage());

    EnableVpcFlowLogs creating = EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket("new-flow-bucket")
        .createBucketIfMissing().build();
    PlanSet plans = planSet(remediator(aws), creating);
    assertEquals(List.of("CreateBucket", "PutPublicAccessBlock", "PutBucketEncryption",
        "PutBucketPolicy"), kinds(planOf(plans, "new-flow-bucket")));
    assertEquals(List.of("CreateFlowLogs"), kinds(planOf(plans, vpcId)));
    assertFalse(remediator(aws).apply(plans).hasProblems());
    S3Client s3 = s3(aws);
    assertTrue(s3.getPublicAccessBlock(r -> r.bucket("new-flow-bucket"))
        .publicAccessBlockConfiguration().blockPublicPolicy());
    assertEquals("AES256", s3.getBucketEncryption(r -> r.bucket("new-flow-bucket"))
        .serverSideEncryptionConfiguration().rules().get(0).applyServerSideEncryptionByDefault()
        .sseAlgorithmAsString());
  }

  @Test
  void apply_bucketPolicyChangedSincePlan_refusesStalePlan(AwsEmulator aws) {
    String vpcId = vpc(ec2(aws), "10.1.0.0/16");
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    PlanSet plans = planSet(remediator(aws),
        EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket(BUCKET).build());
    s3(aws).putBucketPolicy(r -> r.bucket(BUCKET).policy(OTHERS));

    PlanSetResult result = remediator(aws).apply(plans);

    assertEquals(List.of(ApplyResult.Status.STALE, ApplyResult.Status.SKIPPED), statuses(result),
        result.toText());
    assertTrue(result.results().get(1).detail().contains(BUCKET), result.results().get(1).detail());
    assertTrue(flowLogs(aws, vpcId).isEmpty());
    assertThrows(StalePlanException.class, () -> remediator(aws).apply(planOf(plans, BUCKET)));
  }

  @Test
  void apply_planSetReadBackFromJson_appliesEveryVpcAndSecondPlanIsEmpty(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    List<String> vpcs = List.of(vpc(ec2, "10.1.0.0/16"), vpc(ec2, "10.2.0.0/16"),
        vpc(ec2, "10.3.0.0/16"));
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    EnableVpcFlowLogs everyVpc = EnableVpcFlowLogs.forEveryVpc().toS3Bucket(BUCKET).build();
    PlanSet plans = planSet(remediator(aws), everyVpc);

    PlanSet read = PlanSet.fromJson(plans.toJson());

    assertEquals(plans, read);
    aws.recorder().reset();
    PlanSetResult result = remediator(aws).apply(read);
    assertFalse(result.hasProblems(), result.toText());
    int every = ec2.describeVpcs().vpcs().size(); // ours and the region's default VPC
    assertEquals(1 + every, result.withStatus(ApplyResult.Status.APPLIED).size());
    assertEquals(1, aws.recorder().count("CreateFlowLogs"), aws.recorder().toString());
    assertEquals(2, aws.recorder().count("DescribeFlowLogs"),
        "one observation of every VPC before the batch and one to verify");
    vpcs.forEach(v -> assertEquals(1, flowLogs(aws, v).size(), v));
    assertTrue(planSet(remediator(aws), everyVpc).isEmpty(), "second plan is empty");
  }

  @Test
  void apply_createFlowLogsDenied_failsAtThatStepAndReportsIt(AwsEmulator aws) {
    String vpcId = vpc(ec2(aws), "10.1.0.0/16");
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    List<IamStatement> ready = new ArrayList<>(FlowLogBucket.statements(
        EnableVpcFlowLogsTest.settings(), AwsEmulator.ACCOUNT, "us-east-1"));
    ready.add(PolicyDocuments.denyInsecureTransport(BUCKET));
    s3(aws).putBucketPolicy(r -> r.bucket(BUCKET).policy(PolicyDocuments.write(ready)));
    Plan plan = remediator(aws).plan(EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket(BUCKET).build());
    assertEquals(List.of("CreateFlowLogs"), kinds(plan), "the bucket is ready: one VPC plan");
    aws.faults().failNth("CreateFlowLogs", 1, Fault.of("UnauthorizedOperation"));

    ApplyFailedException e = assertThrows(ApplyFailedException.class,
        () -> remediator(aws).apply(plan));

    assertTrue(e.getMessage().contains("CreateFlowLogs"), e.getMessage());
    assertTrue(e.getMessage().contains("UnauthorizedOperation"), e.getMessage());
    assertEquals(ApplyResult.Status.FAILED, e.result().status());
    assertTrue(flowLogs(aws, vpcId).isEmpty());
  }

  /** Adds an Unsuccessful entry to every CreateFlowLogs answer, as AWS reports per-VPC failures. */
  private static AwsScope scopeReporting(AwsEmulator aws, String vpcId, String code) {
    ExecutionInterceptor unsuccessful = new ExecutionInterceptor() {
      @Override
      public software.amazon.awssdk.core.SdkResponse modifyResponse(Context.ModifyResponse context,
          ExecutionAttributes a) {
        if (context.response() instanceof CreateFlowLogsResponse response) {
          return response.toBuilder().unsuccessful(UnsuccessfulItem.builder().resourceId(vpcId)
              .error(e -> e.code(code).message(code + " (test)")).build()).build();
        }
        return context.response();
      }
    };
    return aws.scopeBuilder(AwsEmulator.REGION).addInterceptor(unsuccessful).build();
  }

  @Test
  void apply_unsuccessfulAlreadyExists_countsAsDone(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    List<String> vpcs = List.of(vpc(ec2, "10.1.0.0/16"), vpc(ec2, "10.2.0.0/16"));
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    try (AwsScope scope = scopeReporting(aws, vpcs.get(0), "FlowLogAlreadyExists")) {
      Remediator remediator = Remediator.create(scope);
      PlanSetResult result = remediator.apply(planSet(remediator,
          EnableVpcFlowLogs.forVpcs(vpcs).toS3Bucket(BUCKET).build()));
      assertEquals(List.of(ApplyResult.Status.APPLIED, ApplyResult.Status.APPLIED,
          ApplyResult.Status.APPLIED), statuses(result), result.toText());
    }
  }

  @Test
  void apply_unsuccessfulForOneVpc_failsAtThatVpcsStepOnly(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    List<String> vpcs = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      vpcs.add(vpc(ec2, "10." + i + ".0.0/16"));
    }
    java.util.Collections.sort(vpcs);
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    try (AwsScope scope = scopeReporting(aws, vpcs.get(2), "InvalidParameter")) {
      Remediator remediator = Remediator.create(scope);
      PlanSet plans = planSet(remediator, EnableVpcFlowLogs.forEveryVpc().toS3Bucket(BUCKET)
          .build());
      aws.recorder().reset();

      PlanSetResult result = remediator.apply(plans);

      List<ApplyResult> failed = result.withStatus(ApplyResult.Status.FAILED);
      assertEquals(1, failed.size(), result.toText());
      assertEquals(vpcs.get(2), failed.get(0).plan().target().id());
      assertTrue(failed.get(0).detail().contains("InvalidParameter"), failed.get(0).detail());
      int every = ec2.describeVpcs().vpcs().size(); // ours and the region's default VPC
      assertEquals(1 + every - 1, result.withStatus(ApplyResult.Status.APPLIED).size(),
          result.toText());
      assertEquals(1, aws.recorder().count("CreateFlowLogs"), "one call for the batch");
    }
  }

  @Test
  void plan_optedOutVpc_isSkipped(AwsEmulator aws) {
    String vpcId = vpc(ec2(aws), "10.1.0.0/16");
    ec2(aws).createTags(r -> r.resources(vpcId).tags(t -> t.key("remediate:skip").value("yes")));
    Plan plan = remediator(aws).plan(EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket(BUCKET).build());
    assertTrue(plan.isEmpty());
    assertEquals(vpcId, plan.skipped().get(0).resource());
  }

  @Test
  void plan_unknownVpc_failsNamingIt(AwsEmulator aws) {
    RemediationException e = assertThrows(RemediationException.class, () -> remediator(aws)
        .plan(EnableVpcFlowLogs.forVpc("vpc-0123456789abcdef0").toS3Bucket(BUCKET).build()));
    assertTrue(e.getMessage().contains("vpc-0123456789abcdef0"));
  }

  @Test
  void apply_vpcCreatedAfterScan_isNotTouchedAndReportedNotReviewed(AwsEmulator aws) {
    String reviewed = vpc(ec2(aws), "10.1.0.0/16");
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    EnableVpcFlowLogs everyVpc = EnableVpcFlowLogs.forEveryVpc().toS3Bucket(BUCKET).build();
    PlanSet plans = planSet(remediator(aws), everyVpc);
    String created = vpc(ec2(aws), "10.2.0.0/16");

    PlanSetResult result = remediator(aws).apply(plans);

    assertFalse(result.hasProblems(), result.toText());
    assertEquals(1, flowLogs(aws, reviewed).size());
    assertTrue(flowLogs(aws, created).isEmpty(), "a VPC nobody reviewed is not touched");
    assertEquals(1, result.notReviewed().size(), result.notReviewed().toString());
    assertTrue(result.notReviewed().get(0).contains(created), result.notReviewed().toString());
    assertTrue(result.toText().contains("plan again"), result.toText());
    assertEquals(List.of("CreateFlowLogs"), kinds(planOf(planSet(remediator(aws), everyVpc),
        created)), "the next plan includes it");
  }

  @Test
  void apply_tagAddedToVpcBetweenPlanAndApply_nothingIsStale(AwsEmulator aws) {
    List<String> vpcs = List.of(vpc(ec2(aws), "10.1.0.0/16"), vpc(ec2(aws), "10.2.0.0/16"));
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    PlanSet plans = planSet(remediator(aws), EnableVpcFlowLogs.forVpcs(vpcs).toS3Bucket(BUCKET)
        .build());
    ec2(aws).createTags(r -> r.resources(vpcs.get(0)).tags(t -> t.key("team").value("net")));

    PlanSetResult result = remediator(aws).apply(plans);

    assertEquals(List.of(ApplyResult.Status.APPLIED, ApplyResult.Status.APPLIED,
        ApplyResult.Status.APPLIED), statuses(result), result.toText());
    vpcs.forEach(v -> assertEquals(1, flowLogs(aws, v).size(), v));
  }

  @Test
  void planSet_bucketReadyButForTls_plansTheTlsStatementAsItsOwnStep(AwsEmulator aws) {
    String vpcId = vpc(ec2(aws), "10.1.0.0/16");
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    s3(aws).putBucketPolicy(r -> r.bucket(BUCKET).policy(PolicyDocuments.write(
        FlowLogBucket.statements(settings(), AwsEmulator.ACCOUNT, "us-east-1"))));
    Remediator remediator = remediator(aws);

    PlanSet plans = planSet(remediator, EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket(BUCKET)
        .build());

    Plan bucket = planOf(plans, BUCKET);
    assertEquals(List.of("PutBucketPolicy"), kinds(bucket), plans.toText());
    Step deny = bucket.steps().get(0);
    assertEquals(PolicyDocuments.write(List.of(PolicyDocuments.denyInsecureTransport(BUCKET))),
        deny.after().orElseThrow(), "before and after are that statement alone");
    assertFalse(remediator.apply(plans).hasProblems());
    IamPolicy policy = IamPolicy.fromJson(s3(aws).getBucketPolicy(r -> r.bucket(BUCKET)).policy());
    assertEquals(3, policy.statements().size(), policy.toJson());
    assertTrue(PolicyDocuments.deniesInsecureTransport(policy.toJson(), BUCKET));
  }

  @Test
  void apply_bucketSharedWithATrail_statementWrittenSincePlanIsKept(AwsEmulator aws) {
    String vpcId = vpc(ec2(aws), "10.1.0.0/16");
    s3(aws).createBucket(r -> r.bucket(BUCKET));
    s3(aws).putBucketPolicy(r -> r.bucket(BUCKET).policy(OTHERS));
    Remediator remediator = remediator(aws);
    PlanSet plans = planSet(remediator, EnableVpcFlowLogs.forVpc(vpcId).toS3Bucket(BUCKET)
        .build());
    // the trail's plan of the same apply writes its statement to the shared bucket first
    String trail = OTHERS.replace("]}", ",{\"Sid\":\"AWSCloudTrailWrite\",\"Effect\":\"Allow\","
        + "\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},\"Action\":\"s3:PutObject\","
        + "\"Resource\":\"arn:aws:s3:::flow-log-bucket/AWSLogs/*\"}]}");
    s3(aws).putBucketPolicy(r -> r.bucket(BUCKET).policy(trail));

    PlanSetResult result = remediator.apply(plans);

    assertEquals(List.of(ApplyResult.Status.APPLIED, ApplyResult.Status.APPLIED),
        statuses(result), result.toText());
    List<String> sids = IamPolicy.fromJson(s3(aws).getBucketPolicy(r -> r.bucket(BUCKET))
        .policy()).statements().stream().map(IamStatement::sid).toList();
    assertEquals(List.of("Theirs", "AWSCloudTrailWrite", "RemediateFlowLogsWriteUsEast1",
        "RemediateFlowLogsAclCheckUsEast1", PolicyDocuments.DENY_INSECURE_TRANSPORT_SID), sids,
        "merged into the policy the bucket has when each step runs");
  }

  @Test
  void fromSpec_typoInBooleanOrNumber_isRefusedNamingParameterAndValue() {
    RemediationCatalog catalog = RemediationCatalog.load();
    Map<String, String> base = Map.of("vpcs", "*", "s3Bucket", BUCKET);
    for (Map.Entry<String, String> typo : Map.of("createBucket", "ture", "replaceExisting", "yes",
        "maxAggregationInterval", "6o", "part", "flowlogs").entrySet()) {
      Map<String, String> parameters = new java.util.HashMap<>(base);
      parameters.put(typo.getKey(), typo.getValue());
      InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
          () -> catalog.fromSpec(dev.remediate.core.plan.RemediationSpec.of(EnableVpcFlowLogs.ID,
              parameters)));
      assertTrue(e.getMessage().contains(typo.getKey()) && e.getMessage().contains(typo.getValue()),
          e.getMessage());
    }
  }

  @Test
  void fromSpec_everyOption_rebuildsAnEqualRemediation() {
    RemediationCatalog catalog = RemediationCatalog.load();
    List<Remediation> all = List.of(
        EnableVpcFlowLogs.forVpc("vpc-0123456789abcdef0").toS3Bucket(BUCKET).build(),
        EnableVpcFlowLogs.forVpcs(List.of("vpc-0123456789abcdef0", "vpc-00000000"))
            .toS3Bucket(BUCKET, "p").createBucketIfMissing().trafficType(
                EnableVpcFlowLogs.TrafficType.REJECT).maxAggregationInterval(60)
            .logFormat("${version} ${srcaddr}").replaceExisting().build(),
        EnableVpcFlowLogs.forEveryVpc().toLogGroup("/g").createDeliveryRole("r")
            .retentionDays(30).logGroupKmsKey("arn:aws:kms:us-east-1:123456789012:key/abc").build(),
        EnableVpcFlowLogs.forEveryVpc().toLogGroup("/g")
            .deliveryRole("arn:aws:iam::123456789012:role/x").build(),
        EnableVpcFlowLogs.forDestinationOnly().toS3Bucket(BUCKET, "p").createBucketIfMissing()
            .build(),
        EnableVpcFlowLogs.forDestinationOnly().toLogGroup("/g").retentionDays(30).build());
    for (Remediation r : all) {
      assertEquals(r, catalog.fromSpec(r.spec()), r.toString());
      assertEquals(r.hashCode(), catalog.fromSpec(r.spec()).hashCode());
    }
  }

  @Test
  void forRegion_settings_buildEveryVpcRemediationOrNothing() {
    EnableVpcFlowLogs.Type type = new EnableVpcFlowLogs.Type();
    assertTrue(type.forRegion(Map.of()).isEmpty());
    assertEquals(EnableVpcFlowLogs.forEveryVpc().toS3Bucket(BUCKET, "vpc")
            .trafficType(EnableVpcFlowLogs.TrafficType.REJECT).build(),
        type.forRegion(Map.of("flowLogs.s3Bucket", BUCKET, "flowLogs.prefix", "vpc",
            "flowLogs.trafficType", "reject")).orElseThrow());
    assertEquals(EnableVpcFlowLogs.forEveryVpc().toLogGroup("/vpc").build(),
        type.forRegion(Map.of("flowLogs.logGroup", "/vpc")).orElseThrow());
    assertEquals(EnableVpcFlowLogs.forEveryVpc().toS3Bucket(BUCKET).createBucketIfMissing()
            .replaceExisting().build(),
        type.forRegion(Map.of("flowLogs.s3Bucket", BUCKET, "flowLogs.createBucket", "true",
            "flowLogs.replaceExisting", "true")).orElseThrow());
    assertEquals(EnableVpcFlowLogs.forEveryVpc().toS3Bucket(BUCKET).build(),
        type.forRegion(Map.of("flowLogs.s3Bucket", BUCKET, "flowLogs.createBucket", "false"))
            .orElseThrow());
    assertTrue(type.settings().stream().anyMatch(st -> st.key().equals("flowLogs.createBucket")
        && st.kind() == dev.remediate.core.Setting.Kind.BOOLEAN), type.settings().toString());
    assertBad("ture", () -> type.forRegion(Map.of("flowLogs.s3Bucket", BUCKET,
        "flowLogs.createBucket", "ture")));
    assertBad("flowLogs.createBucket", () -> type.forRegion(Map.of("flowLogs.logGroup", "/vpc",
        "flowLogs.createBucket", "true")));
  }

  @Test
  void build_unsortedVpcsToALogGroupWithoutRole_sortsTheVpcsAndNamesTheDefaultRole() {
    EnableVpcFlowLogs r = EnableVpcFlowLogs.forVpcs(List.of("vpc-0123456789abcdef0",
        "vpc-00000000")).toLogGroup("/g").build();

    assertEquals(Map.of("vpcs", "vpc-00000000,vpc-0123456789abcdef0", "logGroup", "/g",
        "deliveryRoleName", EnableVpcFlowLogs.DEFAULT_ROLE_NAME, "trafficType", "ALL"),
        r.spec().parameters());
    assertEquals(r, RemediationCatalog.load().fromSpec(r.spec()));
  }

  @Test
  void build_badValues_failNamingTheValue() {
    assertBad("vpc-xyz", () -> EnableVpcFlowLogs.forVpc("vpc-xyz").toS3Bucket(BUCKET).build());
    assertBad("destination", () -> EnableVpcFlowLogs.forEveryVpc().build());
    assertBad("destination", () -> EnableVpcFlowLogs.forEveryVpc().toS3Bucket(BUCKET)
        .toLogGroup("/g").build());
    assertBad("Bad_Bucket", () -> EnableVpcFlowLogs.forEveryVpc().toS3Bucket("Bad_Bucket").build());
    assertBad("/p/", () -> EnableVpcFlowLogs.forEveryVpc().toS3Bucket(BUCKET, "/p/").build());
    assertBad("45", () -> EnableVpcFlowLogs.forEveryVpc().toS3Bucket(BUCKET)
        .maxAggregationInterval(45).build());
    assertBad("17", () -> EnableVpcFlowLogs.forEveryVpc().toLogGroup("/g").retentionDays(17)
        .build());
    assertBad("arn:aws:s3:::x", () -> EnableVpcFlowLogs.forEveryVpc().toLogGroup("/g")
        .deliveryRole("arn:aws:s3:::x").build());
    assertBad("retentionDays", () -> EnableVpcFlowLogs.forEveryVpc().toS3Bucket(BUCKET)
        .retentionDays(30).build());
  }

  private static void assertBad(String named, org.junit.jupiter.api.function.Executable build) {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class, build);
    assertTrue(e.getMessage().contains(named), e.getMessage());
  }
}
