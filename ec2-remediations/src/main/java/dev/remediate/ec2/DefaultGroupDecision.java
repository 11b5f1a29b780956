package dev.remediate.ec2;

import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.SecurityGroupObserver.Group;
import dev.remediate.ec2.SecurityGroupObserver.Observation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The decision of {@link RestrictDefaultSecurityGroup}, with no AWS call: a default group with no
 * rules is compliant; one carrying the opt-out tag is skipped; otherwise every rule is revoked, one
 * step per rule, ingress first. When network interfaces use the group, the plan warns that they
 * will lose traffic and flags its steps {@link Flag#DISRUPTIVE} (an interface attached after the
 * review therefore makes the plan stale).
 */
final class DefaultGroupDecision {
  private final String optOutTagKey;
  private final String optOutReason;

  /**
   * @param optOutTagKey a group carrying this tag key is left alone
   * @param optOutReason the reason recorded for it
   */
  DefaultGroupDecision(String optOutTagKey, String optOutReason) {
    this.optOutTagKey = optOutTagKey;
    this.optOutReason = optOutReason;
  }

  /**
   * Decides every observed default group.
   *
   * @param observation the default groups
   * @return one group plan per group, by group id
   */
  List<GroupPlan> decide(Observation observation) {
    return observation.groups().stream().map(this::decide).toList();
  }

  private GroupPlan decide(Group group) {
    if (group.tags().containsKey(optOutTagKey)) {
      return new GroupPlan(group.groupId(), group.vpcId(), List.of(), List.of(),
          List.of(Skip.of(group.groupId(), optOutReason)));
    }
    Set<Flag> flags = group.interfaces().isEmpty() ? EnumSet.noneOf(Flag.class)
        : EnumSet.of(Flag.DISRUPTIVE);
    List<GroupRule> rules = new ArrayList<>(group.rules());
    rules.sort(Comparator.comparing(GroupRule::egress).thenComparing(GroupRule::id));
    List<Step> steps = rules.stream().map(rule -> RuleRevocation.step(rule, "revoke "
        + RuleRevocation.text(rule) + " of the default security group of " + group.vpcId(),
        flags)).toList();
    return new GroupPlan(group.groupId(), group.vpcId(), steps, warnings(group), List.of());
  }

  private static List<String> warnings(Group group) {
    if (group.interfaces().isEmpty() || group.rules().isEmpty()) {
      return List.of();
    }
    return List.of("Default security group " + group.groupId() + " of " + group.vpcId()
        + " is used by " + group.interfaces().size() + " network interface(s) ("
        + String.join(", ", group.interfaces()) + "); they will lose all traffic the removed "
        + "rules allowed. Move them to a dedicated group first.");
  }
}
