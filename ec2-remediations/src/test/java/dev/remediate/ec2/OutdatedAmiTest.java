package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.ApplyResult.Status;
import dev.remediate.core.Guardrails;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * {@link OutdatedAmi} on the emulator, standalone instances: an instance launched from Amazon
 * Linux 2 {@value #OLD} (superseded by {@value #NEW}, which AWS's public SSM parameter names) is
 * replaced; the original is left stopped with its volumes; a fault at each call converges on
 * re-apply with one replacement only.
 */
@ExtendWith(AwsEmulatorExtension.class)
class OutdatedAmiTest {
  static final String OLD = "ami-04681a1dbd79675a5";
  static final String NEW = "ami-02b9a589195146a8f";
  private AwsEmulator aws;
  private Ec2Client ec2;
  private String instanceId;
  private String subnet;
  private String group;
  private String profileArn;
  private String allocation;

  @BeforeEach
  void instance(AwsEmulator aws) {
    this.aws = aws;
    ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.1.0.0/16")).vpc().vpcId();
    subnet = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.1.1.0/24")
        .availabilityZone("us-east-1a")).subnet().subnetId();
    group = ec2.createSecurityGroup(r -> r.groupName("app").description("app").vpcId(vpc))
        .groupId();
    IamClient iam = aws.client(IamClient.class, IamClient::builder);
    iam.createRole(r -> r.roleName("app").assumeRolePolicyDocument("{}"));
    profileArn = iam.createInstanceProfile(r -> r.instanceProfileName("app")).instanceProfile()
        .arn();
    iam.addRoleToInstanceProfile(r -> r.instanceProfileName("app").roleName("app"));
    ec2.createKeyPair(r -> r.keyName("ops"));
    instanceId = ec2.runInstances(r -> r.imageId(OLD).minCount(1).maxCount(1)
        .instanceType("t3.micro").subnetId(subnet).privateIpAddress("10.1.1.10")
        .securityGroupIds(group).iamInstanceProfile(p -> p.name("app")).keyName("ops")
        .userData("ZWNobyBoaQ==")
        .metadataOptions(m -> m.httpTokens("required").httpPutResponseHopLimit(2))
        .blockDeviceMappings(b -> b.deviceName("/dev/xvda").ebs(e -> e.volumeSize(20)
                .volumeType("gp3").encrypted(true).deleteOnTermination(true)),
            b -> b.deviceName("/dev/sdf").ebs(e -> e.volumeSize(5).volumeType("gp2")
                .deleteOnTermination(false)))
        .tagSpecifications(t -> t.resourceType("instance").tags(
            x -> x.key("Name").value("web"), x -> x.key("env").value("prod"))))
        .instances().get(0).instanceId();
    allocation = ec2.allocateAddress(r -> r.domain("vpc")).allocationId();
    ec2.associateAddress(r -> r.allocationId(allocation).instanceId(instanceId));
  }

  private static Remediator remediator(AwsEmulator aws, Flag... consent) {
    Guardrails.Builder g = Guardrails.custom();
    for (Flag f : consent) {
      g.consentTo(f);
    }
    return Remediator.builder().scope(aws.scope()).guardrails(g.build()).build();
  }

  private PlanSet planSaved(OutdatedAmi remediation) {
    return PlanSet.fromJson(remediator(aws).planSet(List.of(remediation)).toJson());
  }

  private Instance described(String id) {
    return ec2.describeInstances(r -> r.instanceIds(id)).reservations().get(0).instances()
        .get(0);
  }

  private List<Instance> replacements() {
    return ec2.describeInstances(r -> r.filters(f -> f.name("tag:" + AmiObserver.REPLACES)
            .values(instanceId))).reservations().stream().flatMap(x -> x.instances().stream())
        .toList();
  }

  private static ApplyResult only(PlanSetResult result) {
    assertEquals(1, result.results().size(), result.toString());
    return result.results().get(0);
  }

  @Test
  void scan_listsTheInstance_withTheNewerImage_whichTheSsmPublicParameterNames() {
    String latest = aws.client(SsmClient.class, SsmClient::builder).getParameter(r -> r.name(
        "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2")).parameter().value();
    aws.recorder().reset();
    PlanSet plans = remediator(aws).planSet(List.of(OutdatedAmi.forEveryInstance().build()));

    assertEquals(1, plans.withChanges().size(), plans.toText());
    Plan plan = plans.withChanges().get(0);
    assertEquals(instanceId, plan.target().id());
    assertEquals(NEW, latest);
    assertTrue(plan.warnings().get(0).contains(OLD) && plan.warnings().get(0).contains(latest),
        plan.warnings().toString());
    assertEquals(List.of("CreateImage", "RunInstances", "DescribeInstanceStatus",
        "AssociateAddress", "StopInstances"), plan.steps().stream().map(Step::kind).toList());
    assertTrue(OutdatedAmi.IAM_ACTIONS.containsAll(plan.iamActions()), plan.iamActions()
        .toString());
    assertTrue(plan.iamActions().contains("iam:PassRole"), plan.iamActions().toString());
    assertEquals(Map.of("Ec2.DescribeInstances", 1, "Ec2.DescribeImages", 3,
        "Ec2.DescribeVolumes", 1, "Ec2.DescribeAddresses", 1, "Ec2.DescribeInstanceAttribute", 1), aws.recorder().counts(),
        aws.recorder().toString());
    assertEquals(RemediationCatalog.load().fromSpec(plan.remediation()),
        OutdatedAmi.forInstance(instanceId).build());
    assertEquals(0, aws.recorder().count("RunInstances"));
  }

  @Test
  void apply_replacesTheInstance_leavesTheOldOneStoppedWithItsVolumes() {
    PlanSet plans = planSaved(OutdatedAmi.forEveryInstance().build());
    aws.recorder().reset();
    ApplyResult result = only(remediator(aws, Flag.DOWNTIME).apply(plans));
    assertEquals(Status.APPLIED, result.status(), result.detail());
    assertEquals(1, aws.recorder().count("RunInstances"));
    assertEquals(1, aws.recorder().count("CreateImage"));
    assertEquals(1, aws.recorder().count("StopInstances"));
    assertEquals(0, aws.recorder().count("TerminateInstances"));
    assertReplaced();

    aws.recorder().reset();
    assertTrue(remediator(aws).planSet(List.of(OutdatedAmi.forEveryInstance().build()))
        .withChanges().isEmpty());
    assertTrue(aws.recorder().total() <= 3, aws.recorder().toString());
  }

  /**
   * The data volumes of the replacement are made from the backup image's snapshots. AWS's
   * CreateImage snapshots every attached EBS volume; the emulator's snapshots only the root (and
   * its RegisterImage ignores the mappings given), so an interceptor answers DescribeImages for
   * the backup as AWS does, and the RunInstances request the library sends is checked.
   */
  @Test
  void replacementDataVolumes_areMadeFromTheBackupImagesSnapshots() {
    String dataSnapshot = ec2.createSnapshot(r -> r.volumeId(described(instanceId)
        .blockDeviceMappings().stream().filter(m -> m.deviceName().equals("/dev/sdf"))
        .findFirst().orElseThrow().ebs().volumeId())).snapshotId();
    List<software.amazon.awssdk.services.ec2.model.RunInstancesRequest> launched =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    software.amazon.awssdk.core.interceptor.ExecutionInterceptor awsLikeBackups =
        new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
              software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            if (context.request()
                instanceof software.amazon.awssdk.services.ec2.model.RunInstancesRequest run) {
              launched.add(run);
            }
          }

          @Override
          public software.amazon.awssdk.core.SdkResponse modifyResponse(
              software.amazon.awssdk.core.interceptor.Context.ModifyResponse context,
              software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            if (!(context.response()
                instanceof software.amazon.awssdk.services.ec2.model.DescribeImagesResponse r)) {
              return context.response();
            }
            return r.toBuilder().images(r.images().stream().map(image -> tags(image.tags())
                .containsKey(AmiObserver.BACKUP_OF) ? image.toBuilder().blockDeviceMappings(
                    java.util.stream.Stream.concat(image.blockDeviceMappings().stream(),
                        java.util.stream.Stream.of(software.amazon.awssdk.services.ec2.model
                            .BlockDeviceMapping.builder().deviceName("/dev/sdf")
                            .ebs(e -> e.snapshotId(dataSnapshot).volumeSize(5)).build()))
                        .toList()).build() : image).toList()).build();
          }
        };
    try (dev.remediate.core.aws.AwsScope scope = aws.scopeBuilder(
        software.amazon.awssdk.regions.Region.US_EAST_1).addInterceptor(awsLikeBackups).build()) {
      Remediator remediator = Remediator.builder().scope(scope)
          .guardrails(Guardrails.custom().consentTo(Flag.DOWNTIME).build()).build();
      PlanSet plans = PlanSet.fromJson(remediator.planSet(List.of(OutdatedAmi.forEveryInstance()
          .build())).toJson());
      assertTrue(plans.withChanges().get(0).warnings().stream()
          .anyMatch(w -> w.contains("made from the backup image's snapshots")), plans.toText());

      ApplyResult result = only(remediator.apply(plans));

      assertEquals(Status.APPLIED, result.status(), result.detail());
      assertEquals(1, launched.size());
      Map<String, software.amazon.awssdk.services.ec2.model.EbsBlockDevice> ebs = launched.get(0)
          .blockDeviceMappings().stream().collect(Collectors.toMap(m -> m.deviceName(),
              m -> m.ebs()));
      assertEquals(dataSnapshot, ebs.get("/dev/sdf").snapshotId(),
          "the data volume is made from the backup's snapshot");
      assertEquals(5, ebs.get("/dev/sdf").volumeSize());
      assertEquals(null, ebs.get("/dev/xvda").snapshotId(), "the root comes from the newer image");
    }
  }

  private static Map<String, String> tags(
      List<software.amazon.awssdk.services.ec2.model.Tag> tags) {
    return NetworkSupport.tags(tags);
  }

  private void assertReplaced() {
    Instance old = described(instanceId);
    assertEquals("stopped", old.state().nameAsString());
    assertEquals(2, old.blockDeviceMappings().size(), "the old instance keeps its volumes");
    List<Instance> replacements = replacements();
    assertEquals(1, replacements.size(), "exactly one replacement");
    Instance r = described(replacements.get(0).instanceId());
    assertEquals(r.instanceId(), tags(old).get(AmiObserver.REPLACED_BY));
    assertEquals("running", r.state().nameAsString());
    assertEquals(NEW, r.imageId());
    assertEquals(subnet, r.subnetId());
    assertEquals(List.of(group), r.securityGroups().stream().map(g -> g.groupId()).toList());
    assertEquals(profileArn, r.iamInstanceProfile().arn());
    assertEquals("ops", r.keyName());
    assertEquals("t3.micro", r.instanceTypeAsString());
    assertEquals(Map.of("Name", "web", "env", "prod", AmiObserver.REPLACES, instanceId),
        tags(r));
    assertEquals("required", r.metadataOptions().httpTokensAsString());
    assertEquals(2, r.metadataOptions().httpPutResponseHopLimit());
    assertEquals("ZWNobyBoaQ==", ec2.describeInstanceAttribute(x -> x.instanceId(r.instanceId())
        .attribute("userData")).userData().value());
    Map<String, Volume> volumes = ec2.describeVolumes(x -> x.filters(f -> f
            .name("attachment.instance-id").values(r.instanceId()))).volumes().stream()
        .collect(Collectors.toMap(v -> v.attachments().get(0).device(), v -> v));
    assertEquals(20, volumes.get("/dev/xvda").size());
    assertEquals("gp3", volumes.get("/dev/xvda").volumeTypeAsString());
    assertTrue(volumes.get("/dev/xvda").encrypted());
    assertEquals(5, volumes.get("/dev/sdf").size());
    assertFalse(volumes.get("/dev/sdf").encrypted());
    assertEquals(r.instanceId(), ec2.describeAddresses(x -> x.allocationIds(allocation))
        .addresses().get(0).instanceId());
    assertEquals(1, ec2.describeImages(x -> x.owners("self").filters(f -> f.name("tag:"
        + AmiObserver.BACKUP_OF).values(instanceId))).images().size());
  }

  private static Map<String, String> tags(Instance i) {
    return NetworkSupport.tags(i.tags());
  }

  @ParameterizedTest
  @ValueSource(strings = {"CreateImage", "RunInstances", "DescribeInstanceStatus",
      "AssociateAddress", "CreateTags", "StopInstances"})
  void faultAtEachCall_failsThatApply_andTheSamePlanConvergesOnReApply(String call) {
    PlanSet plans = planSaved(OutdatedAmi.forEveryInstance().build());
    aws.faults().reset(); // counts calls from here: the fixture made some of them already
    aws.faults().failNth(call, 1, Fault.of("UnauthorizedOperation"));
    ApplyResult failed = only(remediator(aws, Flag.DOWNTIME).apply(plans));
    aws.faults().reset();
    assertEquals(Status.FAILED, failed.status(), failed.detail());
    assertTrue(replacements().size() <= 1);
    assertEquals("running", described(instanceId).state().nameAsString(), failed.detail());

    ApplyResult again = only(remediator(aws, Flag.DOWNTIME).apply(plans));
    assertEquals(Status.APPLIED, again.status(), again.detail());
    assertReplaced();
  }

  @Test
  void terminateReplaced_withDestructiveConsent_terminatesTheOriginalAfterTheReplacement() {
    PlanSet plans = planSaved(OutdatedAmi.forInstance(instanceId).terminateReplaced(true)
        .build());
    Plan plan = plans.withChanges().get(0);
    Step last = plan.steps().get(plan.steps().size() - 1);
    assertEquals("TerminateInstances", last.kind());
    assertTrue(last.flags().contains(Flag.DESTRUCTIVE));

    ApplyResult refused = only(remediator(aws, Flag.DOWNTIME).apply(plans));
    assertTrue(refused.status() != Status.APPLIED, refused.toString());
    assertEquals("running", described(instanceId).state().nameAsString());

    ApplyResult result = only(remediator(aws, Flag.DOWNTIME, Flag.DESTRUCTIVE).apply(plans));
    assertEquals(Status.APPLIED, result.status(), result.detail());
    assertEquals("terminated", described(instanceId).state().nameAsString());
    assertEquals(NEW, replacements().get(0).imageId());
  }

  @Test
  void rebootForImage_flagsTheBackupWithDowntime_andStrictSpecParsing() {
    Plan plan = planSaved(OutdatedAmi.forInstance(instanceId).rebootForImage(true).build())
        .withChanges().get(0);
    Step backup = plan.steps().get(0);
    assertEquals("false", backup.parameter("noReboot"));
    assertTrue(backup.flags().contains(Flag.DOWNTIME));

    OutdatedAmi.Type type = new OutdatedAmi.Type();
    Map<String, String> p = new java.util.HashMap<>(plan.remediation().parameters());
    p.put("terminateReplaced", "ture");
    RemediationException e = assertThrows(RemediationException.class,
        () -> type.fromSpec(RemediationSpec.of(OutdatedAmi.ID, p)));
    assertTrue(e.getMessage().contains("terminateReplaced") && e.getMessage().contains("ture"),
        e.getMessage());
    p.put("terminateReplaced", "false");
    p.put("maxAgeDays", "9o");
    assertThrows(RemediationException.class,
        () -> type.fromSpec(RemediationSpec.of(OutdatedAmi.ID, p)));
    assertThrows(RemediationException.class,
        () -> type.forRegion(Map.of("amis.rebootForImage", "yes")));
  }
}
