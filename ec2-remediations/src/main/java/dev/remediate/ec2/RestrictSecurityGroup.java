package dev.remediate.ec2;

import dev.remediate.core.aws.AwsErrors;
import static dev.remediate.ec2.NetworkSupport.csv;
import static dev.remediate.ec2.NetworkSupport.splitCsv;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.Setting;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.ec2.SecurityGroupObserver.Observation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;

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
 * PlanSet plans = remediator.planSet(List.of(r)); // one plan per group
 * }</pre>
 *
 * <p><b>Targets</b>: one plan per security group (target {@code AWS::EC2::SecurityGroup sg-...}),
 * whose spec is {@link #forGroup(String)} of that group with the same ports and sources. Forms
 * covering several groups are planned with {@link #planEach}; only the one-group form has a single
 * {@link #plan}.
 *
 * <p><b>Observe</b> ({@link SecurityGroupObserver}): the groups ({@code DescribeSecurityGroups},
 * for tags) and their rules ({@code DescribeSecurityGroupRules}), each one paginated call for the
 * region, or filtered by group id for up to 200 groups. <b>Decide</b> ({@link OpenPortsDecision},
 * no AWS call): an ingress rule is offending when its source is the world and its protocol and
 * port range cover a sensitive port (an all-traffic rule always does). Rules are read one source
 * per rule, so sibling sources in the same permission, prefix lists and group references are never
 * touched. <b>Steps</b>: for each offending rule, optionally authorize the same protocol and ports
 * from each replacement CIDR of the same address family (first), then revoke the rule by its rule
 * id ({@link RuleRevocation}: one step per rule naming its protocol, ports and source, one
 * {@code RevokeSecurityGroupIngress} call per group). Every change removes a rule or replaces it
 * with a narrower one; a property test checks it.
 */
@Value.Immutable
public abstract class RestrictSecurityGroup extends AbstractRemediation<RestrictSecurityGroup> {
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
  private static final Pattern ALL_EXCEPT_SETTING =
      Pattern.compile("all[\\s_-]*(?:ports)?[\\s_-]*except[\\s:]*(.*)", Pattern.CASE_INSENSITIVE);

  /** The sensitive ports: these, or every port except these. */
  record PortChoice(List<Integer> ports, boolean allExcept) {}

  /** {@code 22,3389} or {@code all-except:80,443} (also the settings' {@code all except 80}). */
  static final SpecKind<PortChoice> PORTS = SpecKind.of("ports like 22,3389 or all-except:80,443",
      RestrictSecurityGroup::parsePorts, c -> portsText(c.ports(), c.allExcept()));
  private static final SpecTable<RestrictSecurityGroup, Builder> SPEC =
      SpecTable.<RestrictSecurityGroup, Builder>of(ID)
          .startAllOr("groups", SpecKind.aws(AwsNames::securityGroupId),
              r -> Optional.ofNullable(r.groupIds()), RestrictSecurityGroup::forGroups,
              RestrictSecurityGroup::forEveryGroup)
          .withDefault("ports", PORTS, new PortChoice(List.copyOf(DEFAULT_PORTS), false),
              r -> new PortChoice(List.copyOf(r.ports()), r.allPortsExcept()),
              RestrictSecurityGroup::applyPorts)
          .optional("replaceWith", SpecKind.list(SpecKind.aws(AwsNames::cidr)),
              r -> r.replacements().isEmpty() ? null : r.replacements(),
              (b, cidrs) -> b.replaceWith(cidrs))
          .build(Builder::build);

  RestrictSecurityGroup() {}

  /** @return the groups, sorted, or null for every group of the region */
  abstract @Nullable List<String> groupIds();

  /**
   * @return the sensitive ports, sorted by the check, or with {@link #allPortsExcept()} the only
   *     ports that are not
   */
  @Value.Default
  List<Integer> ports() {
    return List.copyOf(DEFAULT_PORTS);
  }

  /** @return true when every port but {@link #ports()} is sensitive */
  @Value.Default
  boolean allPortsExcept() {
    return false;
  }

  /** @return the CIDRs replacing the world in a revoked rule, normalised and sorted */
  abstract List<String> replacements();

  /**
   * @return true for the remediations apply observes with: a group deleted since is then stale
   *     alone
   */
  @Value.Default
  boolean tolerateMissing() {
    return false;
  }

  /**
   * Every check of the values, in one place: the ports, the group ids and the replacement CIDRs.
   *
   * @return this, or a copy with the ports and group ids sorted and the CIDRs normalised and
   *     sorted
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final RestrictSecurityGroup normalised() {
    SortedSet<Integer> ports = new TreeSet<>();
    for (Integer port : ports()) {
      if (port == null || port < 0 || port > 65535) {
        throw new InvalidRemediationException("Port " + port + " is outside 0-65535");
      }
      ports.add(port);
    }
    List<String> groupIds = groupIds();
    List<String> groups = groupIds == null ? null
        : NetworkSupport.requireIds(groupIds, AwsNames::securityGroupId, "security group");
    if (!allPortsExcept() && ports().isEmpty()) {
      throw new InvalidRemediationException("At least one sensitive port is needed");
    }
    Set<String> cidrs = new TreeSet<>();
    for (String cidr : replacements()) {
      String normal = NetworkSupport.requireCidr(cidr, "Replacement source");
      if (normal.endsWith("/0")) {
        throw new InvalidRemediationException("Replacement source '" + cidr
            + "' is the whole internet: it would not restrict anything");
      }
      cidrs.add(normal);
    }
    if (Objects.equals(groups, groupIds) && List.copyOf(cidrs).equals(replacements())
        && List.copyOf(ports).equals(ports())) {
      return this;
    }
    // one copy with all (a with... per value would check a half-normalised copy, again and again)
    return ImmutableRestrictSecurityGroup.builder().from(this).groupIds(groups)
        .replacements(cidrs).ports(ports).build();
  }

  /**
   * Restricts one security group.
   *
   * @param groupId e.g. {@code sg-0abc1234}
   * @return a builder
   */
  public static Builder forGroup(String groupId) {
    return forGroups(Collections.singletonList(groupId));
  }

  /**
   * Restricts several security groups of one region.
   *
   * @param groupIds group ids
   * @return a builder
   */
  public static Builder forGroups(Collection<String> groupIds) {
    // no groups is refused by build(), not taken for every group
    return new Builder(groupIds == null ? List.of() : groupIds);
  }

  /** @return a builder restricting every security group of the region */
  public static Builder forEveryGroup() {
    return new Builder(null);
  }

  @Override
  protected SpecTable<RestrictSecurityGroup, ?> specTable() {
    return SPEC;
  }

  private static String portsText(Collection<Integer> ports, boolean allExcept) {
    String list = csv(ports.stream().map(String::valueOf).toList());
    return allExcept ? ALL_EXCEPT + list : list;
  }

  /** Reads a port list, or {@code all-except:} (or {@code all except}) and a list. */
  private static PortChoice parsePorts(String text) {
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
      list.add(AwsNames.port(part));
    }
    return new PortChoice(List.copyOf(list), except);
  }

  private static void applyPorts(Builder b, PortChoice choice) {
    if (choice.allExcept()) {
      b.allPortsExcept(choice.ports().stream().mapToInt(Integer::intValue).toArray());
    } else {
      b.ports(choice.ports());
    }
  }

  /** @return this remediation's settings for one group alone: the spec of one target's plan */
  private RestrictSecurityGroup alone(String groupId) {
    return ImmutableRestrictSecurityGroup.copyOf(this).withGroupIds(groupId)
        .withTolerateMissing(false);
  }

  private OpenPortsDecision decision() {
    return new OpenPortsDecision(new TreeSet<>(ports()), allPortsExcept(), replacements());
  }

  // ---------------------------------------------------------------- plan: observe, decide

  /**
   * Plans the one group of {@link #forGroup(String)}.
   *
   * @throws InvalidRemediationException for a form covering several groups (use
   *     {@link dev.remediate.core.Remediator#planSet})
   */
  @Override
  public Plan plan(RemediationContext context) {
    List<String> groupIds = groupIds();
    return Remediation.onlyPlan(this, groupIds != null && groupIds.size() == 1, "security groups",
        () -> planEach(context));
  }

  /**
   * One plan per group, in group id order.
   *
   * @throws RemediationException when a group of {@link #forGroups} is not found
   */
  @Override
  public List<Plan> planEach(RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    Observation observation = new SecurityGroupObserver(ec2).groups(groupIds());
    if (!observation.missing().isEmpty() && !tolerateMissing()) {
      throw new RemediationException("Security group(s) " + observation.missing()
          + " not found in " + context.region());
    }
    return decision().decide(observation, context.guardrails().optOutTagKey(),
            context.optOutReason()).stream()
        .map(g -> g.toPlan(context, alone(g.groupId()), iamActions(g), CONTROLS))
        .toList();
  }

  private static Set<String> iamActions(GroupPlan plan) {
    Set<String> actions = new TreeSet<>(List.of("ec2:DescribeSecurityGroups",
        "ec2:DescribeSecurityGroupRules"));
    plan.steps().forEach(step -> actions.add("ec2:" + step.kind()));
    return actions;
  }

  /**
   * The pure decision for some ingress rules (see {@link OpenPortsDecision#changes}).
   *
   * @param rules the ingress rules of the groups concerned
   * @return the changes in execution order
   */
  List<OpenPortsDecision.Change> decide(List<GroupRule> rules) {
    return decision().changes(rules);
  }

  /** @return true for a world-open ingress rule covering a sensitive port */
  boolean isOffending(GroupRule rule) {
    return decision().isOffending(rule);
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    if (OpenPortsDecision.AUTHORIZE.equals(step.kind())) {
      authorize(ec2, step);
    } else if (RuleRevocation.INGRESS.equals(step.kind())) {
      RuleRevocation.execute(ec2, step, context);
    } else {
      throw new RemediationException("RestrictSecurityGroup has no step " + step.kind());
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
      if (!AwsErrors.is(e, "InvalidPermission.Duplicate")) {
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------- value

  /** Builds a {@link RestrictSecurityGroup}; {@code build()} checks every value. */
  @SuppressWarnings("immutables:incompat") // not an extension of the generated builder: it wraps one
  public static final class Builder {
    private final ImmutableRestrictSecurityGroup.Builder values =
        ImmutableRestrictSecurityGroup.builder();

    private Builder(@Nullable Collection<String> groupIds) {
      values.groupIds(groupIds);
    }

    /**
     * Sets the sensitive ports (default {@link #DEFAULT_PORTS}); all-traffic rules always count.
     *
     * @param ports ports 0 to 65535
     * @return this builder
     */
    public Builder ports(Collection<Integer> ports) {
      // no ports is refused by build()
      values.ports(ports == null ? List.of() : ports).allPortsExcept(false);
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
      values.ports(java.util.Arrays.stream(allowed).boxed().toList()).allPortsExcept(true);
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
      values.replacements(cidrs);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public RestrictSecurityGroup build() {
      return values.build();
    }
  }

  /** The catalog entry of {@link RestrictSecurityGroup}. */
  public static final class Type extends AbstractRemediationType {

    /** The ports that must not be open to the world. */
    static final Setting PORTS = new Setting("securityGroups.ports", Setting.Kind.LIST,
        "Ports that must not be open to 0.0.0.0/0 or ::/0: a list, or 'all except 80,443'",
        Optional.of(portsText(DEFAULT_PORTS, false)));
    /** The CIDRs that replace the world in a revoked rule. */
    static final Setting ALLOWED_SOURCES = Setting.list("securityGroups.allowedSources",
        "CIDRs that keep access to those ports (each revoked rule is replaced by rules from "
        + "these); none: the rule is only revoked");

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Revoke security group rules that open sensitive ports to 0.0.0.0/0 or ::/0",
          CONTROLS, IAM_ACTIONS, EnumSet.noneOf(Flag.class));
      specTable(SPEC);
      observeAsScanned(true); // every group: one not found is gone
    }

    @Override
    public List<Setting> settings() {
      return List.of(PORTS, ALLOWED_SOURCES);
    }

    /**
     * Every group of the region, with {@code securityGroups.ports} (a comma-separated list, or
     * {@code all except 80,443}) and {@code securityGroups.allowedSources} (replacement CIDRs).
     */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      return Optional.of(withSettings(forEveryGroup(), settings).build());
    }

    /** A security group id: that group, with the scan settings. */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      return resourceId.startsWith("sg-")
          ? Optional.of(withSettings(forGroup(resourceId), settings).build()) : Optional.empty();
    }

    /**
     * The groups of every spec, one remediation per distinct setting of ports and sources, each
     * observing its groups together: one scan's worth of calls for any number of groups.
     */
    @Override
    public List<Remediation> forTargets(List<RemediationSpec> specs) {
      Map<String, RestrictSecurityGroup> settings = new java.util.LinkedHashMap<>();
      Map<String, Set<String>> groups = new TreeMap<>();
      for (RemediationSpec spec : specs) {
        RestrictSecurityGroup one = (RestrictSecurityGroup) fromSpec(spec);
        List<String> groupIds = one.groupIds();
        if (groupIds == null) {
          return List.of(one);
        }
        Map<String, String> key = new TreeMap<>(one.spec().parameters());
        key.remove("groups");
        settings.putIfAbsent(key.toString(), one);
        groups.computeIfAbsent(key.toString(), k -> new TreeSet<>()).addAll(groupIds);
      }
      List<Remediation> combined = new ArrayList<>();
      // the same settings for all their groups; a group not found then simply has no plan
      settings.forEach((key, one) -> combined.add(ImmutableRestrictSecurityGroup.copyOf(one)
          .withGroupIds(groups.get(key)).withTolerateMissing(true)));
      return combined;
    }

    /**
     * Applies scan settings to a builder: {@code securityGroups.ports} (a comma-separated list, or
     * {@code all except 80,443}) and {@code securityGroups.allowedSources} (replacement CIDRs).
     */
    static Builder withSettings(Builder b, Map<String, String> settings) {
      PORTS.valueIn(settings, ports -> {
        applyPorts(b, RestrictSecurityGroup.PORTS.parse(ports));
        return ports;
      });
      return b.replaceWith(ALLOWED_SOURCES.valueIn(settings, NetworkSupport::splitCsv)
          .orElse(List.of()));
    }

  }
}
