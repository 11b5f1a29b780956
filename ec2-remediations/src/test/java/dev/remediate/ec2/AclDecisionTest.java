package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.NetworkAclAssociation;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.RuleAction;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * {@link AclDecision}, the decisions of {@link BlockIpAddress} and {@link UnblockIpAddress}, with
 * hand-made network ACLs: no emulator, no AWS call.
 */
class AclDecisionTest {
  private static final String VPC = "vpc-0abc1234";
  private static final IpBlockScope V4 =
      BlockIpAddress.of("203.0.113.7").inVpc(VPC).build().scope();
  private static final IpBlockScope V6 =
      BlockIpAddress.of("2001:db8::1").inVpc(VPC).build().scope();
  private static final String TAG = "remediate:block:203.0.113.7/32";
  private static final String SKIP = "remediate:skip";

  // ------------------------------------------------------------------ hand-made observations

  private static NetworkAclEntry entry(boolean egress, int number, RuleAction action,
      String cidr) {
    NetworkAclEntry.Builder b = NetworkAclEntry.builder().egress(egress).ruleNumber(number)
        .ruleAction(action).protocol("-1");
    return (cidr.contains(":") ? b.ipv6CidrBlock(cidr) : b.cidrBlock(cidr)).build();
  }

  /** AWS's default entries of a new ACL: allow all at 100, deny all at 32767, both directions. */
  private static List<NetworkAclEntry> defaults() {
    return List.of(entry(false, 100, RuleAction.ALLOW, "0.0.0.0/0"),
        entry(false, 32767, RuleAction.DENY, "0.0.0.0/0"),
        entry(true, 100, RuleAction.ALLOW, "0.0.0.0/0"),
        entry(true, 32767, RuleAction.DENY, "0.0.0.0/0"));
  }

  private static NetworkAcl acl(String id, Map<String, String> tags, List<NetworkAclEntry> entries,
      String... subnets) {
    return NetworkAcl.builder().networkAclId(id).vpcId(VPC)
        .associations(Arrays.stream(subnets)
            .map(s -> NetworkAclAssociation.builder().subnetId(s).networkAclId(id).build())
            .toList())
        .tags(tags.entrySet().stream()
            .map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList())
        .entries(entries).build();
  }

  private static List<NetworkAclEntry> with(List<NetworkAclEntry> base, NetworkAclEntry... more) {
    List<NetworkAclEntry> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }

  private static AclDecision.Outcome block(IpBlockScope scope, int max, NetworkAcl... acls) {
    return AclDecision.block(scope, max, List.of(acls), tags -> tags.containsKey(SKIP),
        "opted out");
  }

  /** kind action resource parameters after/before: what a reviewer approves. */
  private static List<String> described(AclDecision.Outcome o) {
    return o.steps().stream().map(s -> s.kind() + " " + s.action() + " " + s.resource() + " "
        + s.parameters() + " " + s.before().orElse("-") + " -> " + s.after().orElse("-"))
        .toList();
  }

  // ------------------------------------------------------------------ block

  @Test
  void block_newAcl_recordFirstThenDenyBothDirectionsJustBelowTheAllows() {
    AclDecision.Outcome o = block(V4, 20, acl("acl-1", Map.of(), defaults(), "subnet-b",
        "subnet-a"));

    assertEquals(List.of(
        "CreateTags ADD acl-1 {key=" + TAG + ", value=egress=99,ingress=99} - -> " + TAG
            + "=egress=99,ingress=99",
        "CreateNetworkAclEntry ADD acl-1 {direction=ingress, ruleNumber=99} - -> "
            + "99 deny -1 203.0.113.7/32",
        "CreateNetworkAclEntry ADD acl-1 {direction=egress, ruleNumber=99} - -> "
            + "99 deny -1 203.0.113.7/32"), described(o));
    assertEquals(List.of("Every subnet on acl-1 is affected: subnet-a, subnet-b"), o.warnings());
    assertEquals(List.of(), o.skipped());
  }

  @Test
  void block_alreadyDeniedBelowTheAllowsBothWays_compliantNoStepNoWarning() {
    AclDecision.Outcome o = block(V4, 20, acl("acl-1", Map.of(), with(defaults(),
        entry(false, 50, RuleAction.DENY, "203.0.113.7/32"),
        entry(true, 60, RuleAction.DENY, "203.0.113.7/32")), "subnet-a"));

    assertEquals(List.of(), o.steps());
    assertEquals(List.of(), o.warnings());
  }

