package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.GuardrailException;
import dev.remediate.core.Guardrails;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.StalePlanException;
import dev.remediate.core.StepOutcome;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

@ExtendWith(AwsEmulatorExtension.class)
class RestrictDefaultSecurityGroupTest {
  private AwsEmulator aws;
  private Ec2Client ec2;
  private String vpcId;
  private String defaultGroupId;

  @BeforeEach
  void setUp(AwsEmulator aws) {
    this.aws = aws;
    this.ec2 = aws.client(Ec2Client.class, Ec2Client::builder);
    vpcId = ec2.createVpc(r -> r.cidrBlock("10.20.0.0/16")).vpc().vpcId();
    defaultGroupId = defaultGroupOf(vpcId);
    addSelfReferencingIngress(defaultGroupId);
    aws.recorder().reset();
  }

  /** AWS gives a new default group a self-referencing ingress rule; moto doesn't, so we add it. */
  private void addSelfReferencingIngress(String groupId) {
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(groupId).ipPermissions(IpPermission.builder()
        .ipProtocol("-1")
        .userIdGroupPairs(p -> p.groupId(groupId))
        .build()));
  }

  private String defaultGroupOf(String vpc) {
    return ec2.describeSecurityGroups(r -> r.filters(
            Filter.builder().name("vpc-id").values(vpc).build(),
            Filter.builder().name("group-name").values("default").build()))
        .securityGroups().get(0).groupId();
  }

  private List<SecurityGroupRule> rulesOf(String groupId) {
    return ec2.describeSecurityGroupRules(r -> r.filters(
        Filter.builder().name("group-id").values(groupId).build())).securityGroupRules();
  }

  private Remediator remediator(Guardrails guardrails) {
    return Remediator.builder().scope(aws.scope()).guardrails(guardrails).build();
  }

  @Test
  void plan_defaultGroupWithAwsDefaultRules_revokesEachRuleByIdNamingItsFacts() {
    List<SecurityGroupRule> rules = rulesOf(defaultGroupId);
    aws.recorder().reset();

    Plan plan = remediator(Guardrails.ofDefaults()).plan(RestrictDefaultSecurityGroup.forVpc(vpcId));

    assertEquals(2, rules.size(), "self-referencing ingress + allow-all egress");
    assertEquals(List.of("RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress"),
        plan.steps().stream().map(s -> s.kind()).toList());
    assertEquals(rules.stream().map(SecurityGroupRule::securityGroupRuleId)
        .collect(Collectors.toSet()), plan.steps().stream().map(s -> s.parameter("ruleId"))
        .collect(Collectors.toSet()));
    assertEquals(Set.of("-1"), plan.steps().stream().map(s -> s.parameter("protocol"))
        .collect(Collectors.toSet()));
    assertEquals(defaultGroupId, plan.steps().get(0).parameter("source"), "self-referencing");
    assertEquals("ingress all traffic from " + defaultGroupId,
        plan.steps().get(0).before().orElseThrow());
    assertEquals("0.0.0.0/0", plan.steps().get(1).parameter("source"));
    assertEquals(Set.of(defaultGroupId), plan.steps().stream().map(s -> s.resource())
        .collect(Collectors.toSet()));
    assertEquals(defaultGroupId, plan.target().id());
    assertEquals(RestrictDefaultSecurityGroup.forVpc(vpcId).spec(), plan.remediation());
    assertTrue(plan.controls().contains("FSBP EC2.2"));
    assertTrue(plan.iamActions().contains("ec2:RevokeSecurityGroupEgress"));
    assertTrue(plan.flags().isEmpty(), "no interface uses the group: " + plan.flags());
    assertEquals(1, aws.recorder().count("DescribeSecurityGroups"));
    assertEquals(1, aws.recorder().count("DescribeSecurityGroupRules"));
    assertEquals(1, aws.recorder().count("DescribeNetworkInterfaces"));
    assertEquals(3, aws.recorder().total(), aws.recorder().toString());
  }

  @Test
  void apply_openDefaultGroup_removesEveryRuleAndSecondPlanIsEmpty() {
    Remediator remediator = remediator(Guardrails.ofDefaults());
    Plan plan = remediator.plan(RestrictDefaultSecurityGroup.forVpc(vpcId));
    aws.recorder().reset();

    ApplyResult result = remediator.apply(plan);

    // apply = re-observe (3) + revoke ingress + revoke egress + verify (2: no rules, no ENI call)
    assertEquals(7, aws.recorder().total(), aws.recorder().calls().toString());
    assertEquals(1, aws.recorder().count("RevokeSecurityGroupIngress"));
    assertEquals(1, aws.recorder().count("RevokeSecurityGroupEgress"));
    assertEquals(ApplyResult.Status.APPLIED, result.status());
    assertEquals(List.of(), rulesOf(defaultGroupId));
    aws.recorder().reset();
    Plan again = remediator.plan(RestrictDefaultSecurityGroup.forVpc(vpcId));
    assertTrue(again.isEmpty(), again.toText());
    assertEquals(2, aws.recorder().total(), "a compliant group costs two calls");
  }

  @Test
  void apply_otherGroupsAndOtherVpcs_areNeverTouched() {
    String other = ec2.createSecurityGroup(r -> r.vpcId(vpcId).groupName("app")
        .description("app")).groupId();
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(other).ipPermissions(IpPermission.builder()
        .ipProtocol("tcp").fromPort(443).toPort(443).ipRanges(ip -> ip.cidrIp("0.0.0.0/0"))
        .build()));
    String otherVpc = ec2.createVpc(r -> r.cidrBlock("10.30.0.0/16")).vpc().vpcId();
    String otherDefault = defaultGroupOf(otherVpc);
    int otherRules = rulesOf(other).size();
    int otherDefaultRules = rulesOf(otherDefault).size();
    Remediator remediator = remediator(Guardrails.ofDefaults());

    remediator.apply(remediator.plan(RestrictDefaultSecurityGroup.forVpc(vpcId)));

    assertEquals(otherRules, rulesOf(other).size());
    assertEquals(otherDefaultRules, rulesOf(otherDefault).size());
    assertEquals(List.of(), rulesOf(defaultGroupId));
  }

  @Test
  void plan_groupUsedByInterface_warnsAndNeedsConsent() {
    String subnet = ec2.createSubnet(r -> r.vpcId(vpcId).cidrBlock("10.20.1.0/24")).subnet()
        .subnetId();
    String eni = ec2.createNetworkInterface(r -> r.subnetId(subnet).groups(defaultGroupId))
        .networkInterface().networkInterfaceId();
    Plan plan = remediator(Guardrails.ofDefaults()).plan(RestrictDefaultSecurityGroup.forVpc(vpcId));
    assertEquals(Set.of(Flag.DISRUPTIVE), plan.flags());
    assertEquals(1, plan.warnings().size());
    assertTrue(plan.warnings().get(0).contains(eni), plan.warnings().get(0));

    GuardrailException refused = assertThrows(GuardrailException.class,
        () -> remediator(Guardrails.ofDefaults()).apply(plan));
    assertTrue(refused.getMessage().contains("DISRUPTIVE"), refused.getMessage());
    assertEquals(2, rulesOf(defaultGroupId).size(), "nothing changed without consent");

    remediator(Guardrails.custom().consentTo(Flag.DISRUPTIVE).build()).apply(plan);
    assertEquals(List.of(), rulesOf(defaultGroupId));
  }

  @Test
  void plan_groupCarriesOptOutTag_skipsItAndSaysSo() {
    ec2.createTags(r -> r.resources(defaultGroupId).tags(t -> t.key("remediate:skip").value("")));
    Plan plan = remediator(Guardrails.ofDefaults()).plan(RestrictDefaultSecurityGroup.forVpc(vpcId));
    assertTrue(plan.isEmpty());
    assertEquals(defaultGroupId, plan.skipped().get(0).resource());
    assertTrue(plan.toText().contains("remediate:skip"), plan.toText());

    Plan custom = remediator(Guardrails.custom().optOutTagKey("team:keep").build())
        .plan(RestrictDefaultSecurityGroup.forVpc(vpcId));
    assertEquals(2, custom.steps().size(), "another opt-out key does not match this tag");
  }

  @Test
  void apply_ruleAddedAfterPlanning_revokesWhatWasReviewedAndReportsTheNewRule() {
    Remediator remediator = remediator(Guardrails.ofDefaults());
    Plan plan = remediator.plan(RestrictDefaultSecurityGroup.forVpc(vpcId));
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(defaultGroupId).ipPermissions(
        IpPermission.builder().ipProtocol("tcp").fromPort(22).toPort(22)
            .ipRanges(ip -> ip.cidrIp("10.0.0.0/8")).build()));

    PlanSetResult result = remediator.apply(PlanSet.of(plan));

    assertEquals(ApplyResult.Status.APPLIED, result.results().get(0).status());
    assertEquals(1, result.notReviewed().size(), result.notReviewed().toString());
    assertTrue(result.notReviewed().get(0).contains("tcp 22 from 10.0.0.0/8"),
        result.notReviewed().toString());
    assertEquals(Set.of("tcp 22 from 10.0.0.0/8"), rulesOf(defaultGroupId).stream()
        .map(r -> r.ipProtocol() + " " + r.fromPort() + " from " + r.cidrIpv4())
        .collect(Collectors.toSet()), "the rule nobody reviewed is left for the next plan");
  }

  @Test
  void apply_reviewedRuleModifiedInPlace_refusesStalePlanAndChangesNothing() {
    Remediator remediator = remediator(Guardrails.ofDefaults());
    Plan plan = remediator.plan(RestrictDefaultSecurityGroup.forVpc(vpcId));
    SecurityGroupRule egress = rulesOf(defaultGroupId).stream()
        .filter(SecurityGroupRule::isEgress).findFirst().orElseThrow();
    ec2.modifySecurityGroupRules(r -> r.groupId(defaultGroupId).securityGroupRules(u -> u
        .securityGroupRuleId(egress.securityGroupRuleId()).securityGroupRule(x -> x
            .ipProtocol("tcp").fromPort(443).toPort(443).cidrIpv4("0.0.0.0/0"))));
    aws.recorder().reset();

    StalePlanException stale = assertThrows(StalePlanException.class,
        () -> remediator.apply(plan));

    assertTrue(stale.getMessage().contains("RevokeSecurityGroupEgress"), stale.getMessage());
    assertEquals(2, rulesOf(defaultGroupId).size());
    assertEquals(0, aws.recorder().count("RevokeSecurityGroupIngress"));
    assertEquals(0, aws.recorder().count("RevokeSecurityGroupEgress"));
  }

  @Test
  void apply_ruleAlreadyGoneDuringRevoke_treatsItAsDoneAndVerifies() {
    Remediator remediator = remediator(Guardrails.ofDefaults());
    Plan plan = remediator.plan(RestrictDefaultSecurityGroup.forVpc(vpcId));
    aws.faults().failNth("RevokeSecurityGroupIngress", 1,
        Fault.of("InvalidSecurityGroupRuleId.NotFound"));

    ApplyResult result = remediator.apply(plan);

    assertEquals(ApplyResult.Status.APPLIED, result.status());
    assertEquals(2, aws.recorder().count("RevokeSecurityGroupIngress"), "retried the rest once");
    assertEquals(List.of(), rulesOf(defaultGroupId));
  }

  @Test
  void apply_egressRevokeDenied_failsWithJournal() {
    Remediator remediator = remediator(Guardrails.ofDefaults());
    Plan plan = remediator.plan(RestrictDefaultSecurityGroup.forVpc(vpcId));
    aws.faults().failNth("RevokeSecurityGroupEgress", 1, Fault.of("UnauthorizedOperation"));

    ApplyFailedException failed = assertThrows(ApplyFailedException.class,
        () -> remediator.apply(plan));

    assertEquals(ApplyResult.Status.FAILED, failed.result().status());
    assertEquals(List.of(StepOutcome.Status.SUCCEEDED, StepOutcome.Status.FAILED),
        failed.result().outcomes().stream().map(StepOutcome::status).toList());
    assertTrue(failed.getMessage().contains("UnauthorizedOperation"), failed.getMessage());
    assertEquals(1, rulesOf(defaultGroupId).size(), "the egress rule is still there");
  }

  @Test
  void apply_planReadBackFromJson_appliesThroughTheCatalog() {
    Remediator remediator = remediator(Guardrails.ofDefaults());
    Plan plan = remediator.plan(RestrictDefaultSecurityGroup.forVpc(vpcId));
    Plan read = Plan.fromJson(plan.toJson());
    assertEquals(plan, read);

    ApplyResult result = remediator.apply(read);

    assertEquals(ApplyResult.Status.APPLIED, result.status());
    assertEquals(List.of(), rulesOf(defaultGroupId));
  }

  @Test
  void apply_dryRun_changesNothing() {
    Remediator remediator = remediator(Guardrails.custom().dryRun(true).build());
    ApplyResult result = remediator.apply(
        remediator.plan(RestrictDefaultSecurityGroup.forVpc(vpcId)));
    assertEquals(ApplyResult.Status.DRY_RUN, result.status());
    assertEquals(2, rulesOf(defaultGroupId).size());
    assertEquals(0, aws.recorder().count("RevokeSecurityGroupIngress"));
  }

  @Test
  void planSet_allVpcs_onePlanPerDefaultGroupWithOneCallPerKind() {
    String second = ec2.createVpc(r -> r.cidrBlock("10.40.0.0/16")).vpc().vpcId();
    String secondDefault = defaultGroupOf(second);
    aws.recorder().reset();
    Remediator remediator = remediator(Guardrails.ofDefaults());

    PlanSet plans = remediator.planSet(List.of(RestrictDefaultSecurityGroup.forAllVpcs()));

    Map<String, Plan> byGroup = plans.plans().stream()
        .collect(Collectors.toMap(p -> p.target().id(), p -> p));
    assertTrue(byGroup.keySet().containsAll(Set.of(defaultGroupId, secondDefault)),
        byGroup.keySet().toString());
    assertEquals(RestrictDefaultSecurityGroup.forVpc(second).spec(),
        byGroup.get(secondDefault).remediation());
    assertEquals(Set.of(secondDefault), byGroup.get(secondDefault).steps().stream()
        .map(s -> s.resource()).collect(Collectors.toSet()));
    assertEquals(1, aws.recorder().count("DescribeSecurityGroups"));
    assertEquals(1, aws.recorder().count("DescribeSecurityGroupRules"));
    assertFalse(remediator.apply(plans).hasProblems());
    assertTrue(remediator.planSet(List.of(RestrictDefaultSecurityGroup.forAllVpcs())).isEmpty());
    InvalidRemediationException single = assertThrows(InvalidRemediationException.class,
        () -> remediator.plan(RestrictDefaultSecurityGroup.forAllVpcs()));
    assertTrue(single.getMessage().contains("planSet"), single.getMessage());
  }

  @Test
  void planSet_optedOutGroupAmongOthers_getsAnEmptyPlanSayingWhy() {
    String second = ec2.createVpc(r -> r.cidrBlock("10.40.0.0/16")).vpc().vpcId();
    String secondDefault = defaultGroupOf(second);
    ec2.createTags(r -> r.resources(secondDefault).tags(t -> t.key("remediate:skip").value("")));

    PlanSet plans = remediator(Guardrails.ofDefaults())
        .planSet(List.of(RestrictDefaultSecurityGroup.forAllVpcs()));

    Plan skipped = plans.plans().stream().filter(p -> p.target().id().equals(secondDefault))
        .findFirst().orElseThrow();
    assertTrue(skipped.isEmpty());
    assertEquals(secondDefault, skipped.skipped().get(0).resource());
    assertFalse(plans.plans().stream().filter(p -> p.target().id().equals(defaultGroupId))
        .findFirst().orElseThrow().isEmpty());
  }

  @Test
  void plan_unknownVpc_failsNamingIt() {
    RemediationException e = assertThrows(RemediationException.class,
        () -> remediator(Guardrails.ofDefaults())
            .plan(RestrictDefaultSecurityGroup.forVpc("vpc-0123456789abcdef0")));
    assertTrue(e.getMessage().contains("vpc-0123456789abcdef0"), e.getMessage());
  }

  @Test
  void forVpc_malformedId_failsNamingTheValue() {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> RestrictDefaultSecurityGroup.forVpc("sg-1234"));
    assertTrue(e.getMessage().contains("'sg-1234'"), e.getMessage());
  }

  @Test
  void type_specOfRemediation_rebuildsAnEqualRemediation() {
    RemediationCatalog catalog = RemediationCatalog.load();
    RestrictDefaultSecurityGroup one = RestrictDefaultSecurityGroup.forVpc(vpcId);
    assertEquals(one, catalog.fromSpec(one.spec()));
    assertEquals(RestrictDefaultSecurityGroup.forAllVpcs(),
        catalog.fromSpec(RestrictDefaultSecurityGroup.forAllVpcs().spec()));
    assertEquals(RestrictDefaultSecurityGroup.IAM_ACTIONS,
        catalog.require(RestrictDefaultSecurityGroup.ID).iamActions());
  }
}
