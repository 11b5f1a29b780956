package dev.remediate.ec2;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Step;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The revoke step of the security group remediations: one step per rule, one AWS call per group and
 * direction.
 *
 * <p>A step is about its group ({@link Step#resource()}) and names in its parameters exactly what a
 * reviewer approved of the rule: its id, protocol, ports and source. So at apply, a rule revoked
 * meanwhile is "already done", a rule modified in place or replaced by another (e.g. wider) rule
 * makes its group's plan stale, and nothing about other groups matters.
 *
 * <p>Carrying out: the first revoke step of a group in one apply revokes, with one
 * {@code RevokeSecurityGroupIngress} (or {@code Egress}) call by {@code SecurityGroupRuleIds}, the
 * rules of every revoke step of that group and direction in the plan; the later steps find their
 * rule done. When the call names a rule already gone ({@code InvalidSecurityGroupRuleId.NotFound};
 * moto: {@code InvalidPermission.NotFound}), the group's rules are read again and those still
 * present revoked: two more calls, whatever the number of rules.
 */
final class RuleRevocation {
  static final String INGRESS = "RevokeSecurityGroupIngress";
  static final String EGRESS = "RevokeSecurityGroupEgress";
  private static final String DONE = "revoked:";

  private RuleRevocation() {}

  /**
   * The step revoking one rule.
   *
   * @param rule the rule
   * @param summary one line for a person
   * @param flags flags needing consent
   * @return the step
   */
  static Step step(GroupRule rule, String summary, Set<Flag> flags) {
    return Step.builder()
        .kind(rule.egress() ? EGRESS : INGRESS)
        .action(Action.REMOVE)
        .resource(rule.groupId())
        .summary(summary)
        .before(text(rule))
        .flags(flags)
        .putParameters("ruleId", rule.id())
        .putParameters("protocol", rule.protocol())
        .putParameters("fromPort", String.valueOf(rule.fromPort()))
        .putParameters("toPort", String.valueOf(rule.toPort()))
        .putParameters("source", rule.source())
        .build();
  }

  /** @return e.g. {@code ingress tcp 22 from 0.0.0.0/0} */
  static String text(GroupRule rule) {
    return (rule.egress() ? "egress " : "ingress ") + rule.portText()
        + (rule.egress() ? " to " : " from ") + rule.source();
  }

  /** @return true for the kinds of step {@link #execute} carries out */
  static boolean isRevoke(Step step) {
    return INGRESS.equals(step.kind()) || EGRESS.equals(step.kind());
  }

  /**
   * Carries out a revoke step of the plan being applied (see the class comment).
   *
   * @param ec2 the client
   * @param step the step
   * @param context the apply's context: its plan and outputs
   */
  static void execute(Ec2Client ec2, Step step, RemediationContext context) {
    if (!isRevoke(step)) {
      throw new InvalidRemediationException("Not a revoke step: " + step.kind());
    }
    if (context.outputs().containsKey(DONE + step.parameter("ruleId"))) {
      return;
    }
    List<String> ruleIds = context.plan().steps().stream()
        .filter(s -> s.kind().equals(step.kind()) && s.resource().equals(step.resource()))
        .map(s -> s.parameter("ruleId"))
        .filter(id -> !context.outputs().containsKey(DONE + id))
        .toList();
    revoke(ec2, step.resource(), ruleIds, EGRESS.equals(step.kind()));
    ruleIds.forEach(id -> context.outputs().put(DONE + id, step.kind()));
  }

  private static void revoke(Ec2Client ec2, String groupId, List<String> ruleIds, boolean egress) {
    try {
      call(ec2, groupId, ruleIds, egress);
    } catch (AwsServiceException e) {
      if (!SecurityGroupRules.isRuleGone(e)) {
        throw e;
      }
      Set<String> present = ec2.describeSecurityGroupRulesPaginator(r -> r.filters(
              NetworkSupport.filter("group-id", List.of(groupId))))
          .securityGroupRules().stream().map(r -> r.securityGroupRuleId())
          .collect(Collectors.toSet());
      List<String> remaining = ruleIds.stream().filter(present::contains).toList();
      if (!remaining.isEmpty()) {
        call(ec2, groupId, remaining, egress);
      }
    }
  }

  /** A non-empty {@code UnknownIpPermissions} means some rules were gone: done as well. */
  private static void call(Ec2Client ec2, String groupId, List<String> ruleIds, boolean egress) {
    if (egress) {
      ec2.revokeSecurityGroupEgress(r -> r.groupId(groupId).securityGroupRuleIds(ruleIds));
    } else {
      ec2.revokeSecurityGroupIngress(r -> r.groupId(groupId).securityGroupRuleIds(ruleIds));
    }
  }
}
