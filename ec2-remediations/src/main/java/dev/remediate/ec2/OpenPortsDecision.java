package dev.remediate.ec2;

import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.SecurityGroupObserver.Group;
import dev.remediate.ec2.SecurityGroupObserver.Observation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The decision of {@link RestrictSecurityGroup}, with no AWS call. An ingress rule is offending when
 * its source is the world ({@code 0.0.0.0/0}, {@code ::/0}) and its protocol and port range cover a
 * sensitive port (an all-traffic rule always does). For each offending rule: the replacements to
 * authorize first (same protocol and ports from each replacement CIDR of the same family, unless
 * already present), then its revocation. A group carrying the opt-out tag gets an empty plan
 * listing its offending rules as skipped.
 */
final class OpenPortsDecision {
  static final String AUTHORIZE = "AuthorizeSecurityGroupIngress";

  /** One planned change: authorize a narrower replacement, or revoke an offending rule. */
  record Change(boolean authorize, GroupRule rule, String replaces) {}

  private final SortedSet<Integer> ports;
  private final boolean allPortsExcept;
  private final List<String> replacements;

  /**
   * @param ports the sensitive ports, or the allowed ones when {@code allPortsExcept}
   * @param allPortsExcept true when every port but {@code ports} is sensitive
   * @param replacements CIDRs that replace a revoked rule's world source
   */
  OpenPortsDecision(SortedSet<Integer> ports, boolean allPortsExcept, List<String> replacements) {
    this.ports = ports;
    this.allPortsExcept = allPortsExcept;
    this.replacements = List.copyOf(replacements);
  }

  /**
   * Decides every observed group.
   *
   * @param observation the groups and their rules
   * @param optOutTagKey a group carrying this tag key is left alone
   * @param optOutReason the reason recorded for it
   * @return one group plan per group, by group id
   */
  List<GroupPlan> decide(Observation observation, String optOutTagKey, String optOutReason) {
    List<GroupPlan> plans = new ArrayList<>();
    for (Group group : observation.groups()) {
      List<GroupRule> ingress = group.rules().stream().filter(r -> !r.egress()).toList();
      if (group.tags().containsKey(optOutTagKey)) {
        plans.add(new GroupPlan(group.groupId(), group.vpcId(), List.of(), List.of(),
            ingress.stream().filter(this::isOffending)
                .map(r -> Skip.of(r.groupId() + " " + r.id(), optOutReason)).toList()));
      } else {
        plans.add(plan(group, changes(ingress)));
      }
    }
    return plans;
  }

  private GroupPlan plan(Group group, List<Change> changes) {
    List<Step> steps = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (Change change : changes) {
      GroupRule rule = change.rule();
      if (change.authorize()) {
        steps.add(authorize(rule, change.replaces()));
        continue;
      }
      if (coversOtherPorts(rule)) {
        warnings.add(rule.id() + " in " + rule.groupId() + " opens " + rule.portText()
            + ": revoking it also closes the non-sensitive ports it covers");
      }
      steps.add(RuleRevocation.step(rule, "revoke " + rule.portText() + " from " + rule.source()
          + " in " + rule.groupId(), EnumSet.noneOf(Flag.class)));
    }
    return new GroupPlan(group.groupId(), group.vpcId(), steps, warnings, List.of());
  }

  private static Step authorize(GroupRule rule, String replaces) {
    return Step.builder().kind(AUTHORIZE).action(Action.ADD)
        .resource(rule.groupId())
        .summary("allow " + rule.portText() + " from " + rule.source() + " to replace " + replaces)
        .after(rule.portText() + " from " + rule.source())
        .putParameters("protocol", rule.protocol())
        .putParameters("fromPort", String.valueOf(rule.fromPort()))
        .putParameters("toPort", String.valueOf(rule.toPort()))
        .putParameters("cidr", rule.source())
        .putParameters("replaces", replaces)
        .build();
  }

  /**
   * The changes for some ingress rules: for every offending rule, the replacements to authorize
   * (those not already present) and the revocation. Changes of each group stay together, every
   * authorization of a group before any of its revocations (the revocations of a group go in one
   * call, which must not run before a later rule's replacement exists).
   *
   * @param rules the ingress rules of the groups concerned
   * @return the changes in execution order
   */
  List<Change> changes(List<GroupRule> rules) {
    Set<String> present = new LinkedHashSet<>();
    rules.forEach(r -> present.add(key(r)));
    Map<String, List<Change>> byGroup = new TreeMap<>();
    List<GroupRule> sorted = new ArrayList<>(rules);
    sorted.sort(Comparator.comparing(GroupRule::groupId).thenComparing(GroupRule::id));
    for (GroupRule rule : sorted) {
      if (isOffending(rule)) {
        List<Change> changes = byGroup.computeIfAbsent(rule.groupId(), g -> new ArrayList<>());
        changes.addAll(replacementsOf(rule, present));
        changes.add(new Change(false, rule, rule.id()));
      }
    }
    List<Change> all = new ArrayList<>();
    for (List<Change> changes : byGroup.values()) {
      changes.stream().filter(Change::authorize).forEach(all::add);
      changes.stream().filter(c -> !c.authorize()).forEach(all::add);
    }
    return all;
  }

  private List<Change> replacementsOf(GroupRule rule, Set<String> present) {
    List<Change> changes = new ArrayList<>();
    boolean v6 = rule.cidrIpv6() != null;
    for (String cidr : replacements) {
      if (NetworkSupport.isIpv6(cidr) != v6) {
        continue;
      }
      GroupRule replacement = new GroupRule("(new)", rule.groupId(), false, rule.protocol(),
          rule.fromPort(), rule.toPort(), v6 ? null : cidr, v6 ? cidr : null, null, null);
      if (present.add(key(replacement))) {
        changes.add(new Change(true, replacement, rule.id()));
      }
    }
    return changes;
  }

  private static String key(GroupRule r) {
    return r.groupId() + "|" + r.protocol() + "|" + r.fromPort() + "|" + r.toPort() + "|"
        + r.source();
  }

  /**
   * Tells whether a rule is offending.
   *
   * @param rule a rule
   * @return true for a world-open ingress rule covering a sensitive port
   */
  boolean isOffending(GroupRule rule) {
    if (rule.egress() || !rule.openToWorld()) {
      return false;
    }
    if (rule.allTraffic()) {
      return true;
    }
    if (!GroupRule.hasPorts(rule.protocol())) {
      return false;
    }
    if (!allPortsExcept) {
      return !ports.subSet(rule.fromPort(), rule.toPort() + 1).isEmpty();
    }
    if ((long) rule.toPort() - rule.fromPort() + 1 > ports.size()) {
      return true;
    }
    for (int p = rule.fromPort(); p <= rule.toPort(); p++) {
      if (!ports.contains(p)) {
        return true;
      }
    }
    return false;
  }

  /** @return true when revoking the rule also closes ports that are not sensitive */
  private boolean coversOtherPorts(GroupRule rule) {
    if (rule.allTraffic()) {
      return true;
    }
    if (allPortsExcept) {
      return !ports.subSet(rule.fromPort(), rule.toPort() + 1).isEmpty();
    }
    return (long) rule.toPort() - rule.fromPort() + 1
        > ports.subSet(rule.fromPort(), rule.toPort() + 1).size();
  }
}
