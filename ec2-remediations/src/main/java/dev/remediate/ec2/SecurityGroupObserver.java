package dev.remediate.ec2;

import static dev.remediate.ec2.NetworkSupport.FILTER_VALUES;
import static dev.remediate.ec2.NetworkSupport.filter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * The reads of the security group remediations, made into an immutable {@link Observation}: the
 * groups ({@code DescribeSecurityGroups}), their rules ({@code DescribeSecurityGroupRules}, one
 * source per rule) and, on request, the network interfaces using them
 * ({@code DescribeNetworkInterfaces}). Lists of up to {@value NetworkSupport#FILTER_VALUES} ids are
 * read with a filter of those ids; longer lists, and whole regions, with one unfiltered paginated
 * call, so observing 200 chosen groups costs what a region-wide scan costs.
 */
final class SecurityGroupObserver {
  /** Items asked for per page. */
  static final int PAGE = 1000;

  /** One security group as observed. */
  record Group(String groupId, @Nullable String vpcId, Map<String, String> tags,
      List<GroupRule> rules, List<String> interfaces) {
    Group {
      tags = Map.copyOf(tags);
      rules = List.copyOf(rules);
      interfaces = List.copyOf(interfaces);
    }
  }

  /**
   * What was observed.
   *
   * @param groups the groups found, by group id
   * @param missing the ids asked for (group or VPC ids) that were not found
   */
  record Observation(List<Group> groups, Set<String> missing) {
    Observation {
      groups = List.copyOf(groups);
      missing = Set.copyOf(missing);
    }
  }

  private final Ec2Client ec2;

  SecurityGroupObserver(Ec2Client ec2) {
    this.ec2 = ec2;
  }

  /**
   * The default groups of some VPCs, with their rules and, for those with rules, the network
   * interfaces using them.
   *
   * @param vpcIds the VPCs, or null for every VPC of the region
   * @return the observation; {@code missing} lists VPCs without a default group
   */
  Observation defaultGroups(@Nullable Collection<String> vpcIds) {
    List<SecurityGroup> found = describe(List.of(filter("group-name", List.of("default"))),
        "vpc-id", vpcIds, SecurityGroup::vpcId);
    found.removeIf(g -> !"default".equals(g.groupName()) || g.vpcId() == null);
    return observe(found, vpcIds, SecurityGroup::vpcId, false, true);
  }

  /**
   * Security groups by id, with their rules.
   *
   * @param groupIds the groups, or null for every group of the region
   * @return the observation; {@code missing} lists groups not found
   */
  Observation groups(@Nullable Collection<String> groupIds) {
    List<SecurityGroup> found = describe(List.of(), "group-id", groupIds, SecurityGroup::groupId);
    return observe(found, groupIds, SecurityGroup::groupId,
        groupIds == null || groupIds.size() > FILTER_VALUES, false);
  }

  /** Reads the rules of the groups found and, on request, the interfaces of those with rules. */
  private Observation observe(List<SecurityGroup> found, @Nullable Collection<String> wanted,
      Function<SecurityGroup, String> key, boolean regionWide, boolean withInterfaces) {
    found.sort(Comparator.comparing(SecurityGroup::groupId));
    List<String> ids = found.stream().map(SecurityGroup::groupId).toList();
    Map<String, List<GroupRule>> rules = ids.isEmpty() ? Map.of() : rules(ids, regionWide);
    List<String> withRules = ids.stream().filter(rules::containsKey).toList();
    Map<String, List<String>> interfaces = withInterfaces && !withRules.isEmpty()
        ? interfaces(withRules) : Map.of();
    List<Group> groups = found.stream().map(g -> new Group(g.groupId(), g.vpcId(),
        NetworkSupport.tags(g.tags()), rules.getOrDefault(g.groupId(), List.of()),
        interfaces.getOrDefault(g.groupId(), List.of()))).toList();
    Set<String> missing = new TreeSet<>(wanted == null ? List.of() : wanted);
    found.forEach(g -> missing.remove(key.apply(g)));
    return new Observation(groups, missing);
  }

  /** Groups matching the base filters, and the id filter when the ids fit in one filter. */
  private List<SecurityGroup> describe(List<Filter> base, String idFilter,
      @Nullable Collection<String> ids, Function<SecurityGroup, String> key) {
    List<Filter> filters = new ArrayList<>(base);
    if (ids != null && ids.size() <= FILTER_VALUES) {
      filters.add(filter(idFilter, ids));
    }
    List<SecurityGroup> groups = new ArrayList<>();
    ec2.describeSecurityGroupsPaginator(r -> r.maxResults(PAGE).filters(filters))
        .securityGroups().forEach(groups::add);
    if (ids != null) {
      Set<String> wanted = Set.copyOf(ids);
      groups.removeIf(g -> !wanted.contains(key.apply(g)));
    }
    return groups;
  }

  /**
   * Rules of the given groups, sorted by rule id: with one unfiltered paginated call for the
   * whole region when {@code regionWide}, else with the group ids as filter, in chunks.
   */
  private Map<String, List<GroupRule>> rules(List<String> groupIds, boolean regionWide) {
    Map<String, List<GroupRule>> rules = new TreeMap<>();
    List<List<String>> chunks = regionWide ? List.of(List.of())
        : NetworkSupport.chunks(groupIds, FILTER_VALUES);
    Set<String> wanted = Set.copyOf(groupIds);
    for (List<String> chunk : chunks) {
      List<Filter> filters = chunk.isEmpty() ? List.of() : List.of(filter("group-id", chunk));
      ec2.describeSecurityGroupRulesPaginator(r -> r.maxResults(PAGE).filters(filters))
          .securityGroupRules().stream().filter(r -> wanted.contains(r.groupId()))
          .forEach(r -> rules.computeIfAbsent(r.groupId(), g -> new ArrayList<>())
              .add(GroupRule.of(r)));
    }
    rules.values().forEach(list -> list.sort(Comparator.comparing(GroupRule::id)));
    return rules;
  }

  /** Network interfaces using the groups, as "eni-1 on i-2", by group id. */
  private Map<String, List<String>> interfaces(List<String> groupIds) {
    Map<String, List<String>> result = new TreeMap<>();
    Set<String> wanted = Set.copyOf(groupIds);
    for (List<String> chunk : NetworkSupport.chunks(groupIds, FILTER_VALUES)) {
      ec2.describeNetworkInterfacesPaginator(r -> r.filters(filter("group-id", chunk)))
          .networkInterfaces().forEach(eni -> eni.groups().stream()
              .filter(g -> wanted.contains(g.groupId()))
              .forEach(g -> result.computeIfAbsent(g.groupId(), k -> new ArrayList<>())
                  .add(describe(eni))));
    }
    result.values().forEach(list -> list.sort(Comparator.naturalOrder()));
    return result;
  }

  private static String describe(NetworkInterface eni) {
    String instance = eni.attachment() == null ? null : eni.attachment().instanceId();
    return eni.networkInterfaceId() + (instance == null ? "" : " on " + instance);
  }
}
