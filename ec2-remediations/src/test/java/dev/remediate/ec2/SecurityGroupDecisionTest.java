package dev.remediate.ec2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.SecurityGroupObserver.Group;
import dev.remediate.ec2.SecurityGroupObserver.Observation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decisions of both security group remediations, on hand-made observations: no emulator. */
class SecurityGroupDecisionTest {
  private static final String SKIP = "remediate:skip";

  private static GroupRule rule(String id, String group, boolean egress, String protocol,
      int from, int to, String cidr) {
    return new GroupRule(id, group, egress, protocol, from, to,
        cidr.contains(":") ? null : cidr, cidr.contains(":") ? cidr : null, null, null);
  }

  private static GroupRule self(String id, String group) {
    return new GroupRule(id, group, false, "-1", 0, 65535, null, null, null, group);
  }

  private static Group group(String id, Map<String, String> tags, List<String> interfaces,
      GroupRule... rules) {
    return new Group(id, "vpc-" + id.substring(3), tags, List.of(rules), interfaces);
  }

  private static List<GroupPlan> defaults(Group... groups) {
    return new DefaultGroupDecision(SKIP, "opted out")
        .decide(new Observation(List.of(groups), Set.of()));
  }

  private static List<GroupPlan> openPorts(Group... groups) {
    return new OpenPortsDecision(RestrictSecurityGroup.DEFAULT_PORTS, false, List.of())
        .decide(new Observation(List.of(groups), Set.of()), SKIP, "opted out");
  }

  @Test
  void defaults_awsDefaultRules_oneRevokePerRuleIngressFirst() {
    List<GroupPlan> plans = defaults(group("sg-1", Map.of(), List.of(),
        rule("sgr-a", "sg-1", true, "-1", 0, 65535, "0.0.0.0/0"), self("sgr-b", "sg-1")));

    List<Step> steps = plans.get(0).steps();
    assertEquals(List.of("RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress"),
        steps.stream().map(Step::kind).toList());
    assertEquals(List.of("sgr-b", "sgr-a"), steps.stream().map(s -> s.parameter("ruleId")).toList());
    assertEquals(List.of("sg-1", "0.0.0.0/0"), steps.stream().map(s -> s.parameter("source"))
        .toList());
    assertTrue(steps.stream().allMatch(s -> s.resource().equals("sg-1") && s.flags().isEmpty()));
    assertEquals(List.of(), plans.get(0).warnings());
  }

  @Test
  void defaults_usedByInterfaces_flagsDisruptiveAndWarnsNamingThem() {
    GroupPlan plan = defaults(group("sg-1", Map.of(), List.of("eni-1 on i-1"),
        self("sgr-b", "sg-1"))).get(0);

    assertEquals(Set.of(Flag.DISRUPTIVE), plan.steps().get(0).flags());
    assertTrue(plan.warnings().get(0).contains("eni-1 on i-1"), plan.warnings().toString());
  }

  @Test
  void defaults_noRulesOrOptedOut_emptyPlansTheSkipRecorded() {
    List<GroupPlan> plans = defaults(group("sg-1", Map.of(), List.of()),
        group("sg-2", Map.of(SKIP, ""), List.of(), self("sgr-c", "sg-2")));

    assertEquals(List.of("sg-1", "sg-2"), plans.stream().map(GroupPlan::groupId).toList());
    assertTrue(plans.stream().allMatch(p -> p.steps().isEmpty()));
    assertEquals(List.of(), plans.get(0).skipped());
    assertEquals("sg-2", plans.get(1).skipped().get(0).resource());
  }

  @Test
  void openPorts_sshToTheWorld_onePlanPerGroupOnlyOffendingRules() {
    List<GroupPlan> plans = openPorts(
        group("sg-1", Map.of(), List.of(), rule("sgr-1", "sg-1", false, "tcp", 22, 22, "0.0.0.0/0"),
            rule("sgr-2", "sg-1", false, "tcp", 22, 22, "::/0"),
            rule("sgr-3", "sg-1", false, "tcp", 443, 443, "0.0.0.0/0"),
            rule("sgr-4", "sg-1", true, "-1", 0, 65535, "0.0.0.0/0")),
        group("sg-2", Map.of(), List.of(), rule("sgr-5", "sg-2", false, "tcp", 22, 22,
            "10.0.0.0/8")));

    assertEquals(List.of("sgr-1", "sgr-2"), plans.get(0).steps().stream()
        .map(s -> s.parameter("ruleId")).toList());
    assertEquals("ingress tcp 22 from ::/0", plans.get(0).steps().get(1).before().orElseThrow());
    assertEquals(List.of(), plans.get(1).steps(), "sg-2 is compliant: an empty plan");
  }

  @Test
  void openPorts_ruleWidenedInPlace_stepIdentityDiffersOnTheSameGroup() {
    Step reviewed = openPorts(group("sg-1", Map.of(), List.of(),
        rule("sgr-1", "sg-1", false, "tcp", 22, 22, "0.0.0.0/0"))).get(0).steps().get(0);
    Step now = openPorts(group("sg-1", Map.of(), List.of(),
        rule("sgr-1", "sg-1", false, "tcp", 0, 65535, "0.0.0.0/0"))).get(0).steps().get(0);

    assertEquals(reviewed.kind() + reviewed.resource(), now.kind() + now.resource());
    assertNotEquals(reviewed.identity(), now.identity());
  }

  @Test
  void openPorts_changeInAnotherGroup_leavesThisGroupsStepsAlike() {
    Group web = group("sg-1", Map.of(), List.of(),
        rule("sgr-1", "sg-1", false, "tcp", 22, 22, "0.0.0.0/0"));
    List<GroupPlan> before = openPorts(web,
        group("sg-2", Map.of(), List.of(), rule("sgr-2", "sg-2", false, "tcp", 3389, 3389,
            "0.0.0.0/0")));
    List<GroupPlan> after = openPorts(web, group("sg-2", Map.of(), List.of()),
        group("sg-3", Map.of(), List.of(), rule("sgr-3", "sg-3", false, "tcp", 80, 80,
            "0.0.0.0/0")));

    assertEquals(before.get(0), after.get(0));
  }

  @Test
  void openPorts_optedOut_emptyPlanSkippingItsOffendingRules() {
    GroupPlan plan = openPorts(group("sg-1", Map.of(SKIP, "x"), List.of(),
        rule("sgr-1", "sg-1", false, "tcp", 22, 22, "0.0.0.0/0"),
        rule("sgr-2", "sg-1", false, "tcp", 443, 443, "0.0.0.0/0"))).get(0);

    assertEquals(List.of(), plan.steps());
    assertEquals(List.of("sg-1 sgr-1"), plan.skipped().stream().map(s -> s.resource()).toList());
  }

  @Test
  void openPorts_replacement_authorizedBeforeTheRevocationNamingWhatItReplaces() {
    GroupPlan plan = new OpenPortsDecision(RestrictSecurityGroup.DEFAULT_PORTS, false,
        List.of("10.0.0.0/8")).decide(new Observation(List.of(group("sg-1", Map.of(), List.of(),
            rule("sgr-1", "sg-1", false, "tcp", 22, 22, "0.0.0.0/0"))), Set.of()), SKIP, "x")
        .get(0);

    assertEquals(List.of("AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress"),
        plan.steps().stream().map(Step::kind).toList());
    assertEquals("sgr-1", plan.steps().get(0).parameter("replaces"));
    assertEquals("10.0.0.0/8", plan.steps().get(0).parameter("cidr"));
  }
}
