package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.Remediator;
import dev.remediate.core.StalePlanException;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.Step;
import dev.remediate.testing.AwsEmulator;
import dev.remediate.testing.AwsEmulatorExtension;
import dev.remediate.testing.Fault;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;

@ExtendWith(AwsEmulatorExtension.class)
class RestrictSecurityGroupTest {

  static Ec2Client ec2(AwsEmulator aws) {
    return aws.client(Ec2Client.class, Ec2Client::builder);
  }

  static String group(Ec2Client ec2, String vpcId, String name) {
    return ec2.createSecurityGroup(r -> r.groupName(name).description(name).vpcId(vpcId))
        .groupId();
  }

  static IpPermission tcp(int from, int to, String... cidrs) {
    IpPermission.Builder b = IpPermission.builder().ipProtocol("tcp").fromPort(from).toPort(to);
    List<String> v4 = java.util.Arrays.stream(cidrs).filter(c -> !c.contains(":")).toList();
    List<String> v6 = java.util.Arrays.stream(cidrs).filter(c -> c.contains(":")).toList();
    b.ipRanges(v4.stream().map(c -> software.amazon.awssdk.services.ec2.model.IpRange.builder()
        .cidrIp(c).build()).toList());
    b.ipv6Ranges(v6.stream().map(c -> software.amazon.awssdk.services.ec2.model.Ipv6Range.builder()
        .cidrIpv6(c).build()).toList());
    return b.build();
  }

  /** @return the group's ingress rules as "tcp 22 from 10.0.0.0/8" lines */
  static Set<String> ingress(AwsEmulator aws, String groupId) {
    return ec2(aws).describeSecurityGroupRules(r -> r.filters(NetworkSupport.filter("group-id",
            List.of(groupId)))).securityGroupRules().stream()
        .map(GroupRule::of).filter(r -> !r.egress())
        .map(r -> r.portText() + " from " + r.source()).collect(Collectors.toCollection(TreeSet::new));
  }

  static String vpc(AwsEmulator aws) {
    return ec2(aws).createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
  }

  @Test
  void apply_worldOpenSshWithSiblings_revokesOnlyTheWorldSource(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    String vpcId = vpc(aws);
    String sg = group(ec2, vpcId, "web");
    String other = group(ec2, vpcId, "bastion");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(sg).ipPermissions(
        tcp(22, 22, "0.0.0.0/0", "10.0.0.0/8"), tcp(443, 443, "0.0.0.0/0"),
        IpPermission.builder().ipProtocol("tcp").fromPort(22).toPort(22)
            .userIdGroupPairs(p -> p.groupId(other)).build()));
    RestrictSecurityGroup remediation = RestrictSecurityGroup.forGroup(sg).build();
    Remediator remediator = Remediator.create(aws.scope());
    aws.recorder().reset();

    Plan plan = remediator.plan(remediation);

    assertEquals(Map.of("Ec2.DescribeSecurityGroups", 1, "Ec2.DescribeSecurityGroupRules", 1),
        aws.recorder().counts());
    assertEquals(1, plan.steps().size(), plan.toText());
    Step revoke = plan.steps().get(0);
    assertEquals("RevokeSecurityGroupIngress", revoke.kind());
    assertEquals(sg, revoke.resource());
    assertTrue(revoke.parameter("ruleId").startsWith("sgr-"), revoke.toString());
    assertEquals(Map.of("protocol", "tcp", "fromPort", "22", "toPort", "22",
        "source", "0.0.0.0/0"), Map.of("protocol", revoke.parameter("protocol"),
        "fromPort", revoke.parameter("fromPort"), "toPort", revoke.parameter("toPort"),
        "source", revoke.parameter("source")), "the reviewed facts of the rule");
    assertTrue(plan.controls().contains("FSBP EC2.13"));

    remediator.apply(plan);