  @Test
  void block_oneDirectionDone_onlyTheOtherAddedAndTheEarlierRecordKept() {
    AclDecision.Outcome o = block(V4, 20, acl("acl-1", Map.of(TAG, "ingress=99"), with(defaults(),
        entry(false, 99, RuleAction.DENY, "203.0.113.7/32"),
        entry(true, 99, RuleAction.DENY, "10.0.0.0/8")), "subnet-a"));

    assertEquals(List.of(
        "CreateTags ADD acl-1 {key=" + TAG + ", value=egress=98,ingress=99} - -> " + TAG
            + "=egress=98,ingress=99",
        "CreateNetworkAclEntry ADD acl-1 {direction=egress, ruleNumber=98} - -> "
            + "98 deny -1 203.0.113.7/32"), described(o));
  }

  @Test
  void block_denyAboveTheFirstAllowOrForAWiderCidr_doesNotCountAsBlocked() {
    AclDecision.Outcome o = block(V4, 20, acl("acl-1", Map.of(), with(defaults(),
        entry(false, 200, RuleAction.DENY, "203.0.113.7/32"),
        entry(true, 10, RuleAction.DENY, "203.0.113.0/24")), "subnet-a"));

    assertEquals(List.of("CreateTags", "CreateNetworkAclEntry", "CreateNetworkAclEntry"),
        o.steps().stream().map(Step::kind).toList());
    assertEquals("99", o.steps().get(1).parameter("ruleNumber"));
    assertEquals("99", o.steps().get(2).parameter("ruleNumber"));
  }

  @Test
  void block_ipv6_onlyIpv6AllowsBoundTheNumberAndTheCidrIsSlash128() {
    AclDecision.Outcome o = block(V6, 20, acl("acl-1", Map.of(), with(defaults(),
        entry(false, 50, RuleAction.ALLOW, "::/0"), entry(true, 40, RuleAction.ALLOW, "::/0"),
        entry(true, 39, RuleAction.DENY, "2001:db8::/32")), "subnet-a"));

    assertEquals(List.of("49 deny -1 2001:db8::1/128", "38 deny -1 2001:db8::1/128"),
        o.steps().stream().skip(1).map(s -> s.after().orElseThrow()).toList());
    assertEquals("egress=38,ingress=49", o.steps().get(0).parameter("value"));
    assertEquals("remediate:block:2001:db8::1/128", o.steps().get(0).parameter("key"));
  }

  @Test
  void block_optedOutAcl_skippedWhileTheOtherIsPlanned() {
    AclDecision.Outcome o = block(V4, 20,
        acl("acl-1", Map.of(SKIP, "yes"), defaults(), "subnet-a"),
        acl("acl-2", Map.of(), defaults(), "subnet-b"));

    assertEquals(List.of(Skip.of("acl-1", "opted out")), o.skipped());
    assertTrue(o.steps().stream().allMatch(s -> s.resource().equals("acl-2")), described(o)
        .toString());
    assertEquals(3, o.steps().size());
    assertEquals(List.of("Every subnet on acl-2 is affected: subnet-b"), o.warnings());
  }

  @Test
  void block_allowAtRuleOne_refusedNamingTheAclAndTheDirection() {
    NetworkAcl acl = acl("acl-1", Map.of(), with(defaults(),
        entry(false, 1, RuleAction.ALLOW, "10.0.0.0/8")), "subnet-a");

    RemediationException e = assertThrows(RemediationException.class, () -> block(V4, 20, acl));

    assertEquals("Network ACL acl-1 has no free ingress rule number below its first allow rule "
        + "1; renumber its entries to make room", e.getMessage());
  }

  @Test
  void block_everyNumberBelowTheAllowTaken_refused() {
    NetworkAcl acl = acl("acl-1", Map.of(), List.of(entry(true, 1, RuleAction.DENY, "10.0.0.0/8"),
        entry(true, 2, RuleAction.DENY, "10.0.0.1/32"),
        entry(true, 3, RuleAction.ALLOW, "0.0.0.0/0")), "subnet-a");

    RemediationException e = assertThrows(RemediationException.class, () -> block(V4, 20, acl));

    assertTrue(e.getMessage().startsWith("Network ACL acl-1 has no free egress rule number below "
        + "its first allow rule 3"), e.getMessage());
  }

