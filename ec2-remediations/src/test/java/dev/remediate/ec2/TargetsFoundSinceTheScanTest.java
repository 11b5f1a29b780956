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
    assertEquals(List.of(RestrictDefaultSecurityGroup.forAllVpcs().spec()), plans.scanned());
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
  void apply_reviewedVpcDeletedSinceTheScan_observedOnItsOwnTheOthersApplied() {
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
    assertEquals(3, aws.recorder().count("DescribeSecurityGroups"),
        "as scanned, the missing target on its own, the verification: " + aws.recorder());
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

  private String launch() {
    return ec2.runInstances(r -> r.imageId("ami-12345678").minCount(1).maxCount(1)
        .instanceType("t3.micro")).instances().get(0).instanceId();
  }

  private List<String> alarms() {
    return aws.client(CloudWatchClient.class, CloudWatchClient::builder)
        .describeAlarms(r -> r.alarmNamePrefix(EnableCpuAlarm.ALARM_PREFIX)).metricAlarms()
        .stream().map(a -> a.alarmName()).sorted().toList();
  }
}
