package dev.remediate.ec2;

import static dev.remediate.ec2.NetworkSupport.splitCsv;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.NetworkAclAssociation;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.RuleAction;

/**
 * The decisions of {@link BlockIpAddress} and {@link UnblockIpAddress}, with no AWS call: from the
 * observed network ACLs (the SDK's immutable {@link NetworkAcl}s, in ACL id order) to the steps.
 * Unit-tested with hand-made ACLs.
 */
final class AclDecision {
  /** The number of the default deny entry of each direction; allows above it do not count. */
  static final int DEFAULT_RULE = 32767;

  private AclDecision() {}

  /**
   * What a decision wants for one VPC or set of subnets, before it becomes a plan.
   *
   * @param steps the changes, in order; empty when nothing is to be done
   * @param warnings what the reviewer should know
   * @param skipped ACLs left alone on purpose, and why
   */
  record Outcome(List<Step> steps, List<String> warnings, List<Skip> skipped) {
    Outcome {
      steps = List.copyOf(steps);
      warnings = List.copyOf(warnings);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * Blocks: per ACL not opted out, the directions not yet blocked get a deny entry, after a tag
   * recording their numbers (added to what an earlier block recorded).
   *
   * @param scope the CIDR and where
   * @param maxEntries the entries-per-direction quota
   * @param acls the ACLs associated with the scope's subnets
   * @param optedOut whether an ACL's tags opt it out
   * @param optOutReason the reason recorded for an opted-out ACL
   * @return the outcome
   * @throws RemediationException naming the ACL when no number is free or the quota is reached
   */
  static Outcome block(IpBlockScope scope, int maxEntries, List<NetworkAcl> acls,
      Predicate<Map<String, String>> optedOut, String optOutReason) {
    List<Step> steps = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<Skip> skipped = new ArrayList<>();
    for (NetworkAcl acl : acls) {
      Map<String, String> tags = NetworkSupport.tags(acl.tags());
      if (optedOut.test(tags)) {
        skipped.add(Skip.of(acl.networkAclId(), optOutReason));
        continue;
      }
      Map<String, Integer> numbers = new LinkedHashMap<>();
      for (boolean egress : new boolean[] {false, true}) {
        Integer number = ruleNumber(scope, maxEntries, acl, egress);
        if (number != null) {
          numbers.put(egress ? "egress" : "ingress", number);
        }
      }
      if (numbers.isEmpty()) {
        continue;
      }
      steps.addAll(blockSteps(scope, acl.networkAclId(), tags.get(scope.tagKey()), numbers));
      List<String> subnets = acl.associations().stream().map(NetworkAclAssociation::subnetId)
          .sorted().toList();
      warnings.add("Every subnet on " + acl.networkAclId() + " is affected: "
          + String.join(", ", subnets));
    }
    return new Outcome(steps, warnings, skipped);
  }

  private static List<Step> blockSteps(IpBlockScope scope, String aclId, @Nullable String recorded,
      Map<String, Integer> numbers) {
    Map<String, Integer> record = new TreeMap<>(parseRecord(recorded));
    record.putAll(numbers);
    List<Step> steps = new ArrayList<>();
    steps.add(Step.builder().kind("CreateTags").action(Action.ADD).resource(aclId)
        .summary("record the entries made for " + scope.cidr() + " (for UnblockIpAddress)")
        .after(scope.tagKey() + "=" + recordText(record))
        .putParameters("key", scope.tagKey()).putParameters("value", recordText(record))
        .build());
    numbers.forEach((direction, number) -> steps.add(Step.builder()
        .kind("CreateNetworkAclEntry").action(Action.ADD).resource(aclId)
        .summary("deny all " + direction + " traffic " + ("egress".equals(direction) ? "to "
            : "from ") + scope.cidr() + " at rule " + number)
        .after(number + " deny -1 " + scope.cidr())
        .putParameters("direction", direction)
        .putParameters("ruleNumber", String.valueOf(number)).build()));
    return steps;
  }

  /**
   * Decides one direction of one ACL: already blocked when a deny-all entry for exactly this CIDR
   * has a number below every allow entry of the same address family; otherwise the highest free
   * number below the first such allow.
   *
   * @return the rule number to use, or null when the address is already blocked there
   * @throws RemediationException when no number is free below the allows or the quota is reached
   */
  static @Nullable Integer ruleNumber(IpBlockScope scope, int maxEntries, NetworkAcl acl,
      boolean egress) {
    List<NetworkAclEntry> entries = acl.entries().stream()
        .filter(e -> Boolean.TRUE.equals(e.egress()) == egress).toList();
    int firstAllow = entries.stream()
        .filter(e -> e.ruleAction() == RuleAction.ALLOW && e.ruleNumber() < DEFAULT_RULE)
        .filter(e -> scope.ipv6() ? e.ipv6CidrBlock() != null : e.cidrBlock() != null)
        .mapToInt(NetworkAclEntry::ruleNumber).min().orElse(DEFAULT_RULE);
    boolean blocked = entries.stream().anyMatch(e -> e.ruleAction() == RuleAction.DENY
        && "-1".equals(e.protocol()) && scope.matches(e) && e.ruleNumber() < firstAllow);
    if (blocked) {
      return null;
    }
    String direction = egress ? "egress" : "ingress";
    // AWS's quota counts every entry of the direction: IPv4 and IPv6, and the default deny
    // entries (32767 and 32768) too. Adding one must not go past it.
    long used = entries.size();
    if (used + 1 > maxEntries) {
      throw new RemediationException("Network ACL " + acl.networkAclId() + " already has " + used
          + " " + direction + " entries (IPv4 and IPv6, default deny included); one more exceeds "
          + "the quota of " + maxEntries + "; remove some, or raise the quota and "
          + BlockIpAddress.Type.MAX_ENTRIES.advice("N", "maxEntriesPerDirection(N)"));
    }
    Set<Integer> taken = new TreeSet<>();
    entries.forEach(e -> taken.add(e.ruleNumber()));
    for (int n = firstAllow - 1; n >= 1; n--) {
      if (!taken.contains(n)) {
        return n;
      }
    }
    throw new RemediationException("Network ACL " + acl.networkAclId() + " has no free " + direction
        + " rule number below its first allow rule " + firstAllow + "; renumber its entries to "
        + "make room");
  }

  /**
   * Unblocks: per ACL carrying the block's record, deletes each recorded entry that is still the
   * deny for the CIDR, then the record. A deny nobody recorded, or a recorded number now holding
   * something else, is left alone with a warning.
   *
   * @param scope the CIDR and where
   * @param acls the ACLs associated with the scope's subnets
   * @return the outcome (nothing is ever skipped)
   */
  static Outcome unblock(IpBlockScope scope, List<NetworkAcl> acls) {
    List<Step> steps = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (NetworkAcl acl : acls) {
      String record = NetworkSupport.tags(acl.tags()).get(scope.tagKey());
      if (record == null) {
        if (acl.entries().stream().anyMatch(e -> e.ruleAction() == RuleAction.DENY
            && scope.matches(e))) {
          warnings.add(acl.networkAclId() + " denies " + scope.cidr() + " with an entry "
              + "BlockIpAddress did not record; it is left alone");
        }
        continue;
      }
      for (Map.Entry<String, Integer> made : parseRecord(record).entrySet()) {
        if (!stillOurs(scope, acl, made.getKey(), made.getValue())) {
          warnings.add(acl.networkAclId() + " " + made.getKey() + " rule " + made.getValue()
              + " is no longer the deny for " + scope.cidr() + "; it is left alone");
          continue;
        }
        steps.add(Step.builder().kind("DeleteNetworkAclEntry").action(Action.REMOVE)
            .resource(acl.networkAclId())
            .summary("remove the " + made.getKey() + " deny for " + scope.cidr() + " at rule "
                + made.getValue())
            .before(made.getValue() + " deny -1 " + scope.cidr())
            .putParameters("direction", made.getKey())
            .putParameters("ruleNumber", String.valueOf(made.getValue())).build());
      }
      steps.add(Step.builder().kind("DeleteTags").action(Action.REMOVE)
          .resource(acl.networkAclId()).summary("remove the block record")
          .before(scope.tagKey() + "=" + record).putParameters("key", scope.tagKey()).build());
    }
    return new Outcome(steps, warnings, List.of());
  }

  private static boolean stillOurs(IpBlockScope scope, NetworkAcl acl, String direction, int number) {
    boolean egress = "egress".equals(direction);
    return acl.entries().stream()
        .filter(e -> Boolean.TRUE.equals(e.egress()) == egress && e.ruleNumber() == number)
        .findFirst()
        .filter(e -> e.ruleAction() == RuleAction.DENY && scope.matches(e))
        .isPresent();
  }

  /** The record tag's value, e.g. {@code egress=99,ingress=99}; malformed parts are ignored. */
  static Map<String, Integer> parseRecord(@Nullable String value) {
    Map<String, Integer> out = new TreeMap<>();
    for (String part : splitCsv(value)) {
      String[] kv = part.split("=", 2);
      if (kv.length == 2 && ("ingress".equals(kv[0]) || "egress".equals(kv[0]))) {
        try {
          out.put(kv[0], Integer.valueOf(kv[1]));
        } catch (NumberFormatException e) {
          // A hand-edited record: ignore the part; Unblock only deletes what still matches.
        }
      }
    }
    return out;
  }

  static String recordText(Map<String, Integer> record) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(record).forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }
}
