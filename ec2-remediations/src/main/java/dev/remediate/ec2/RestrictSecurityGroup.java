package dev.remediate.ec2;

import static dev.remediate.ec2.NetworkSupport.SG_ID;
import static dev.remediate.ec2.NetworkSupport.csv;
import static dev.remediate.ec2.NetworkSupport.errorCode;
import static dev.remediate.ec2.NetworkSupport.splitCsv;

import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.ImmutablePlan;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * Closes ingress rules that open a sensitive port to the whole internet ({@code 0.0.0.0/0} or
 * {@code ::/0}) in one security group, a list, or every group of a region (FSBP EC2.13, EC2.14,
 * EC2.18, EC2.19; CIS v1.4 5.2; CIS v3.0 5.2, 5.3).
 *
 * <pre>{@code
 * Remediation r = RestrictSecurityGroup.forEveryGroup()
 *     .replaceWith("10.0.0.0/8")          // optional: keep the ports open to these sources
 *     .build();
 * Remediation web = RestrictSecurityGroup.forGroup("sg-0abc1234")
 *     .allPortsExcept(80, 443)            // anything but HTTP(S) is sensitive
 *     .build();
 * }</pre>
 *
 * <p><b>Observe</b>: the groups ({@code DescribeSecurityGroups}, for tags) and their rules
 * ({@code DescribeSecurityGroupRules}), each one paginated call for the region (filtered by group id
 * for a list). <b>Decide</b>: an ingress rule is offending when its source is the world and its
 * protocol and port range cover a sensitive port (an all-traffic rule always does). Rules are read
 * one source per rule, so sibling sources in the same permission, prefix lists and group references
 * are never touched. <b>Steps</b>: for each offending rule, optionally authorize the same protocol
 * and ports from each replacement CIDR of the same address family (first), then revoke the rule by
 * its rule id (one {@code RevokeSecurityGroupIngress} call per group). Every change removes a rule
 * or replaces it with a narrower one; a property test checks it.
 */
public final class RestrictSecurityGroup extends SpecValue {
  /** The catalog id. */
  public static final String ID = "ec2.security-group-open-ports";
  /** Ports closed to the world by default (unmodifiable). */
  public static final SortedSet<Integer> DEFAULT_PORTS = Collections.unmodifiableSortedSet(
      new TreeSet<>(List.of(20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389,
          4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300)));
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of("ec2:DescribeSecurityGroups",
      "ec2:DescribeSecurityGroupRules", "ec2:RevokeSecurityGroupIngress",
      "ec2:AuthorizeSecurityGroupIngress");
  static final List<String> CONTROLS = List.of("FSBP EC2.13", "FSBP EC2.14", "FSBP EC2.18",
      "FSBP EC2.19", "CIS v1.4 5.2", "CIS v3.0 5.2", "CIS v3.0 5.3");
  private static final String EVERY = "*";
  private static final String ALL_EXCEPT = "all-except:";

  private final @Nullable List<String> groupIds;
  private final SortedSet<Integer> ports;
  private final boolean allPortsExcept;
  private final List<String> replacements;

  private RestrictSecurityGroup(Builder b) {
    this.groupIds = b.groupIds;
    this.ports = b.ports;
    this.allPortsExcept = b.allPortsExcept;
    this.replacements = List.copyOf(b.replacements);
  }

  /**
   * Restricts one security group.
   *
   * @param groupId e.g. {@code sg-0abc1234}
   * @return a builder
   */
  public static Builder forGroup(String groupId) {
    return forGroups(List.of(groupId));
  }

  /**
   * Restricts several security groups of one region.
   *
   * @param groupIds group ids
   * @return a builder
   */
  public static Builder forGroups(Collection<String> groupIds) {
    return new Builder(groupIds == null ? null : new ArrayList<>(groupIds), false);
  }

