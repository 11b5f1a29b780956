package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import dev.remediate.core.plan.Target;
import dev.remediate.ec2.QuarantineObserver.Observation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileAssociation;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

/** {@link QuarantineDecision} with hand-made observations: no emulator, no AWS call. */
class QuarantineDecisionTest {
  private static final String INSTANCE = "i-0123456789abcdef0";
  private static final String VPC = "vpc-0123456789abcdef0";
  private static final String PROFILE = "arn:aws:iam::111122223333:instance-profile/app";

  private static NetworkInterface eni(String id, String... groups) {
    return NetworkInterface.builder().networkInterfaceId(id)
        .groups(java.util.Arrays.stream(groups).map(g -> software.amazon.awssdk.services.ec2.model
            .GroupIdentifier.builder().groupId(g).build()).toList()).build();
  }

  private static SecurityGroup isolation(boolean tagged) {
    return SecurityGroup.builder().groupId("sg-0150000000000000a").groupName("remediate-quarantine")
        .vpcId(VPC).tags(tagged ? List.of(software.amazon.awssdk.services.ec2.model.Tag.builder()
            .key(QuarantineInstance.GROUP_TAG).value("isolation").build()) : List.of()).build();
  }

  private static Optional<IamInstanceProfileAssociation> association() {
    return Optional.of(IamInstanceProfileAssociation.builder().associationId("iip-assoc-1")
        .iamInstanceProfile(p -> p.arn(PROFILE)).build());
  }

  private static Observation observed(Map<String, String> tags, String state,
      SecurityGroup isolation, List<SecurityGroupRule> rules, List<NetworkInterface> enis,
      Optional<IamInstanceProfileAssociation> profile) {
    return new Observation(INSTANCE, tags, state, VPC, isolation, rules, enis, profile);
  }

  private static Plan.Builder plan() {
    return Plan.builder().remediation(RemediationSpec.of(QuarantineInstance.ID, Map.of()))
        .target(Target.of("AWS::EC2::Instance", INSTANCE, "eu-west-1", "111122223333"))
        .observedAt(Instant.EPOCH);
  }

  private static List<String> kinds(Plan p) {
    return p.steps().stream().map(Step::kind).toList();
  }

  @Test
  void firstQuarantineCreatesTheGroupRecordsOriginalsThenMovesEachInterface() {
    Plan.Builder b = plan();
    QuarantineDecision.quarantine(observed(Map.of(), "running", null, List.of(),
        List.of(eni("eni-2", "sg-b", "sg-a"), eni("eni-1", "sg-c")), association()),
        "remediate-quarantine", b);
    Plan p = b.build();
    assertEquals(List.of("CreateSecurityGroup", "RevokeSecurityGroupEgress", "CreateTags",
        "ModifyNetworkInterfaceAttribute", "ModifyNetworkInterfaceAttribute",
        "DisassociateIamInstanceProfile"), kinds(p));
    Step record = p.steps().get(2);
    assertEquals("sg-a,sg-b", record.parameters().get("tag:remediate:quarantine:eni-2"));
    assertEquals("sg-c", record.parameters().get("tag:remediate:quarantine:eni-1"));
    assertEquals(PROFILE, record.parameters().get("tag:" + QuarantineInstance.PROFILE_TAG));
    assertTrue(p.steps().get(3).flags().contains(Flag.DISRUPTIVE));
    assertEquals(QuarantineDecision.NEW_GROUP, p.steps().get(3).parameter("group"));
    assertEquals(List.of(QuarantineInstance.TRACKING_WARNING), p.warnings());
  }

  @Test
  void anIsolatedInstanceWithAnEmptyGroupNeedsNothing() {
    Plan.Builder b = plan();
    QuarantineDecision.quarantine(observed(Map.of("remediate:quarantine:eni-1", "sg-c"),
        "running", isolation(true), List.of(), List.of(eni("eni-1", "sg-0150000000000000a")),
        Optional.empty()), "remediate-quarantine", b);
    assertEquals(List.of(), b.build().steps());
  }

  @Test
  void anExistingGroupIsEmptiedAndAnEarlierRecordIsNotOverwritten() {
    Plan.Builder b = plan();
    List<SecurityGroupRule> rules = List.of(SecurityGroupRule.builder().isEgress(false).build(),
        SecurityGroupRule.builder().isEgress(true).build());
    QuarantineDecision.quarantine(observed(Map.of("remediate:quarantine:eni-1", "sg-orig"),
        "stopped", isolation(true), rules, List.of(eni("eni-1", "sg-new")), Optional.empty()),
        "remediate-quarantine", b);
    Plan p = b.build();
    assertEquals(List.of("RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
        "ModifyNetworkInterfaceAttribute"), kinds(p));
    assertEquals("sg-0150000000000000a", p.steps().get(2).parameter("group"));
  }

  @Test
  void refusesAForeignGroupATerminatedInstanceAndARecordAwsCannotStore() {
    assertThrows(RemediationException.class, () -> QuarantineDecision.quarantine(observed(
        Map.of(), "running", isolation(false), List.of(), List.of(eni("eni-1", "sg-c")),
        Optional.empty()), "remediate-quarantine", plan()));
    RemediationException terminated = assertThrows(RemediationException.class,
        () -> QuarantineDecision.quarantine(observed(Map.of(), "terminated", null, List.of(),
            List.of(), Optional.empty()), "remediate-quarantine", plan()));
    assertTrue(terminated.getMessage().contains("terminated"), terminated.getMessage());
    String[] many = IntStream.range(0, 16).mapToObj(i -> "sg-0123456789abcde" + (char) ('a' + i))
        .toArray(String[]::new);
    RemediationException tooLong = assertThrows(RemediationException.class,
        () -> QuarantineDecision.quarantine(observed(Map.of(), "running", null, List.of(),
            List.of(eni("eni-1", many)), Optional.empty()), "remediate-quarantine", plan()));
    assertTrue(tooLong.getMessage().contains("256"), tooLong.getMessage());
  }

  @Test
  void releaseRestoresRecordedGroupsAndProfileThenRemovesTheRecord() {
    Plan.Builder b = plan();
    QuarantineDecision.release(observed(Map.of("remediate:quarantine:eni-1", "sg-b,sg-a",
            "remediate:quarantine:eni-gone", "sg-x", QuarantineInstance.PROFILE_TAG, PROFILE),
        "running", null, List.of(), List.of(eni("eni-1", "sg-0150000000000000a")),
        Optional.empty()), b);
    Plan p = b.build();
    assertEquals(List.of("ModifyNetworkInterfaceAttribute", "AssociateIamInstanceProfile",
        "DeleteTags"), kinds(p));
    assertEquals("sg-a,sg-b", p.steps().get(0).parameter("groups"));
    assertEquals(PROFILE, p.steps().get(1).parameter("profile"));
    assertEquals(3, p.steps().get(2).parameters().size());
    assertTrue(p.warnings().stream().anyMatch(w -> w.contains("eni-gone")), p.warnings().toString());
  }

  @Test
  void releaseOfAnInstanceNeverQuarantinedIsEmpty() {
    Plan.Builder b = plan();
    QuarantineDecision.release(observed(Map.of("Name", "web"), "running", null, List.of(),
        List.of(eni("eni-1", "sg-a")), Optional.empty()), b);
    assertEquals(List.of(), b.build().steps());
  }
}
