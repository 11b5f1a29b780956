package dev.remediate.ec2;

import static dev.remediate.ec2.RestrictSecurityGroupTest.ingress;
import static dev.remediate.ec2.RestrictSecurityGroupTest.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyResult;
import dev.remediate.core.ApplyResult.Status;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediation;
import dev.remediate.core.Remediator;
import dev.remediate.core.StepOutcome;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

/**
 * Issue 10, item 1, on the emulator: an untidy account (a VPC whose default group has AWS's
 * self-referencing ingress rule and the allow-all egress rule; a group with SSH open to
 * {@code 0.0.0.0/0} and {@code ::/0}), planned by both security group remediations into one plan
 * set, saved as JSON, read back and applied, with the account changed in between in several ways.
 */
@ExtendWith(AwsEmulatorExtension.class)
class SecurityGroupPlanSetTest {
  private AwsEmulator aws;
  private Ec2Client ec2;
  private String vpcId;
  private String defaultGroup;
  private String sshGroup;
  private Remediator remediator;

  @BeforeEach
  void untidyAccount(AwsEmulator aws) {
    this.aws = aws;
    ec2 = RestrictSecurityGroupTest.ec2(aws);
    vpcId = ec2.createVpc(r -> r.cidrBlock("10.20.0.0/16")).vpc().vpcId();
    defaultGroup = ec2.describeSecurityGroups(r -> r.filters(
            NetworkSupport.filter("vpc-id", List.of(vpcId)),
            NetworkSupport.filter("group-name", List.of("default"))))
        .securityGroups().get(0).groupId();
    // AWS gives a new default group a self-referencing ingress rule; moto doesn't.
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(defaultGroup).ipPermissions(
        IpPermission.builder().ipProtocol("-1").userIdGroupPairs(p -> p.groupId(defaultGroup))
            .build()));
    sshGroup = RestrictSecurityGroupTest.group(ec2, vpcId, "ssh");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(sshGroup).ipPermissions(
        tcp(22, 22, "0.0.0.0/0", "::/0")));
    remediator = Remediator.create(aws.scope());
  }

  private static List<Remediation> both() {
    return List.of(RestrictDefaultSecurityGroup.forAllVpcs(),
        RestrictSecurityGroup.forEveryGroup().build());
  }

  /** Plans both remediations and returns the plan set as another process would read it. */
  private PlanSet scan() {
    PlanSet plans = remediator.planSet(both());
    PlanSet read = PlanSet.fromJson(plans.toJson());
    assertEquals(plans, read);
    return read;
  }

  private static Map<String, Status> statuses(PlanSetResult result) {
    return result.results().stream().filter(r -> r.status() != Status.NOTHING_TO_DO)
        .collect(Collectors.toMap(r -> r.plan().remediation().id() + " " + r.plan().target().id(),
            ApplyResult::status));
  }

  private Set<String> groupsWithChanges(PlanSet plans) {
    return plans.withChanges().stream().map(p -> p.remediation().id() + " " + p.target().id())
        .collect(Collectors.toSet());
  }

  private List<SecurityGroupRule> rules(String group) {
    return ec2.describeSecurityGroupRules(r -> r.filters(NetworkSupport.filter("group-id",
        List.of(group)))).securityGroupRules();
  }

  @Test
  void apply_untidyAccount_everyTargetAppliedAndTheNextScanIsEmpty() {
    PlanSet plans = scan();
    assertTrue(groupsWithChanges(plans).containsAll(Set.of(
        RestrictDefaultSecurityGroup.ID + " " + defaultGroup,
        RestrictSecurityGroup.ID + " " + sshGroup)), plans.toText());
    assertTrue(plans.plans().stream().allMatch(p -> p.target().type()
        .equals("AWS::EC2::SecurityGroup")), "one plan per security group");

    PlanSetResult result = remediator.apply(plans);

    assertFalse(result.hasProblems(), result.toText());
    assertEquals(groupsWithChanges(plans), statuses(result).keySet());
    assertTrue(statuses(result).values().stream().allMatch(s -> s == Status.APPLIED),
        result.toText());
    assertEquals(List.of(), rules(defaultGroup));
    assertEquals(Set.of(), ingress(aws, sshGroup));
    PlanSet again = remediator.planSet(both());
    assertTrue(again.isEmpty(), again.toText());
  }

  @Test
  void apply_unrelatedChangesSinceTheScan_stillAppliesEveryTarget() {
    PlanSet plans = scan();
    String harmless = RestrictSecurityGroupTest.group(ec2, vpcId, "harmless");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(harmless).ipPermissions(
        tcp(443, 443, "10.0.0.0/8")));
    ec2.createTags(r -> r.resources(vpcId).tags(t -> t.key("team").value("payments")));

    PlanSetResult result = remediator.apply(plans);

    assertFalse(result.hasProblems(), result.toText());
    assertTrue(statuses(result).values().stream().allMatch(s -> s == Status.APPLIED),
        result.toText());
    assertEquals(List.of(), result.notReviewed());
    assertEquals(Set.of("tcp 443 from 10.0.0.0/8"), ingress(aws, harmless));
    assertTrue(remediator.planSet(both()).isEmpty());
  }

  @Test
  void apply_offendingRuleReplacedByAWiderOne_onlyThatGroupIsStale() {
    PlanSet plans = scan();
    SecurityGroupRule v4 = rules(sshGroup).stream()
        .filter(r -> "0.0.0.0/0".equals(r.cidrIpv4()) && !r.isEgress()).findFirst().orElseThrow();
    ec2.revokeSecurityGroupIngress(r -> r.groupId(sshGroup)
        .securityGroupRuleIds(v4.securityGroupRuleId()));
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(sshGroup).ipPermissions(
        tcp(0, 65535, "0.0.0.0/0")));

    PlanSetResult result = remediator.apply(plans);

    Map<String, Status> statuses = statuses(result);
    assertEquals(Status.STALE, statuses.remove(RestrictSecurityGroup.ID + " " + sshGroup),
        result.toText());
    assertFalse(statuses.isEmpty());
    assertTrue(statuses.values().stream().allMatch(s -> s == Status.APPLIED), result.toText());
    assertEquals(Set.of("tcp 0-65535 from 0.0.0.0/0", "tcp 22 from ::/0"),
        ingress(aws, sshGroup), "nothing of the stale group changed");
    assertEquals(List.of(), rules(defaultGroup));
    String line = result.withStatus(Status.STALE).get(0).detail();
    assertTrue(line.contains("0-65535"), line);
  }

  @Test
  void apply_offendingRulesRevokedBySomeoneElse_alreadyDone() {
    PlanSet plans = scan();
    ec2.revokeSecurityGroupIngress(r -> r.groupId(sshGroup).securityGroupRuleIds(
        rules(sshGroup).stream().filter(x -> !x.isEgress())
            .map(SecurityGroupRule::securityGroupRuleId).toList()));
    aws.recorder().reset();

    PlanSetResult result = remediator.apply(plans);

    assertEquals(Status.ALREADY_DONE, statuses(result).get(RestrictSecurityGroup.ID + " "
        + sshGroup), result.toText());
    assertFalse(result.hasProblems(), result.toText());
    long otherGroupsRevokingIngress = plans.withChanges().stream()
        .filter(p -> !p.target().id().equals(sshGroup))
        .filter(p -> p.steps().stream().anyMatch(s -> s.kind().equals(RuleRevocation.INGRESS)))
        .count();
    assertEquals(otherGroupsRevokingIngress, aws.recorder().count("RevokeSecurityGroupIngress"),
        "nothing revoked in the group already done: " + aws.recorder());
    assertEquals(List.of(), rules(defaultGroup));
  }

  @Test
  void apply_oneOfTwoRulesRevokedBySomeoneElse_theOtherRevokedTheFirstReportedDone() {
    PlanSet plans = scan();
    String v6 = rules(sshGroup).stream().filter(r -> "::/0".equals(r.cidrIpv6())).findFirst()
        .orElseThrow().securityGroupRuleId();
    ec2.revokeSecurityGroupIngress(r -> r.groupId(sshGroup).securityGroupRuleIds(v6));

    PlanSetResult result = remediator.apply(plans);

    ApplyResult ssh = result.results().stream()
        .filter(r -> r.plan().target().id().equals(sshGroup)
            && r.plan().remediation().id().equals(RestrictSecurityGroup.ID))
        .findFirst().orElseThrow();
    assertEquals(Status.APPLIED, ssh.status(), result.toText());
    Map<String, StepOutcome.Status> byRule = ssh.outcomes().stream().collect(Collectors.toMap(
        o -> o.step().parameter("ruleId"), StepOutcome::status));
    assertEquals(StepOutcome.Status.ALREADY_DONE, byRule.get(v6), byRule.toString());
    assertEquals(Set.of(), ingress(aws, sshGroup));
  }

  @Test
  void apply_revokeFailsForOneGroupOfSeveral_theOthersAreApplied() {
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String group = RestrictSecurityGroupTest.group(ec2, vpcId, "open" + i);
      ec2.authorizeSecurityGroupIngress(r -> r.groupId(group).ipPermissions(
          tcp(3389, 3389, "0.0.0.0/0")));
      groups.add(group);
    }
    PlanSet plans = remediator.planSet(List.of(RestrictSecurityGroup.forEveryGroup().build()));
    assertEquals(6, plans.withChanges().size(), plans.toText());
    aws.faults().failNth("RevokeSecurityGroupIngress", 3, Fault.of("UnauthorizedOperation"));

    PlanSetResult result = remediator.apply(PlanSet.fromJson(plans.toJson()));

    List<ApplyResult> failed = result.withStatus(Status.FAILED);
    assertEquals(1, failed.size(), result.toText());
    assertTrue(failed.get(0).detail().contains("UnauthorizedOperation"), failed.get(0).detail());
    assertEquals(5, result.withStatus(Status.APPLIED).size(), result.toText());
    String failedGroup = failed.get(0).plan().target().id();
    List<String> all = new ArrayList<>(groups);
    all.add(sshGroup);
    for (String group : all) {
      assertEquals(group.equals(failedGroup), !ingress(aws, group).isEmpty(), group);
    }
    PlanSetResult again = remediator.apply(PlanSet.fromJson(plans.toJson()));
    assertFalse(again.hasProblems(), "applying the same file again finishes it: "
        + again.toText());
  }

  @Test
  void plan_twoRemediationsOfTheSameAccount_eachPlanRebuildsItsGroupAlone() {
    PlanSet plans = scan();
    for (Plan plan : plans.withChanges()) {
      Remediation alone = dev.remediate.core.RemediationCatalog.load()
          .fromSpec(plan.remediation());
      Plan again = remediator.plan(alone);
      assertEquals(plan.target(), again.target());
      assertEquals(plan.steps(), again.steps());
    }
  }
}