    assertEquals(Set.of("tcp 22 from 10.0.0.0/8", "tcp 443 from 0.0.0.0/0",
        "tcp 22 from " + other), ingress(aws, sg));
    assertTrue(remediator.plan(remediation).isEmpty());
  }

  /** The 24 ports of the issue, written out: the default set must be exactly these. */
  static final List<Integer> ISSUE_PORTS = List.of(20, 21, 22, 23, 25, 110, 135, 143, 445, 1433,
      1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300);

  @Test
  void defaultPorts_areExactlyTheIssuesTwentyFourAndCannotBeChanged() {
    assertEquals(24, ISSUE_PORTS.size());
    assertEquals(ISSUE_PORTS, List.copyOf(RestrictSecurityGroup.DEFAULT_PORTS));
    assertEquals(ISSUE_PORTS.stream().map(String::valueOf).collect(Collectors.joining(",")),
        RestrictSecurityGroup.forGroup("sg-0123456789abcdef0").build().spec().parameters()
            .get("ports"));
    assertThrows(UnsupportedOperationException.class,
        () -> RestrictSecurityGroup.DEFAULT_PORTS.add(80));
    assertThrows(UnsupportedOperationException.class,
        () -> RestrictSecurityGroup.DEFAULT_PORTS.remove(22));
  }

  @Test
  void plan_defaultPorts_revokesEachIssuePortOpenToTheWorldAndNoOther(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    String sg = group(ec2, vpc(aws), "wide");
    List<IpPermission> open = new java.util.ArrayList<>();
    ISSUE_PORTS.forEach(p -> open.add(tcp(p, p, "0.0.0.0/0")));
    // neighbours of the sensitive ports and common web ports stay open
    List.of(19, 24, 80, 443, 3001, 8081, 9201).forEach(p -> open.add(tcp(p, p, "0.0.0.0/0")));
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(sg).ipPermissions(open));
    Remediator remediator = Remediator.create(aws.scope());

    remediator.apply(remediator.plan(RestrictSecurityGroup.forGroup(sg).build()));

    assertEquals(Set.of("tcp 19 from 0.0.0.0/0", "tcp 24 from 0.0.0.0/0", "tcp 80 from 0.0.0.0/0",
        "tcp 443 from 0.0.0.0/0", "tcp 3001 from 0.0.0.0/0", "tcp 8081 from 0.0.0.0/0",
        "tcp 9201 from 0.0.0.0/0"), ingress(aws, sg));
  }

  @Test
  void apply_ipv6AndAllTrafficRules_revokesBothInOneCall(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    String sg = group(ec2, vpc(aws), "db");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(sg).ipPermissions(
        tcp(3389, 3389, "::/0"), IpPermission.builder().ipProtocol("-1")
            .ipRanges(x -> x.cidrIp("0.0.0.0/0")).build(), tcp(5432, 5432, "192.168.0.0/16")));
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(RestrictSecurityGroup.forGroup(sg).build());
    assertEquals(2, plan.steps().size(), plan.toText());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("all traffic")), plan.toText());
    aws.recorder().reset();

    remediator.apply(plan);

    assertEquals(1, aws.recorder().count("RevokeSecurityGroupIngress"), aws.recorder().toString());
    assertEquals(Set.of("tcp 5432 from 192.168.0.0/16"), ingress(aws, sg));
  }

  @Test
  void apply_replaceWith_authorizesNarrowerRulesBeforeRevoking(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    String sg = group(ec2, vpc(aws), "ssh");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(sg).ipPermissions(
        tcp(22, 22, "0.0.0.0/0", "::/0")));
    RestrictSecurityGroup remediation = RestrictSecurityGroup.forGroup(sg)
        .replaceWith("10.1.2.3/8", "2001:db8::/32").build();
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(remediation);
    assertEquals(List.of("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupIngress",
        "RevokeSecurityGroupIngress", "RevokeSecurityGroupIngress"),
        plan.steps().stream().map(Step::kind).toList(), plan.toText());
    aws.recorder().reset();

    remediator.apply(plan);

    List<String> calls = aws.recorder().operations().stream()
        .filter(o -> o.endsWith("SecurityGroupIngress")).toList();
    assertEquals(List.of("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupIngress",
        "RevokeSecurityGroupIngress"), calls, "both replacements exist before the one revocation");
    assertEquals(Set.of("tcp 22 from 10.0.0.0/8", "tcp 22 from 2001:db8::/32"), ingress(aws, sg));
    assertTrue(remediator.plan(remediation).isEmpty());
  }

  @Test
  void plan_allPortsExceptWeb_keepsWebAndClosesTheRest(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    String sg = group(ec2, vpc(aws), "lb");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(sg).ipPermissions(
        tcp(80, 80, "0.0.0.0/0"), tcp(443, 443, "0.0.0.0/0"), tcp(8443, 8443, "0.0.0.0/0"),
        tcp(0, 65535, "::/0")));
    Remediator remediator = Remediator.create(aws.scope());
    RestrictSecurityGroup remediation = RestrictSecurityGroup.forGroup(sg).allPortsExcept(80, 443)
        .build();
    remediator.apply(remediator.plan(remediation));
    assertEquals(Set.of("tcp 80 from 0.0.0.0/0", "tcp 443 from 0.0.0.0/0"), ingress(aws, sg));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"InvalidSecurityGroupRuleId.NotFound",
      "InvalidPermission.NotFound"})
  void apply_batchNamesMissingRule_revokesTheRulesStillPresent(String code, AwsEmulator aws) {
    // AWS answers a missing rule id with InvalidSecurityGroupRuleId.NotFound, moto with
    // InvalidPermission.NotFound: both mean "already revoked", and the rest must still go.
    Ec2Client ec2 = ec2(aws);
    String sg = group(ec2, vpc(aws), "x");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(sg).ipPermissions(tcp(22, 22, "0.0.0.0/0"),
        tcp(3306, 3306, "0.0.0.0/0"), tcp(443, 443, "0.0.0.0/0")));
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(RestrictSecurityGroup.forGroup(sg).build());
    aws.faults().failNth("RevokeSecurityGroupIngress", 1, Fault.of(code));
    aws.recorder().reset();

    ApplyResult result = remediator.apply(plan);

    assertEquals(ApplyResult.Status.APPLIED, result.status());
    assertEquals(2, aws.recorder().count("RevokeSecurityGroupIngress"),
        "one batch call, then one for the rules still present");
    assertEquals(3, aws.recorder().count("DescribeSecurityGroupRules"),
        "observe, read again after the failure, verify");
    assertEquals(Set.of("tcp 443 from 0.0.0.0/0"), ingress(aws, sg));
  }

  @Test
  void execute_missingRuleIdInEmulator_countsAsRevoked(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    String sg = group(ec2, vpc(aws), "x");
    software.amazon.awssdk.awscore.exception.AwsServiceException e = assertThrows(
        software.amazon.awssdk.awscore.exception.AwsServiceException.class,
        () -> ec2.revokeSecurityGroupIngress(r -> r.groupId(sg)
            .securityGroupRuleIds("sgr-0123456789abcdef0")));
    assertTrue(SecurityGroupRules.isRuleGone(e), e.awsErrorDetails().errorCode());
  }

  @Test
  void apply_revokeDenied_failsWithJournal(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    String sg = group(ec2, vpc(aws), "x");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(sg).ipPermissions(tcp(22, 22, "0.0.0.0/0")));
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(RestrictSecurityGroup.forGroup(sg).build());
    aws.faults().failAll("RevokeSecurityGroupIngress", Fault.of("UnauthorizedOperation"));

    ApplyFailedException e = assertThrows(ApplyFailedException.class, () -> remediator.apply(plan));

    assertTrue(e.getMessage().contains("UnauthorizedOperation"), e.getMessage());
    assertEquals(Set.of("tcp 22 from 0.0.0.0/0"), ingress(aws, sg));
  }

  @Test
  void apply_ruleAddedSincePlan_appliesTheReviewedStepsAndReportsTheNewRule(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    String sg = group(ec2, vpc(aws), "x");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(sg).ipPermissions(tcp(22, 22, "0.0.0.0/0")));
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(RestrictSecurityGroup.forGroup(sg).build());
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(sg).ipPermissions(tcp(23, 23, "0.0.0.0/0")));

    PlanSetResult result = remediator.apply(PlanSet.of(plan));

    assertEquals(ApplyResult.Status.APPLIED, result.results().get(0).status());
    assertEquals(1, result.notReviewed().size(), result.notReviewed().toString());
    assertEquals(Set.of("tcp 23 from 0.0.0.0/0"), ingress(aws, sg), "left for the next plan");
  }

  @Test
  void apply_reviewedRuleWidenedInPlace_refusesStalePlan(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    String sg = group(ec2, vpc(aws), "x");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(sg).ipPermissions(tcp(22, 22, "0.0.0.0/0")));
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(RestrictSecurityGroup.forGroup(sg).build());
    ec2.modifySecurityGroupRules(r -> r.groupId(sg).securityGroupRules(u -> u
        .securityGroupRuleId(plan.steps().get(0).parameter("ruleId")).securityGroupRule(x -> x
            .ipProtocol("tcp").fromPort(0).toPort(65535).cidrIpv4("0.0.0.0/0"))));

    StalePlanException stale = assertThrows(StalePlanException.class,
        () -> remediator.apply(plan));

    assertTrue(stale.getMessage().contains("0-65535"), stale.getMessage());
    assertEquals(Set.of("tcp 0-65535 from 0.0.0.0/0"), ingress(aws, sg));
  }

  @Test
  void planSet_optedOutGroup_emptyPlanListingItsRulesAsSkipped(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    String sg = group(ec2, vpc(aws), "x");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(sg).ipPermissions(tcp(22, 22, "0.0.0.0/0")));
    ec2.createTags(r -> r.resources(sg).tags(t -> t.key("remediate:skip").value("")));
    PlanSet plans = Remediator.create(aws.scope())
        .planSet(List.of(RestrictSecurityGroup.forEveryGroup().build()));
    Plan plan = plans.plans().stream().filter(p -> p.target().id().equals(sg)).findFirst()
        .orElseThrow();
    assertTrue(plans.isEmpty(), plans.toText());
    assertTrue(plan.skipped().get(0).resource().startsWith(sg));
  }

  @Test
  void apply_planSetReadBackFromJson_appliesThroughCatalog(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    String sg = group(ec2, vpc(aws), "x");
    ec2.authorizeSecurityGroupIngress(r -> r.groupId(sg).ipPermissions(tcp(22, 22, "0.0.0.0/0")));
    Remediator remediator = Remediator.create(aws.scope());
    PlanSet plans = remediator.planSet(List.of(RestrictSecurityGroup.forEveryGroup()
        .replaceWith("10.0.0.0/8").build()));
    PlanSet read = PlanSet.fromJson(plans.toJson());
    assertEquals(plans, read);
    assertEquals(RestrictSecurityGroup.forGroup(sg).replaceWith("10.0.0.0/8").build().spec(),
        read.withChanges().get(0).remediation());

    PlanSetResult result = remediator.apply(read);

    assertEquals(List.of(ApplyResult.Status.APPLIED), result.withStatus(ApplyResult.Status.APPLIED)
        .stream().map(ApplyResult::status).toList());
    assertEquals(Set.of("tcp 22 from 10.0.0.0/8"), ingress(aws, sg));
  }

  @Test
  void plan_severalGroups_isRefusedPointingToPlanSet() {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> RestrictSecurityGroup.forEveryGroup().build().plan(null));
    assertTrue(e.getMessage().contains("planSet"), e.getMessage());
  }

  @Test
  void fromSpec_everyOption_rebuildsAnEqualRemediation() {
    RemediationCatalog catalog = RemediationCatalog.load();
    List<Remediation> all = List.of(
        RestrictSecurityGroup.forGroup("sg-0123456789abcdef0").build(),
        RestrictSecurityGroup.forGroups(List.of("sg-0123456789abcdef0", "sg-00000001"))
            .ports(22, 3389).replaceWith("10.0.0.0/8", "2001:db8::/32").build(),
        RestrictSecurityGroup.forEveryGroup().allPortsExcept(80, 443).build());
    for (Remediation r : all) {
      assertEquals(r, catalog.fromSpec(r.spec()), r.toString());
    }
  }

  @Test
  void forRegion_settings_parsePortsAndSources() {
    RestrictSecurityGroup.Type type = new RestrictSecurityGroup.Type();
    assertEquals(RestrictSecurityGroup.forEveryGroup().build(),
        type.forRegion(Map.of()).orElseThrow());
    assertEquals(RestrictSecurityGroup.forEveryGroup().allPortsExcept(80, 443)
            .replaceWith("10.0.0.0/8").build(),
        type.forRegion(Map.of("securityGroups.ports", "all except 80,443",
            "securityGroups.allowedSources", "10.0.0.0/8")).orElseThrow());
    assertEquals(RestrictSecurityGroup.forEveryGroup().ports(22, 3389).build(),
        type.forRegion(Map.of("securityGroups.ports", "22, 3389")).orElseThrow());
  }

  @Test
  void build_unsortedGroupsAndSources_areSortedAndNormalisedInTheSpec() {
    RestrictSecurityGroup r = RestrictSecurityGroup.forGroups(List.of("sg-0123456789abcdef0",
        "sg-00000001")).replaceWith("2001:db8::1/32", "10.1.2.3/8").build();

    assertEquals(Map.of("groups", "sg-00000001,sg-0123456789abcdef0",
        "ports", "20,21,22,23,25,110,135,143,445,1433,1434,3000,3306,3389,4333,5000,5432,5500,"
            + "5601,8080,8088,8888,9200,9300",
        "replaceWith", "10.0.0.0/8,2001:db8::/32"), r.spec().parameters());
    assertEquals(r, RemediationCatalog.load().fromSpec(r.spec()));
  }

  @Test
  void build_badValues_failNamingTheValue() {
    assertBad("sg-zz", () -> RestrictSecurityGroup.forGroup("sg-zz").build());
    assertBad("70000", () -> RestrictSecurityGroup.forEveryGroup().ports(22, 70000).build());
    assertBad("0.0.0.0/0", () -> RestrictSecurityGroup.forEveryGroup().replaceWith("0.0.0.0/0")
        .build());
    assertBad("10.0.0.0/33", () -> RestrictSecurityGroup.forEveryGroup()
        .replaceWith("10.0.0.0/33").build());
    assertBad("banana", () -> RestrictSecurityGroup.forEveryGroup().replaceWith("banana").build());
  }

  private static void assertBad(String named, org.junit.jupiter.api.function.Executable build) {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class, build);
    assertTrue(e.getMessage().contains(named), e.getMessage());
    assertFalse(e.getMessage().isBlank());
  }
}