  /** @return a builder restricting every security group of the region */
  public static Builder forEveryGroup() {
    return new Builder(null, true);
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public RemediationSpec spec() {
    Map<String, String> p = new TreeMap<>();
    p.put("groups", groupIds == null ? EVERY : csv(groupIds));
    p.put("ports", portsText(ports, allPortsExcept));
    if (!replacements.isEmpty()) {
      p.put("replaceWith", csv(replacements));
    }
    return RemediationSpec.of(ID, p);
  }

  private static String portsText(Set<Integer> ports, boolean allExcept) {
    String list = csv(ports.stream().map(String::valueOf).toList());
    return allExcept ? ALL_EXCEPT + list : list;
  }

  // ---------------------------------------------------------------- observe

  private List<SecurityGroup> describeGroups(Ec2Client ec2) {
    List<SecurityGroup> groups = new ArrayList<>();
    if (groupIds == null) {
      ec2.describeSecurityGroupsPaginator(r -> r.maxResults(1000)).securityGroups()
          .forEach(groups::add);
      return groups;
    }
    for (List<String> chunk : NetworkSupport.chunks(groupIds, NetworkSupport.FILTER_VALUES)) {
      ec2.describeSecurityGroupsPaginator(r -> r.maxResults(1000)
          .filters(NetworkSupport.filter("group-id", chunk))).securityGroups()
          .forEach(groups::add);
    }
    Set<String> missing = new TreeSet<>(groupIds);
    groups.forEach(g -> missing.remove(g.groupId()));
    if (!missing.isEmpty()) {
      throw new RemediationException("Security group(s) " + missing + " not found in this region");
    }
    return groups;
  }

  private List<IngressRule> describeRules(Ec2Client ec2) {
    List<IngressRule> rules = new ArrayList<>();
    if (groupIds == null || groupIds.size() > NetworkSupport.FILTER_VALUES) {
      ec2.describeSecurityGroupRulesPaginator(r -> r.maxResults(1000)).securityGroupRules()
          .forEach(r -> rules.add(IngressRule.of(r)));
    } else {
      ec2.describeSecurityGroupRulesPaginator(r -> r.maxResults(1000)
              .filters(NetworkSupport.filter("group-id", groupIds))).securityGroupRules()
          .forEach(r -> rules.add(IngressRule.of(r)));
    }
    Set<String> wanted = groupIds == null ? null : new TreeSet<>(groupIds);
    rules.removeIf(r -> r.egress() || (wanted != null && !wanted.contains(r.groupId())));
    return rules;
  }

  // ---------------------------------------------------------------- decide

  /** One planned change: authorize a narrower replacement, or revoke an offending rule. */
  record Change(boolean authorize, IngressRule rule, String replaces) {}

  @Override
  public Plan plan(RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    List<SecurityGroup> groups = describeGroups(ec2);
    List<IngressRule> rules = describeRules(ec2);

    ImmutablePlan.Builder plan = context.newPlan(this, "AWS::EC2::SecurityGroup",
        groupIds == null ? EVERY : csv(groupIds));
    plan.addAllControls(CONTROLS);
    StringBuilder canonical = new StringBuilder(spec().toString()).append('\n');
    Set<String> optedOut = new TreeSet<>();
    for (SecurityGroup group : groups) {
      if (context.isOptedOut(NetworkSupport.tags(group.tags()))) {
        optedOut.add(group.groupId());
      }
    }
    optedOut.forEach(g -> canonical.append(g).append(" opted-out\n"));
    rules.stream().map(IngressRule::describe).sorted()
        .forEach(d -> canonical.append(d).append('\n'));

    List<IngressRule> considered = new ArrayList<>();
    for (IngressRule rule : rules) {
      if (!optedOut.contains(rule.groupId())) {
        considered.add(rule);
      } else if (isOffending(rule)) {
        plan.addSkipped(Skip.of(rule.groupId() + " " + rule.id(), context.optOutReason()));
      }
    }
    List<Change> changes = decide(considered);
    Map<String, List<String>> revokedByGroup = new TreeMap<>();
    changes.stream().filter(c -> !c.authorize()).forEach(c -> revokedByGroup
        .computeIfAbsent(c.rule().groupId(), g -> new ArrayList<>()).add(c.rule().id()));
    for (Change change : changes) {
      IngressRule rule = change.rule();
      if (change.authorize()) {
        plan.addSteps(Step.builder().kind("AuthorizeSecurityGroupIngress").action(Action.ADD)
            .resource(rule.groupId())
            .summary("allow " + rule.portText() + " from " + rule.source() + " to replace "
                + change.replaces())
            .after(rule.portText() + " from " + rule.source())
            .putParameters("protocol", rule.protocol())
            .putParameters("fromPort", String.valueOf(rule.fromPort()))
            .putParameters("toPort", String.valueOf(rule.toPort()))
            .putParameters("cidr", rule.source())
            .putParameters("replaces", change.replaces()).build());
        plan.addIamActions("ec2:AuthorizeSecurityGroupIngress");
      } else {
        if (coversOtherPorts(rule)) {
          plan.addWarnings(rule.id() + " in " + rule.groupId() + " opens " + rule.portText()
              + ": revoking it also closes the non-sensitive ports it covers");
        }
        plan.addSteps(Step.builder().kind("RevokeSecurityGroupIngress").action(Action.REMOVE)
            .resource(rule.id())
            .summary("revoke " + rule.portText() + " from " + rule.source() + " in "
                + rule.groupId())
            .before(rule.portText() + " from " + rule.source())
            .putParameters("group", rule.groupId())
            .putParameters("batch", csv(revokedByGroup.get(rule.groupId()))).build());
        plan.addIamActions("ec2:RevokeSecurityGroupIngress");
      }
    }
    plan.addIamActions("ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules");
    return plan.fingerprint(context.fingerprint(canonical.toString())).build();
  }

  /**
   * The pure decision: for every offending rule, the replacements to authorize (those not already
   * present) and the revocation. Changes of each group stay together, authorizations first.
   *
   * @param rules the ingress rules of the groups concerned
   * @return the changes in execution order
   */
  List<Change> decide(List<IngressRule> rules) {
    Set<String> present = new LinkedHashSet<>();
    rules.forEach(r -> present.add(key(r)));
    Map<String, List<Change>> byGroup = new TreeMap<>();
    List<IngressRule> sorted = new ArrayList<>(rules);
    sorted.sort(java.util.Comparator.comparing(IngressRule::groupId).thenComparing(IngressRule::id));
    for (IngressRule rule : sorted) {
      if (!isOffending(rule)) {
        continue;
      }
      List<Change> changes = byGroup.computeIfAbsent(rule.groupId(), g -> new ArrayList<>());
      boolean v6 = rule.cidrIpv6() != null;
      for (String cidr : replacements) {
        if (NetworkSupport.isIpv6(cidr) != v6) {
          continue;
        }
        IngressRule replacement = new IngressRule("(new)", rule.groupId(), false, rule.protocol(),
            rule.fromPort(), rule.toPort(), v6 ? null : cidr, v6 ? cidr : null, null, null);
        if (present.add(key(replacement))) {
          changes.add(new Change(true, replacement, rule.id()));
        }
      }
      changes.add(new Change(false, rule, rule.id()));
    }
    // Per group, every replacement before any revocation: the revocations of a group go in one
    // call, which must not run before a later rule's replacement exists.
    List<Change> all = new ArrayList<>();
    for (List<Change> changes : byGroup.values()) {
      changes.stream().filter(Change::authorize).forEach(all::add);
      changes.stream().filter(c -> !c.authorize()).forEach(all::add);
    }
    return all;
  }

  private static String key(IngressRule r) {
    return r.groupId() + "|" + r.protocol() + "|" + r.fromPort() + "|" + r.toPort() + "|"
        + r.source();
  }

  /** @return true for a world-open ingress rule covering a sensitive port */
  boolean isOffending(IngressRule rule) {
    if (rule.egress() || !rule.openToWorld()) {
      return false;
    }
    if (rule.allTraffic()) {
      return true;
    }
    if (!IngressRule.hasPorts(rule.protocol())) {
      return false;
    }
    if (allPortsExcept) {
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
    return !ports.subSet(rule.fromPort(), rule.toPort() + 1).isEmpty();
  }

  /** @return true when revoking the rule also closes ports that are not sensitive */
  private boolean coversOtherPorts(IngressRule rule) {
    if (rule.allTraffic()) {
      return true;
    }
    if (allPortsExcept) {
      return !ports.subSet(rule.fromPort(), rule.toPort() + 1).isEmpty();
    }
    return (long) rule.toPort() - rule.fromPort() + 1
        > ports.subSet(rule.fromPort(), rule.toPort() + 1).size();
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    switch (step.kind()) {
      case "AuthorizeSecurityGroupIngress" -> authorize(ec2, step);
      case "RevokeSecurityGroupIngress" -> revoke(ec2, step, context);
      default -> throw new RemediationException("RestrictSecurityGroup has no step "
          + step.kind());
    }
  }

  private static void authorize(Ec2Client ec2, Step step) {
    String protocol = step.parameter("protocol");
    String cidr = step.parameter("cidr");
    IpPermission.Builder permission = IpPermission.builder().ipProtocol(protocol);
    if (!"-1".equals(protocol)) {
      permission.fromPort(Integer.valueOf(step.parameter("fromPort")))
          .toPort(Integer.valueOf(step.parameter("toPort")));
    }
    String description = "remediate: replaces " + step.parameter("replaces");
    if (NetworkSupport.isIpv6(cidr)) {
      permission.ipv6Ranges(r -> r.cidrIpv6(cidr).description(description));
    } else {
      permission.ipRanges(r -> r.cidrIp(cidr).description(description));
    }
    try {
      ec2.authorizeSecurityGroupIngress(r -> r.groupId(step.resource())
          .ipPermissions(permission.build()));
    } catch (AwsServiceException e) {
      if (!"InvalidPermission.Duplicate".equals(errorCode(e))) {
        throw e;
      }
    }
  }

  /**
   * Revokes every pending rule of the group in one call the first time; if that call names a rule
   * that is already gone, falls back to one call per rule. A missing rule counts as revoked.
   */
  private static void revoke(Ec2Client ec2, Step step, RemediationContext context) {
    String key = "Revoke:" + step.resource();
    if (context.outputs().containsKey(key)) {
      return;
    }
    String group = step.parameter("group");
    List<String> pending = splitCsv(step.parameter("batch")).stream()
        .filter(id -> !context.outputs().containsKey("Revoke:" + id)).toList();
    try {
      revokeIds(ec2, group, pending);
    } catch (AwsServiceException e) {
      if (!Ec2Rules.isRuleGone(e)) {
        throw e;
      }
      for (String id : pending) {
        try {
          revokeIds(ec2, group, List.of(id));
        } catch (AwsServiceException each) {
          if (!Ec2Rules.isRuleGone(each)) {
            throw each;
          }
        }
      }
    }
    pending.forEach(id -> context.outputs().put("Revoke:" + id, "done"));
  }

  private static void revokeIds(Ec2Client ec2, String group, List<String> ids) {
    // A non-empty UnknownIpPermissions means some rules were already gone: done as well; the
    // engine re-plans afterwards to verify.
    ec2.revokeSecurityGroupIngress(r -> r.groupId(group).securityGroupRuleIds(ids));
  }

  // ---------------------------------------------------------------- value


  /** Builds a {@link RestrictSecurityGroup}. */
  public static final class Builder {
    private @Nullable List<String> groupIds;
    private final boolean every;
    private SortedSet<Integer> ports = DEFAULT_PORTS;
    private boolean allPortsExcept;
    private List<String> replacements = List.of();

    private Builder(@Nullable List<String> groupIds, boolean every) {
      this.groupIds = groupIds;
      this.every = every;
    }

    /**
     * Sets the sensitive ports (default {@link #DEFAULT_PORTS}); all-traffic rules always count.
     *
     * @param ports ports 0 to 65535
     * @return this builder
     */
    public Builder ports(Collection<Integer> ports) {
      this.ports = checkPorts(ports);
      this.allPortsExcept = false;
      return this;
    }

    /**
     * Sets the sensitive ports.
     *
     * @param ports ports 0 to 65535
     * @return this builder
     */
    public Builder ports(int... ports) {
      return ports(java.util.Arrays.stream(ports).boxed().toList());
    }

    /**
     * Treats every port as sensitive except these, e.g. {@code allPortsExcept(80, 443)}.
     *
     * @param allowed ports that may stay open to the world
     * @return this builder
     */
    public Builder allPortsExcept(int... allowed) {
      this.ports = checkPorts(java.util.Arrays.stream(allowed).boxed().toList());
      this.allPortsExcept = true;
      return this;
    }

    /**
     * Replaces each revoked rule with the same protocol and ports from these sources (IPv4 CIDRs
     * replace IPv4 rules, IPv6 CIDRs replace IPv6 rules); the replacement is authorized before the
     * revocation.
     *
     * @param cidrs CIDR blocks, none of them {@code /0}
     * @return this builder
     */
    public Builder replaceWith(String... cidrs) {
      return replaceWith(List.of(cidrs));
    }

    /**
     * Replaces each revoked rule with the same protocol and ports from these sources.
     *
     * @param cidrs CIDR blocks
     * @return this builder
     */
    public Builder replaceWith(Collection<String> cidrs) {
      this.replacements = new ArrayList<>(cidrs);
      return this;
    }

    private static SortedSet<Integer> checkPorts(Collection<Integer> ports) {
      SortedSet<Integer> set = new TreeSet<>();
      for (Integer port : ports) {
        if (port == null || port < 0 || port > 65535) {
          throw new InvalidRemediationException("Port " + port + " is outside 0-65535");
        }
        set.add(port);
      }
      return set;
    }

    /**
     * Validates and builds.
     *
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public RestrictSecurityGroup build() {
      if (!every) {
        groupIds = NetworkSupport.requireIds(groupIds, SG_ID, "security group");
      }
      if (!allPortsExcept && ports.isEmpty()) {
        throw new InvalidRemediationException("At least one sensitive port is needed");
      }
      Set<String> cidrs = new TreeSet<>();
      for (String cidr : replacements) {
        String normal = NetworkSupport.requireCidr(cidr, "Replacement source");
        if (normal.endsWith("/0")) {
          throw new InvalidRemediationException("Replacement source '" + cidr
              + "' is the whole internet: it would not restrict anything");
        }
        cidrs.add(normal);
      }
      replacements = List.copyOf(cidrs);
      return new RestrictSecurityGroup(this);
    }
  }

  /** The catalog entry of {@link RestrictSecurityGroup}. */
  public static final class Type extends AbstractRemediationType {
    private static final Pattern ALL_EXCEPT_SETTING =
        Pattern.compile("all[\\s_-]*(?:ports)?[\\s_-]*except[\\s:]*(.*)", Pattern.CASE_INSENSITIVE);

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Revoke security group rules that open sensitive ports to 0.0.0.0/0 or ::/0",
          CONTROLS, IAM_ACTIONS, EnumSet.noneOf(Flag.class));
    }

    @Override
    public Remediation fromSpec(RemediationSpec spec) {
      String groups = spec.require("groups");
      Builder b = EVERY.equals(groups) ? forEveryGroup() : forGroups(splitCsv(groups));
      applyPorts(b, spec.get("ports", portsText(DEFAULT_PORTS, false)));
      b.replaceWith(splitCsv(spec.parameters().get("replaceWith")));
      return b.build();
    }

    /**
     * Every group of the region, with {@code securityGroups.ports} (a comma-separated list, or
     * {@code all except 80,443}) and {@code securityGroups.allowedSources} (replacement CIDRs).
     */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      return Optional.of(withSettings(forEveryGroup(), settings).build());
    }

    /**
     * Applies scan settings to a builder: {@code securityGroups.ports} (a comma-separated list, or
     * {@code all except 80,443}) and {@code securityGroups.allowedSources} (replacement CIDRs).
     */
    static Builder withSettings(Builder b, Map<String, String> settings) {
      String ports = settings.get("securityGroups.ports");
      if (ports != null && !ports.isBlank()) {
        applyPorts(b, ports);
      }
      return b.replaceWith(splitCsv(settings.get("securityGroups.allowedSources")));
    }

    private static void applyPorts(Builder b, String text) {
      String value = text.trim();
      boolean except = false;
      if (value.toLowerCase(Locale.ROOT).startsWith(ALL_EXCEPT)) {
        value = value.substring(ALL_EXCEPT.length());
        except = true;
      } else {
        Matcher m = ALL_EXCEPT_SETTING.matcher(value);
        if (m.matches()) {
          value = m.group(1);
          except = true;
        }
      }
      List<Integer> list = new ArrayList<>();
      for (String part : splitCsv(value.replace(' ', ','))) {
        try {
          list.add(Integer.valueOf(part));
        } catch (NumberFormatException e) {
          throw new InvalidRemediationException("Port '" + part + "' in '" + text
              + "' is not a number", e);
        }
      }
      if (except) {
        b.allPortsExcept(list.stream().mapToInt(Integer::intValue).toArray());
      } else {
        b.ports(list);
      }
    }
  }
}