  @Test
  void block_quotaCountsDefaultDenyAndIpv6_twentyRefusedNineteenTakeOneMore() {
    List<NetworkAclEntry> nineteen = new ArrayList<>(defaults());
    nineteen.add(entry(false, 32768, RuleAction.DENY, "::/0"));
    for (int n = 1; nineteen.stream().filter(e -> !e.egress()).count() < 19; n++) {
      nineteen.add(entry(false, 100 + n, RuleAction.ALLOW, "10.0.0." + n + "/32"));
    }
    List<NetworkAclEntry> twenty = with(nineteen, entry(false, 300, RuleAction.ALLOW, "::/0"));

    assertEquals("99", block(V4, 20, acl("acl-1", Map.of(), nineteen, "subnet-a")).steps().get(1)
        .parameter("ruleNumber"));
    RemediationException e = assertThrows(RemediationException.class,
        () -> block(V4, 20, acl("acl-1", Map.of(), twenty, "subnet-a")));
    assertTrue(e.getMessage().startsWith("Network ACL acl-1 already has 20 ingress entries (IPv4 "
        + "and IPv6, default deny included); one more exceeds the quota of 20"), e.getMessage());
    assertEquals(3, block(V4, 21, acl("acl-1", Map.of(), twenty, "subnet-a")).steps().size(),
        "a raised quota lets the block through");
  }

  @Test
  void block_sameObservationTwice_stepsOfEqualIdentity() {
    NetworkAcl acl = acl("acl-1", Map.of(), defaults(), "subnet-a");

    assertEquals(block(V4, 20, acl).steps().stream().map(Step::identity).toList(),
        block(V4, 20, acl).steps().stream().map(Step::identity).toList());
  }

  // ------------------------------------------------------------------ unblock

  @Test
  void unblock_recorded_deletesExactlyTheRecordedDeniesThenTheRecord() {
    AclDecision.Outcome o = AclDecision.unblock(V4, List.of(acl("acl-1",
        Map.of(TAG, "egress=98,ingress=99"), with(defaults(),
            entry(false, 99, RuleAction.DENY, "203.0.113.7/32"),
            entry(false, 90, RuleAction.DENY, "203.0.113.7/32"),
            entry(true, 98, RuleAction.DENY, "203.0.113.7/32")), "subnet-a")));

    assertEquals(List.of(
        "DeleteNetworkAclEntry REMOVE acl-1 {direction=egress, ruleNumber=98} "
            + "98 deny -1 203.0.113.7/32 -> -",
        "DeleteNetworkAclEntry REMOVE acl-1 {direction=ingress, ruleNumber=99} "
            + "99 deny -1 203.0.113.7/32 -> -",
        "DeleteTags REMOVE acl-1 {key=" + TAG + "} " + TAG + "=egress=98,ingress=99 -> -"),
        described(o));
    assertEquals(List.of(), o.warnings());
    assertTrue(o.steps().stream().allMatch(s -> s.action() == Action.REMOVE));
  }

  @Test
  void unblock_denyNobodyRecorded_leftAloneWithAWarning() {
    AclDecision.Outcome o = AclDecision.unblock(V4, List.of(acl("acl-1", Map.of(),
        with(defaults(), entry(false, 10, RuleAction.DENY, "203.0.113.7/32")), "subnet-a")));

    assertEquals(List.of(), o.steps());
    assertEquals(List.of("acl-1 denies 203.0.113.7/32 with an entry BlockIpAddress did not "
        + "record; it is left alone"), o.warnings());
  }

  @Test
  void unblock_recordedNumberNowHoldsSomethingElse_onlyTheRecordRemovedWithAWarning() {
    AclDecision.Outcome o = AclDecision.unblock(V4, List.of(acl("acl-1",
        Map.of(TAG, "egress=98,ingress=99,bogus=1,ingress=x"), with(defaults(),
            entry(false, 99, RuleAction.ALLOW, "203.0.113.7/32")), "subnet-a")));

    assertEquals(List.of("DeleteTags"), o.steps().stream().map(Step::kind).toList());
    assertEquals(List.of(
        "acl-1 egress rule 98 is no longer the deny for 203.0.113.7/32; it is left alone",
        "acl-1 ingress rule 99 is no longer the deny for 203.0.113.7/32; it is left alone"),
        o.warnings());
  }

  @Test
  void unblock_nothingBlocked_emptyOutcome() {
    AclDecision.Outcome o = AclDecision.unblock(V4, List.of(acl("acl-1", Map.of(), defaults(),
        "subnet-a")));

    assertEquals(List.of(), o.steps());
    assertEquals(List.of(), o.warnings());
  }

  @Test
  void record_parsedIgnoringHandEditedPartsAndWrittenSorted() {
    assertEquals(Map.of("ingress", 7, "egress", 9),
        AclDecision.parseRecord("ingress=7, egress=9,other=3,ingress"));
    assertEquals("egress=9,ingress=7", AclDecision.recordText(Map.of("ingress", 7, "egress", 9)));
  }
}
