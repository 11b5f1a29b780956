package dev.remediate.ec2;

import static dev.remediate.ec2.EnableCpuAlarmTest.statuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.ApplyResult.Status;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediation;
import dev.remediate.core.Remediator;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The staleness rule's last case, on the emulator, for remediations that observe chosen targets
 * when applying: non-compliance on a target created after the scan (a VPC, an instance) is
 * reported as not reviewed and left alone, because apply observes what the plan set records as
 * scanned ({@link PlanSet#scanned()}), not only the reviewed targets.
 */
@ExtendWith(AwsEmulatorExtension.class)
class TargetsFoundSinceTheScanTest {
  private AwsEmulator aws;
  private Ec2Client ec2;
  private Remediator remediator;

  @BeforeEach
  void setUp(AwsEmulator aws) {
    this.aws = aws;
    ec2 = RestrictSecurityGroupTest.ec2(aws);
    remediator = Remediator.create(aws.scope());
  }

  /** Plans, and returns the plan set as another process reads it from the file. */
  private PlanSet scan(Remediation remediation) {
    return PlanSet.fromJson(remediator.planSet(List.of(remediation)).toJson());
  }

  private String newVpcDefaultGroup() {
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.30.0.0/16")).vpc().vpcId();
    return ec2.describeSecurityGroups(r -> r.filters(
            NetworkSupport.filter("vpc-id", List.of(vpc)),
            NetworkSupport.filter("group-name", List.of("default"))))
        .securityGroups().get(0).groupId();
  }

  private String selfReferencingDefaultGroup() {
    String group = newVpcDefaultGroup();
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(group).ipPermissions(
        IpPermission.builder().ipProtocol("-1").userIdGroupPairs(p -> p.groupId(group)).build()));
    return group;
  }

  private int rulesOf(String group) {
    return ec2.describeSecurityGroupRules(r -> r.filters(NetworkSupport.filter("group-id",
        List.of(group)))).securityGroupRules().size();
  }

  @Test
  void apply_vpcCreatedAfterTheScan_itsDefaultGroupReportedNotReviewedAndLeftAlone() {
    String reviewed = selfReferencingDefaultGroup();
    PlanSet plans = scan(RestrictDefaultSecurityGroup.forAllVpcs());
    assertEquals(List.of(new PlanSet.Scanned(AwsEmulator.ACCOUNT, AwsEmulator.REGION.id(),
        RestrictDefaultSecurityGroup.forAllVpcs().spec())), plans.scanned());
    String created = newVpcDefaultGroup();
    int createdRules = rulesOf(created);
    assertTrue(createdRules > 0, "moto gives a new default group the allow-all egress rule");

    PlanSetResult result = remediator.apply(plans);

    assertFalse(result.hasProblems(), result.toText());
    assertEquals(Status.APPLIED, statuses(result).get(reviewed), result.toText());
    assertEquals(0, rulesOf(reviewed));
    assertEquals(1, result.notReviewed().size(), result.notReviewed().toString());
    assertTrue(result.notReviewed().get(0).contains(created), result.notReviewed().toString());
    assertTrue(result.toText().contains("not reviewed: "), result.toText());
    assertEquals(createdRules, rulesOf(created), "nobody reviewed a change to it");
  }

  @Test
  void apply_groupOpenedAfterTheScan_reportedNotReviewedAndLeftAlone() {
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.40.0.0/16")).vpc().vpcId();
    String reviewed = RestrictSecurityGroupTest.group(ec2, vpc, "reviewed");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(reviewed).ipPermissions(
        RestrictSecurityGroupTest.tcp(22, 22, "0.0.0.0/0")));
    PlanSet plans = scan(RestrictSecurityGroup.forEveryGroup().ports(22).build());
    String opened = RestrictSecurityGroupTest.group(ec2, vpc, "opened");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(opened).ipPermissions(
        RestrictSecurityGroupTest.tcp(22, 22, "0.0.0.0/0")));

    PlanSetResult result = remediator.apply(plans);

    assertFalse(result.hasProblems(), result.toText());
    assertEquals(Map.of(reviewed, Status.APPLIED), statuses(result));
    assertEquals(1, result.notReviewed().size(), result.notReviewed().toString());
    assertTrue(result.notReviewed().get(0).contains(opened), result.notReviewed().toString());
    assertEquals(java.util.Set.of("tcp 22 from 0.0.0.0/0"),
        RestrictSecurityGroupTest.ingress(aws, opened), "nobody reviewed a change to it");
  }

  @Test
  void apply_aFormScannedInAnotherRegion_isNotUsedHere() {
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.60.0.0/16")).vpc().vpcId();
    String group = RestrictSecurityGroupTest.group(ec2, vpc, "ssh");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(group).ipPermissions(
        RestrictSecurityGroupTest.tcp(22, 22, "0.0.0.0/0"), RestrictSecurityGroupTest.tcp(3389,
            3389, "0.0.0.0/0")));
    PlanSet here = scan(RestrictSecurityGroup.forEveryGroup().ports(22).build());
    // a file scanned elsewhere with other ports, applied together with this one
    PlanSet both = PlanSet.fromJson(here.and(PlanSet.of().withScanned(List.of(
        new PlanSet.Scanned(AwsEmulator.ACCOUNT, "us-west-2",
            RestrictSecurityGroup.forEveryGroup().ports(3389).build().spec())))).toJson());

    aws.recorder().reset();
    PlanSetResult result = remediator.apply(both);

    assertEquals(Map.of(group, Status.APPLIED), statuses(result), result.toText());
    assertEquals(java.util.Set.of("tcp 3389 from 0.0.0.0/0"),
        RestrictSecurityGroupTest.ingress(aws, group), "port 22 revoked, 3389 never reviewed");
    assertEquals(List.of(), result.notReviewed(), "3389 was not scanned in this Region");
    assertEquals(2, aws.recorder().count("DescribeSecurityGroups"),
        "this Region's form and the verification: " + aws.recorder());
  }

  @Test
  void apply_twoScannedSelectionsNowMatchTheSameInstance_theReviewedPlanIsCompared() {
    String instance = launch();
    ec2.createTags(r -> r.resources(instance).tags(t -> t.key("env").value("prod")));
    Remediation prod = EnableCpuAlarm.forEveryInstance().snsTopic("ops-alarms").threshold("95")
        .tag("env", "prod").build();
    Remediation team = EnableCpuAlarm.forEveryInstance().snsTopic("ops-alarms").threshold("80")
        .tag("team", "db").build();
    PlanSet plans = PlanSet.fromJson(remediator.planSet(List.of(prod, team)).toJson());
    assertEquals(2, plans.scanned().size());
    ec2.createTags(r -> r.resources(instance).tags(t -> t.key("team").value("db")));

    for (int run = 0; run < 5; run++) { // the two observations finish in either order
      PlanSetResult result = Remediator.builder().scope(aws.scope())
          .guardrails(dev.remediate.core.Guardrails.custom().dryRun(true).build()).build()
          .apply(plans);
      assertEquals(Map.of(instance, Status.DRY_RUN), statuses(result), result.toText());
    }
    PlanSetResult result = remediator.apply(plans);
    assertEquals(Map.of(instance, Status.APPLIED), statuses(result), result.toText());
    assertEquals(95.0, aws.client(CloudWatchClient.class, CloudWatchClient::builder)
        .describeAlarms(r -> r.alarmNames(EnableCpuAlarm.alarmName(instance))).metricAlarms()
        .get(0).threshold(), "the reviewed threshold");
  }

  @Test
  void apply_invalidScannedForm_refusedBeforeAnyCall() {
    selfReferencingDefaultGroup();
    String json = scan(RestrictSecurityGroup.forEveryGroup().ports(22).build()).toJson()
        .replace("\"ports\" : \"22\"", "\"ports\" : \"abc\"");
    assertTrue(json.contains("abc"), json);
    PlanSet plans = PlanSet.fromJson(json);

    aws.recorder().reset();
    dev.remediate.core.InvalidRemediationException e = org.junit.jupiter.api.Assertions
        .assertThrows(dev.remediate.core.InvalidRemediationException.class,
            () -> remediator.apply(plans));

    assertTrue(e.getMessage().contains("scanned") && e.getMessage().contains("abc"),
        e.getMessage());
    assertEquals(0, aws.recorder().total(), aws.recorder().toString());
  }

  @Test
  void apply_someOfTheScannedTargetsChosen_theOthersAreNotReportedAsNew() {
    String chosen = selfReferencingDefaultGroup();
    String other = selfReferencingDefaultGroup();
    PlanSet plans = scan(RestrictDefaultSecurityGroup.forAllVpcs());

    PlanSet subset = plans.forTargets(List.of(chosen));
    assertEquals(List.of(), subset.scanned(), "a subset no longer covers the whole scan");
    PlanSetResult result = remediator.apply(subset);

    assertFalse(result.hasProblems(), result.toText());
    assertEquals(Map.of(chosen, Status.APPLIED), statuses(result));
    assertEquals(List.of(), result.notReviewed(), "the others were reviewed, then left out");
    assertEquals(0, rulesOf(chosen));
    assertTrue(rulesOf(other) > 0);
  }

  @Test
  void apply_instanceLaunchedAfterTheScan_reportedNotReviewedWithoutAnAlarm() {
    String reviewed = launch();
    Remediation everyInstance = EnableCpuAlarm.forEveryInstance().snsTopic("ops-alarms").build();
    PlanSet plans = scan(everyInstance);
    String launched = launch();

    aws.recorder().reset();
    PlanSetResult result = remediator.apply(plans);

    assertFalse(result.hasProblems(), result.toText());
    assertEquals(Map.of(reviewed, Status.APPLIED), statuses(result));
    assertEquals(1, result.notReviewed().size(), result.notReviewed().toString());
    assertTrue(result.notReviewed().get(0).contains(launched), result.notReviewed().toString());
    assertEquals(List.of(EnableCpuAlarm.alarmName(reviewed)), alarms());
    assertEquals(2, aws.recorder().count("DescribeInstances"),
        "observed as scanned, verified: " + aws.recorder());
  }

  @Test
  void apply_reviewedInstanceStoppedSinceTheScan_alreadyDoneWithoutAnAlarm() {
    String kept = launch();
    String stopped = launch();
    PlanSet plans = scan(EnableCpuAlarm.forEveryInstance().snsTopic("ops-alarms").build());
    ec2.stopInstances(r -> r.instanceIds(stopped));

    aws.recorder().reset();
    PlanSetResult result = remediator.apply(plans);

    // the scan's form still finds it: a stopped instance gets no alarm (as at scan time)
    assertEquals(Map.of(kept, Status.APPLIED, stopped, Status.ALREADY_DONE), statuses(result),
        result.toText());
    assertEquals(List.of(), result.notReviewed());
    assertEquals(List.of(EnableCpuAlarm.alarmName(kept)), alarms());
    assertEquals(2, aws.recorder().count("DescribeInstances"), aws.recorder().toString());
  }

  @Test
  void apply_reviewedVpcDeletedSinceTheScan_staleWithoutReadingItAgainTheOthersApplied() {
    String kept = selfReferencingDefaultGroup();
    String gone = selfReferencingDefaultGroup();
    String goneVpc = ec2.describeSecurityGroups(r -> r.groupIds(gone)).securityGroups().get(0)
        .vpcId();
    PlanSet plans = scan(RestrictDefaultSecurityGroup.forAllVpcs());
    ec2.deleteVpc(r -> r.vpcId(goneVpc));

    aws.recorder().reset();
    PlanSetResult result = remediator.apply(plans);

    assertEquals(Status.APPLIED, statuses(result).get(kept), result.toText());
    ApplyResult goneResult = result.results().stream()
        .filter(r -> r.plan().target().id().equals(gone)).findFirst().orElseThrow();
    assertEquals(Status.STALE, goneResult.status());
    assertTrue(goneResult.detail().contains("no longer found"), goneResult.detail());
    assertEquals(2, aws.recorder().count("DescribeSecurityGroups"),
        "as scanned and the verification; every VPC was read, so the gone one is not read "
            + "again: " + aws.recorder());
  }

  @Test
  void apply_flowLogsOfADeletedVpc_staleWithoutObservingTheVpcsTwice() {
    aws.client(software.amazon.awssdk.services.s3.S3Client.class,
        software.amazon.awssdk.services.s3.S3Client::builder).createBucket(r -> r.bucket("flow-logs"));
    String kept = ec2.createVpc(r -> r.cidrBlock("10.50.0.0/16")).vpc().vpcId();
    String gone = ec2.createVpc(r -> r.cidrBlock("10.51.0.0/16")).vpc().vpcId();
    PlanSet plans = scan(EnableVpcFlowLogs.forEveryVpc().toS3Bucket("flow-logs").build());
    ec2.deleteVpc(r -> r.vpcId(gone));

    aws.recorder().reset();
    PlanSetResult result = remediator.apply(plans);

    assertEquals(Status.APPLIED, statuses(result).get(kept), result.toText());
    assertEquals(Status.STALE, statuses(result).get(gone), result.toText());
    assertEquals(2, aws.recorder().count("DescribeFlowLogs"),
        "every VPC once before the batch and once to verify, the gone one not again: "
            + aws.recorder());
  }

  @Test
  void apply_tagSelectingAReviewedInstanceRemovedSinceTheScan_stillAppliedAsReviewed() {
    String tagged = launch();
    ec2.createTags(r -> r.resources(tagged).tags(t -> t.key("env").value("prod")));
    launch();
    PlanSet plans = scan(EnableCpuAlarm.forEveryInstance().snsTopic("ops-alarms")
        .tag("env", "prod").build());
    assertEquals(1, plans.withChanges().size(), plans.toText());
    ec2.deleteTags(r -> r.resources(tagged).tags(t -> t.key("env")));

    PlanSetResult result = remediator.apply(plans);

    // the scan's form no longer finds it; observed on its own, its reviewed alarm is still due
    assertEquals(Map.of(tagged, Status.APPLIED), statuses(result), result.toText());
    assertEquals(List.of(), result.notReviewed(), "the untagged instance was never selected");
    assertEquals(List.of(EnableCpuAlarm.alarmName(tagged)), alarms());
  }

  @Test
  void apply_unencryptedVolumeCreatedAfterTheScan_reportedNotReviewedAndLeftAlone() {
    String key = aws.client(KmsClient.class, KmsClient::builder)
        .createKey(r -> r.description("ebs")).keyMetadata().arn();
    String reviewed = looseVolume();
    PlanSet plans = scan(new EncryptVolume.Type().forRegion(Map.of("encryption.kmsKey", key))
        .orElseThrow());
    String created = looseVolume();

    PlanSetResult result = remediator.apply(plans);

    assertFalse(result.hasProblems(), result.toText());
    assertEquals(Map.of(reviewed, Status.APPLIED), statuses(result));
    assertEquals(1, result.notReviewed().size(), result.notReviewed().toString());
    assertTrue(result.notReviewed().get(0).contains(created), result.notReviewed().toString());
    assertEquals(List.of(reviewed), ec2.describeVolumes(r -> r.filters(
            NetworkSupport.filter("encrypted", List.of("true"))))
        .volumes().stream().map(v -> NetworkSupport.tags(v.tags())
            .get(EncryptVolume.TAG_ORIGIN_VOLUME)).toList(),
        "one encrypted copy, of the reviewed volume only");
  }

  @Test
  void apply_outdatedInstanceLaunchedAfterTheScan_reportedNotReviewedAndLeftAlone() {
    String reviewed = launch(OutdatedAmiTest.OLD);
    PlanSet plans = scan(OutdatedAmi.forEveryInstance().build());
    assertEquals(List.of(reviewed), plans.withChanges().stream().map(p -> p.target().id())
        .toList(), plans.toText());
    String launched = launch(OutdatedAmiTest.OLD);

    PlanSetResult result = Remediator.builder().scope(aws.scope()).guardrails(
        dev.remediate.core.Guardrails.custom().consentTo(
            dev.remediate.core.plan.Flag.values()).build()).build().apply(plans);

    assertEquals(Status.APPLIED, statuses(result).get(reviewed), result.toText());
    assertEquals(1, result.notReviewed().size(), result.notReviewed().toString());
    assertTrue(result.notReviewed().get(0).contains(launched), result.notReviewed().toString());
    assertEquals("running", ec2.describeInstances(r -> r.instanceIds(launched)).reservations()
        .get(0).instances().get(0).state().nameAsString(), "nobody reviewed replacing it");
  }

  private String looseVolume() {
    return ec2.createVolume(r -> r.availabilityZone("us-east-1a").size(4)).volumeId();
  }

  private String launch(String image) {
    return ec2.runInstances(r -> r.imageId(image).minCount(1).maxCount(1)
        .instanceType("t3.micro")).instances().get(0).instanceId();
  }

  private String launch() {
    return launch("ami-12345678");
  }

  private List<String> alarms() {
    return aws.client(CloudWatchClient.class, CloudWatchClient::builder)
        .describeAlarms(r -> r.alarmNamePrefix(EnableCpuAlarm.ALARM_PREFIX)).metricAlarms()
        .stream().map(a -> a.alarmName()).sorted().toList();
  }
}
