package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.ApplyFailedException;
import dev.remediate.core.ApplyResult;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Remediator;
import dev.remediate.core.StalePlanException;
import dev.remediate.core.plan.Plan;
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
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.RuleAction;

@ExtendWith(AwsEmulatorExtension.class)
class BlockIpAddressTest {
  record Net(String vpc, String subnet1, String subnet2) {}

  static Net net(AwsEmulator aws) {
    Ec2Client ec2 = ec2(aws);
    String vpc = ec2.createVpc(r -> r.cidrBlock("10.0.0.0/16")).vpc().vpcId();
    String s1 = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.1.0/24")).subnet().subnetId();
    String s2 = ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock("10.0.2.0/24")).subnet().subnetId();
    return new Net(vpc, s1, s2);
  }

  static Ec2Client ec2(AwsEmulator aws) {
    return aws.client(Ec2Client.class, Ec2Client::builder);
  }

  static NetworkAcl acl(AwsEmulator aws, String vpc) {
    return ec2(aws).describeNetworkAcls(r -> r.filters(NetworkSupport.filter("vpc-id",
        List.of(vpc)))).networkAcls().stream().filter(a -> !a.associations().isEmpty())
        .findFirst().orElseThrow();
  }

  /** @return entries as "in 99 deny 203.0.113.7/32" */
  static Set<String> entries(NetworkAcl acl) {
    return acl.entries().stream().map(e -> (e.egress() ? "out " : "in ") + e.ruleNumber() + " "
        + e.ruleActionAsString() + " " + (e.cidrBlock() != null ? e.cidrBlock()
            : e.ipv6CidrBlock())).collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void apply_vpc_deniesBothDirectionsBelowAllowsAndUnblockRemovesExactlyThose(AwsEmulator aws) {
    Net net = net(aws);
    Set<String> original = entries(acl(aws, net.vpc()));
    Remediator remediator = Remediator.create(aws.scope());
    BlockIpAddress block = BlockIpAddress.of("203.0.113.7").inVpc(net.vpc()).build();
    aws.recorder().reset();

    Plan plan = remediator.plan(block);

    assertEquals(Map.of("Ec2.DescribeNetworkAcls", 1), aws.recorder().counts());
    assertEquals(List.of("CreateTags", "CreateNetworkAclEntry", "CreateNetworkAclEntry"),
        plan.steps().stream().map(Step::kind).toList(), plan.toText());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains(net.subnet1())
        && w.contains(net.subnet2())), plan.toText());
    remediator.apply(plan);

    Set<String> blocked = entries(acl(aws, net.vpc()));
    assertTrue(blocked.contains("in 99 deny 203.0.113.7/32"), blocked.toString());
    assertTrue(blocked.contains("out 99 deny 203.0.113.7/32"), blocked.toString());
    assertTrue(remediator.plan(block).isEmpty(), "already blocked: no change");

    UnblockIpAddress unblock = UnblockIpAddress.of(BlockIpAddress.of("203.0.113.7").inVpc(net.vpc()).build());
    Plan undo = remediator.plan(unblock);
    assertEquals(List.of("DeleteNetworkAclEntry", "DeleteNetworkAclEntry", "DeleteTags"),
        undo.steps().stream().map(Step::kind).toList(), undo.toText());
    remediator.apply(undo);
    NetworkAcl after = acl(aws, net.vpc());
    assertEquals(original, entries(after));
    assertTrue(NetworkSupport.tags(after.tags()).isEmpty());
    assertTrue(remediator.plan(unblock).isEmpty());
  }

  @Test
  void plan_othersDenyAlreadyBelowAllows_noChangeAndUnblockLeavesIt(AwsEmulator aws) {
    Net net = net(aws);
    String aclId = acl(aws, net.vpc()).networkAclId();
    for (boolean egress : new boolean[] {false, true}) {
      ec2(aws).createNetworkAclEntry(r -> r.networkAclId(aclId).egress(egress).ruleNumber(50)
          .protocol("-1").ruleAction(RuleAction.DENY).cidrBlock("198.51.100.0/24"));
    }
    Remediator remediator = Remediator.create(aws.scope());
    assertTrue(remediator.plan(BlockIpAddress.of("198.51.100.0/24").inVpc(net.vpc()).build())
        .isEmpty());
    Plan undo = remediator.plan(UnblockIpAddress.of(
        BlockIpAddress.of("198.51.100.0/24").inVpc(net.vpc()).build()));
    assertTrue(undo.isEmpty());
    assertTrue(undo.warnings().get(0).contains("did not record"), undo.warnings().toString());
  }

  @Test
  void plan_allowAtRuleOne_refusesWithClearError(AwsEmulator aws) {
    Net net = net(aws);
    String aclId = acl(aws, net.vpc()).networkAclId();
    ec2(aws).createNetworkAclEntry(r -> r.networkAclId(aclId).egress(false).ruleNumber(1)
        .protocol("-1").ruleAction(RuleAction.ALLOW).cidrBlock("0.0.0.0/0"));
    RemediationException e = assertThrows(RemediationException.class, () ->
        Remediator.create(aws.scope()).plan(BlockIpAddress.of("203.0.113.7")
            .inSubnets(net.subnet1()).build()));
    assertTrue(e.getMessage().contains(aclId) && e.getMessage().contains("no free"),
        e.getMessage());
  }

  /**
   * Fills the ingress direction of the VPC's ACL up to {@code total} entries, counting every entry
   * (the default allow 100 and the default deny 32767 included), with one IPv6 entry among them.
   */
  static String fillIngress(AwsEmulator aws, Net net, int total) {
    NetworkAcl acl = acl(aws, net.vpc());
    String aclId = acl.networkAclId();
    int existing = (int) acl.entries().stream().filter(e -> !e.egress()).count();
    assertTrue(acl.entries().stream().anyMatch(e -> !e.egress() && e.ruleNumber() == 32767),
        "the default deny entry is there and must count");
    ec2(aws).createNetworkAclEntry(r -> r.networkAclId(aclId).egress(false).ruleNumber(9)
        .protocol("-1").ruleAction(RuleAction.DENY).ipv6CidrBlock("2001:db8::/64"));
    for (int i = 0; i < total - existing - 1; i++) {
      int n = 10 + i;
      ec2(aws).createNetworkAclEntry(r -> r.networkAclId(aclId).egress(false).ruleNumber(n)
          .protocol("6").portRange(p -> p.from(n).to(n)).ruleAction(RuleAction.DENY)
          .cidrBlock("192.0.2." + n + "/32"));
    }
    assertEquals(total, acl(aws, net.vpc()).entries().stream().filter(e -> !e.egress()).count());
    return aclId;
  }

  @Test
  void plan_quotaReachedCountingDefaultDenyAndIpv6_refusesUnlessRaised(AwsEmulator aws) {
    Net net = net(aws);
    String aclId = fillIngress(aws, net, 20);
    Remediator remediator = Remediator.create(aws.scope());
    RemediationException e = assertThrows(RemediationException.class, () -> remediator.plan(
        BlockIpAddress.of("203.0.113.7").inVpc(net.vpc()).build()));
    assertTrue(e.getMessage().contains(aclId) && e.getMessage().contains("already has 20 ingress")
        && e.getMessage().contains("quota of 20"), e.getMessage());
    assertTrue(e.getMessage().contains("set blockIp.maxEntriesPerDirection=N (Java: "
        + "maxEntriesPerDirection(N))"), "names the CLI setting and the Java call: " + e.getMessage());
    assertEquals(3, remediator.plan(BlockIpAddress.of("203.0.113.7").inVpc(net.vpc())
        .maxEntriesPerDirection(40).build()).steps().size());
  }

  @Test
  void plan_quotaBoundary_nineteenEntriesTakeOneMoreTwentyDoNot(AwsEmulator aws) {
    Net net = net(aws);
    String aclId = fillIngress(aws, net, 19);
    Remediator remediator = Remediator.create(aws.scope());
    BlockIpAddress block = BlockIpAddress.of("203.0.113.7").inVpc(net.vpc()).build();
    Plan plan = remediator.plan(block);
    assertEquals(3, plan.steps().size(), plan.toText());
    remediator.apply(plan);
    assertEquals(20, acl(aws, net.vpc()).entries().stream().filter(e -> !e.egress()).count(),
        "exactly at the quota after the block");
    assertTrue(remediator.plan(block).isEmpty(), "blocked: no change, no refusal");
    // Exactly at the quota now: one more address is refused, 19 counted entries are not the limit.
    RemediationException e = assertThrows(RemediationException.class, () -> remediator.plan(
        BlockIpAddress.of("203.0.113.8").inVpc(net.vpc()).build()));
    assertTrue(e.getMessage().contains(aclId) && e.getMessage().contains("quota of 20"),
        e.getMessage());
    assertEquals(3, remediator.plan(BlockIpAddress.of("203.0.113.8").inVpc(net.vpc())
        .maxEntriesPerDirection(21).build()).steps().size());
  }

  @Test
  void apply_ipv6Address_usesIpv6EntryAndSlash128(AwsEmulator aws) {
    Net net = net(aws);
    Remediator remediator = Remediator.create(aws.scope());
    BlockIpAddress block = BlockIpAddress.of("2001:DB8::1").inSubnets(net.subnet1()).build();
    assertEquals("2001:db8::1/128", block.spec().parameters().get("address"));
    remediator.apply(remediator.plan(block));
    assertTrue(acl(aws, net.vpc()).entries().stream().anyMatch(e -> "2001:db8::1/128"
        .equals(e.ipv6CidrBlock()) && e.ruleAction() == RuleAction.DENY && !e.egress()));
    assertTrue(remediator.plan(block).isEmpty());
  }

  @Test
  void apply_entryAddedSincePlan_refusesStalePlan(AwsEmulator aws) {
    Net net = net(aws);
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(BlockIpAddress.of("203.0.113.7").inVpc(net.vpc()).build());
    ec2(aws).createNetworkAclEntry(r -> r.networkAclId(acl(aws, net.vpc()).networkAclId())
        .egress(false).ruleNumber(99).protocol("-1").ruleAction(RuleAction.DENY)
        .cidrBlock("192.0.2.1/32"));
    assertThrows(StalePlanException.class, () -> remediator.apply(plan));
  }

  @Test
  void apply_egressEntryFails_recordKeptAndRetryCompletes(AwsEmulator aws) {
    Net net = net(aws);
    Remediator remediator = Remediator.create(aws.scope());
    BlockIpAddress block = BlockIpAddress.of("203.0.113.7").inVpc(net.vpc()).build();
    Plan plan = remediator.plan(block);
    aws.faults().failNth("CreateNetworkAclEntry", 2, Fault.of("NetworkAclEntryLimitExceeded"));

    ApplyFailedException e = assertThrows(ApplyFailedException.class, () -> remediator.apply(plan));

    assertEquals(ApplyResult.Status.FAILED, e.result().status());
    Plan retry = remediator.plan(block);
    assertEquals(List.of("CreateTags", "CreateNetworkAclEntry"),
        retry.steps().stream().map(Step::kind).toList(), retry.toText());
    remediator.apply(retry);
    assertEquals("egress=99,ingress=99", NetworkSupport.tags(acl(aws, net.vpc()).tags())
        .get("remediate:block:203.0.113.7/32"));
  }

  /** Blocks 203.0.113.7 in the VPC; @return the remediation that undoes it */
  static UnblockIpAddress blocked(AwsEmulator aws, Net net) {
    Remediator remediator = Remediator.create(aws.scope());
    remediator.apply(remediator.plan(BlockIpAddress.of("203.0.113.7").inVpc(net.vpc()).build()));
    return UnblockIpAddress.of(BlockIpAddress.of("203.0.113.7").inVpc(net.vpc()).build());
  }

  @Test
  void unblock_callBudget_oneReadToPlanAndOneCallPerEntry(AwsEmulator aws) {
    Net net = net(aws);
    Set<String> original = entries(acl(aws, net.vpc()));
    UnblockIpAddress unblock = blocked(aws, net);
    Remediator remediator = Remediator.create(aws.scope());
    aws.recorder().reset();

    Plan plan = remediator.plan(unblock);

    assertEquals(Map.of("Ec2.DescribeNetworkAcls", 1), aws.recorder().counts(), "plan budget");
    aws.recorder().reset();
    remediator.apply(plan);
    // the re-plan (stale check), two entries, one tag, the verification plan
    assertEquals(Map.of("Ec2.DescribeNetworkAcls", 2, "Ec2.DeleteNetworkAclEntry", 2,
        "Ec2.DeleteTags", 1), aws.recorder().counts(), "apply budget");
    assertEquals(original, entries(acl(aws, net.vpc())));
  }

  @Test
  void unblock_unrelatedEntryAddedSincePlan_stillRemovesExactlyItsOwnEntries(AwsEmulator aws) {
    Net net = net(aws);
    UnblockIpAddress unblock = blocked(aws, net);
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(unblock);
    assertEquals(3, plan.steps().size(), plan.toText());
    ec2(aws).createNetworkAclEntry(r -> r.networkAclId(acl(aws, net.vpc()).networkAclId())
        .egress(false).ruleNumber(50).protocol("-1").ruleAction(RuleAction.DENY)
        .cidrBlock("192.0.2.1/32"));

    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(plan).status(),
        "another address's deny is not what was reviewed, so it does not make the plan stale");

    NetworkAcl after = acl(aws, net.vpc());
    assertTrue(entries(after).stream().anyMatch(e -> e.contains("192.0.2.1/32")),
        entries(after).toString());
    assertTrue(entries(after).stream().noneMatch(e -> e.contains("203.0.113.7/32")),
        entries(after).toString());
    assertEquals(null, NetworkSupport.tags(after.tags()).get("remediate:block:203.0.113.7/32"));
  }

  @Test
  void unblock_recordChangedSincePlan_isStaleAndDeletesNothing(AwsEmulator aws) {
    Net net = net(aws);
    UnblockIpAddress unblock = blocked(aws, net);
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(unblock);
    String acl = acl(aws, net.vpc()).networkAclId();
    ec2(aws).createTags(r -> r.resources(acl).tags(t -> t.key("remediate:block:203.0.113.7/32")
        .value("egress=99,ingress=98")));
    Set<String> before = entries(acl(aws, net.vpc()));

    assertThrows(StalePlanException.class, () -> remediator.apply(plan));

    assertEquals(before, entries(acl(aws, net.vpc())));
  }

  @Test
  void unblock_secondDeleteFails_recordKeptAndRetryFinishes(AwsEmulator aws) {
    Net net = net(aws);
    Set<String> original = entries(acl(aws, net.vpc()));
    UnblockIpAddress unblock = blocked(aws, net);
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(unblock);
    aws.faults().failNth("DeleteNetworkAclEntry", 2, Fault.of("UnauthorizedOperation"));

    ApplyFailedException e = assertThrows(ApplyFailedException.class, () -> remediator.apply(plan));

    assertEquals(ApplyResult.Status.FAILED, e.result().status());
    NetworkAcl half = acl(aws, net.vpc());
    assertEquals(1, half.entries().stream().filter(x -> "203.0.113.7/32".equals(x.cidrBlock()))
        .count(), "one entry removed, one left: " + entries(half));
    assertEquals("egress=99,ingress=99", NetworkSupport.tags(half.tags())
        .get("remediate:block:203.0.113.7/32"), "the record stays until every entry is gone");
    Plan retry = remediator.plan(unblock);
    assertEquals(List.of("DeleteNetworkAclEntry", "DeleteTags"),
        retry.steps().stream().map(Step::kind).toList(), retry.toText());
    remediator.apply(retry);
    NetworkAcl after = acl(aws, net.vpc());
    assertEquals(original, entries(after));
    assertTrue(NetworkSupport.tags(after.tags()).isEmpty());
  }

  @Test
  void apply_planReadBackFromJson_appliesThroughCatalog(AwsEmulator aws) {
    Net net = net(aws);
    Remediator remediator = Remediator.create(aws.scope());
    Plan plan = remediator.plan(BlockIpAddress.of("203.0.113.0/24").inVpc(net.vpc()).build());
    Plan read = Plan.fromJson(plan.toJson());
    assertEquals(plan, read);
    assertEquals(ApplyResult.Status.APPLIED, remediator.apply(read).status());
  }

  @Test
  void fromSpec_roundTrip_andBadInput() {
    RemediationCatalog catalog = RemediationCatalog.load();
    List<Remediation> all = List.of(
        BlockIpAddress.of("203.0.113.7").inVpc("vpc-0123456789abcdef0").build(),
        BlockIpAddress.of("2001:db8::/48").inSubnets("subnet-00000001", "subnet-00000002")
            .maxEntriesPerDirection(40).build(),
        UnblockIpAddress.of(
            BlockIpAddress.of("203.0.113.7").inVpc("vpc-0123456789abcdef0").build()),
        UnblockIpAddress.of(
            BlockIpAddress.of("10.1.2.3/8").inSubnets("subnet-00000001").build()));
    for (Remediation r : all) {
      assertEquals(r, catalog.fromSpec(r.spec()), r.toString());
    }
    assertEquals("10.0.0.0/8", all.get(3).spec().parameters().get("address"));
    assertBad("999.1.1.1", () -> BlockIpAddress.of("999.1.1.1").inVpc("vpc-00000001").build());
    assertBad("either", () -> BlockIpAddress.of("203.0.113.7").build());
    assertBad("either", () -> BlockIpAddress.of("203.0.113.7").inVpc("vpc-00000001")
        .inSubnets("subnet-00000001").build());
    assertBad("subnet-x", () -> UnblockIpAddress.of(
        BlockIpAddress.of("203.0.113.7").inSubnets("subnet-x").build()));
    assertBad("41", () -> BlockIpAddress.of("203.0.113.7").inVpc("vpc-00000001")
        .maxEntriesPerDirection(41).build());
  }

  private static void assertBad(String named, org.junit.jupiter.api.function.Executable build) {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class, build);
    assertTrue(e.getMessage().contains(named), e.getMessage());
  }
}
