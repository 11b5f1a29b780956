package dev.remediate.ec2;

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
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Removes every ingress and egress rule from a VPC's default security group, so resources that end
 * up in it by default can't talk to anything (Security Hub FSBP EC2.2, CIS v1.4 5.3, CIS v3.0 5.4).
 *
 * <pre>{@code
 * Plan plan = remediator.plan(RestrictDefaultSecurityGroup.forVpc("vpc-0abc1234"));
 * Plan all = remediator.plan(RestrictDefaultSecurityGroup.forAllVpcs());
 * }</pre>
 *
 * <p><b>Observe:</b> the default group ({@code GroupName == "default"}) of the VPC, or of every VPC
 * of the region, with one {@code DescribeSecurityGroups}; its rules with one paginated
 * {@code DescribeSecurityGroupRules}; when there are rules to remove, the network interfaces using
 * the group with one paginated {@code DescribeNetworkInterfaces}. No other group is ever touched.
 *
 * <p><b>Decide:</b> a group with no rules is compliant. A group carrying the opt-out tag is skipped.
 * Otherwise one step per direction revokes exactly the observed rules by
 * {@code SecurityGroupRuleIds}. When network interfaces use the group, the plan warns that they
 * will lose traffic and flags the steps {@link Flag#DISRUPTIVE}.
 *
 * <p><b>Steps:</b> {@code RevokeSecurityGroupIngress} / {@code RevokeSecurityGroupEgress} by rule
 * id. A rule already gone ({@code InvalidSecurityGroupRuleId.NotFound}, or moto's
 * {@code InvalidPermission.NotFound}) counts as done: the rules still present are revoked again.
 *
 * <p>IAM actions: {@link #IAM_ACTIONS}.
 */
public final class RestrictDefaultSecurityGroup implements Remediation {
  /** The catalog id. */
  public static final String ID = "ec2.default-security-group";
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of(
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSecurityGroupRules",
      "ec2:DescribeNetworkInterfaces",
      "ec2:RevokeSecurityGroupIngress",
      "ec2:RevokeSecurityGroupEgress");
  /** Controls satisfied. */
  public static final List<String> CONTROLS = List.of("FSBP EC2.2", "CIS v1.4 5.3", "CIS v3.0 5.4");

  static final String INGRESS = "RevokeSecurityGroupIngress";
  static final String EGRESS = "RevokeSecurityGroupEgress";
  private static final String ALL = "*";

  private final String vpcId;

  private RestrictDefaultSecurityGroup(String vpcId) {
    this.vpcId = vpcId;
  }

  /**
   * The default security group of one VPC.
   *
   * @param vpcId e.g. {@code vpc-0abc1234}
   * @return the remediation
   * @throws InvalidRemediationException when the id is not a VPC id
   */
  public static RestrictDefaultSecurityGroup forVpc(String vpcId) {
    return new RestrictDefaultSecurityGroup(Ec2Rules.requireId("VPC", Ec2Rules.VPC_ID, vpcId));
  }

  /** @return the default security groups of every VPC of the region */
  public static RestrictDefaultSecurityGroup forAllVpcs() {
    return new RestrictDefaultSecurityGroup(ALL);
  }

  /** @return the VPC id, or {@code *} for every VPC of the region */
  public String vpcId() {
    return vpcId;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public RemediationSpec spec() {
    return RemediationSpec.of(ID, Map.of("vpcId", vpcId));
  }

  // ---------------------------------------------------------------- observe

  private record Observed(SecurityGroup group, List<SecurityGroupRule> rules,
      List<NetworkInterface> interfaces) {}

  private List<SecurityGroup> defaultGroups(Ec2Client ec2) {
    List<Filter> filters = new ArrayList<>();
    filters.add(Filter.builder().name("group-name").values("default").build());
    if (!ALL.equals(vpcId)) {
      filters.add(Filter.builder().name("vpc-id").values(vpcId).build());
    }
    List<SecurityGroup> groups = new ArrayList<>();
    ec2.describeSecurityGroupsPaginator(r -> r.filters(filters)).securityGroups().forEach(g -> {
      if ("default".equals(g.groupName()) && (ALL.equals(vpcId) || vpcId.equals(g.vpcId()))) {
        groups.add(g);
      }
    });
    groups.sort(Comparator.comparing(SecurityGroup::groupId));
    return groups;
  }

  private static Map<String, List<SecurityGroupRule>> rulesByGroup(Ec2Client ec2,
      List<String> groupIds) {
    Map<String, List<SecurityGroupRule>> rules = new TreeMap<>();
    groupIds.forEach(id -> rules.put(id, new ArrayList<>()));
    for (List<String> chunk : chunks(groupIds, 200)) {
      ec2.describeSecurityGroupRulesPaginator(r -> r.filters(
              Filter.builder().name("group-id").values(chunk).build()))
          .securityGroupRules()
          .forEach(rule -> {
            List<SecurityGroupRule> list = rules.get(rule.groupId());
            if (list != null) {
              list.add(rule);
            }
          });
    }
    rules.values().forEach(list -> list.sort(
        Comparator.comparing(SecurityGroupRule::securityGroupRuleId)));
    return rules;
  }

  private static Map<String, List<NetworkInterface>> interfacesByGroup(Ec2Client ec2,
      List<String> groupIds) {
    Map<String, List<NetworkInterface>> result = new TreeMap<>();
    groupIds.forEach(id -> result.put(id, new ArrayList<>()));
    for (List<String> chunk : chunks(groupIds, 200)) {
      ec2.describeNetworkInterfacesPaginator(r -> r.filters(
              Filter.builder().name("group-id").values(chunk).build()))
          .networkInterfaces()
          .forEach(eni -> eni.groups().forEach(g -> {
            List<NetworkInterface> list = result.get(g.groupId());
            if (list != null) {
              list.add(eni);
            }
          }));
    }
    result.values().forEach(list -> list.sort(
        Comparator.comparing(NetworkInterface::networkInterfaceId)));
    return result;
  }

  private static <T> List<List<T>> chunks(List<T> list, int size) {
    List<List<T>> chunks = new ArrayList<>();
    for (int i = 0; i < list.size(); i += size) {
      chunks.add(list.subList(i, Math.min(list.size(), i + size)));
    }
    return chunks;
  }

  // ---------------------------------------------------------------- decide

  @Override
  public Plan plan(RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    List<SecurityGroup> groups = defaultGroups(ec2);
    if (groups.isEmpty() && !ALL.equals(vpcId)) {
      throw new RemediationException("VPC " + vpcId + " has no default security group in "
          + context.region() + ": does the VPC exist in this account and region?");
    }
    ImmutablePlan.Builder plan = context.newPlan(this,
        ALL.equals(vpcId) ? "AWS::EC2::VPC" : "AWS::EC2::SecurityGroup",
        ALL.equals(vpcId) ? ALL : groups.get(0).groupId());
    StringBuilder state = new StringBuilder(vpcId).append('\n');
    List<String> toInspect = new ArrayList<>();
    for (SecurityGroup group : groups) {
      Map<String, String> tags = tags(group.tags());
      if (context.isOptedOut(tags)) {
        plan.addSkipped(Skip.of(group.groupId(), context.optOutReason()));
        state.append(group.groupId()).append(" opted-out\n");
      } else {
        toInspect.add(group.groupId());
      }
    }
    Map<String, List<SecurityGroupRule>> rules = rulesByGroup(ec2, toInspect);
    List<String> withRules = rules.entrySet().stream().filter(e -> !e.getValue().isEmpty())
        .map(Map.Entry::getKey).toList();
    Map<String, List<NetworkInterface>> interfaces =
        withRules.isEmpty() ? Map.of() : interfacesByGroup(ec2, withRules);
    for (SecurityGroup group : groups) {
      List<SecurityGroupRule> groupRules = rules.get(group.groupId());
      if (groupRules == null || groupRules.isEmpty()) {
        state.append(group.groupId()).append(" no-rules\n");
        continue;
      }
      Observed observed = new Observed(group, groupRules,
          interfaces.getOrDefault(group.groupId(), List.of()));
      decide(observed, plan, state);
    }
    return plan.fingerprint(context.fingerprint(state.toString()))
        .addAllIamActions(IAM_ACTIONS)
        .addAllControls(CONTROLS)
        .build();
  }

  private static void decide(Observed observed, ImmutablePlan.Builder plan, StringBuilder state) {
    String groupId = observed.group().groupId();
    Set<Flag> flags = observed.interfaces().isEmpty() ? EnumSet.noneOf(Flag.class)
        : EnumSet.of(Flag.DISRUPTIVE);
    if (!observed.interfaces().isEmpty()) {
      plan.addWarnings("Default security group " + groupId + " of " + observed.group().vpcId()
          + " is used by " + observed.interfaces().size() + " network interface(s) ("
          + observed.interfaces().stream().map(RestrictDefaultSecurityGroup::describe)
              .collect(Collectors.joining(", "))
          + "); they will lose all traffic the removed rules allowed. Move them to a dedicated "
          + "group first.");
    }
    Map<Boolean, List<SecurityGroupRule>> byDirection = new LinkedHashMap<>();
    byDirection.put(false, new ArrayList<>());
    byDirection.put(true, new ArrayList<>());
    for (SecurityGroupRule rule : observed.rules()) {
      byDirection.get(Boolean.TRUE.equals(rule.isEgress())).add(rule);
      state.append(groupId).append(' ').append(rule.securityGroupRuleId()).append(' ')
          .append(Ec2Rules.describe(rule)).append('\n');
    }
    observed.interfaces().forEach(eni -> state.append(groupId).append(" eni ")
        .append(eni.networkInterfaceId()).append('\n'));
    byDirection.forEach((egress, list) -> {
      if (list.isEmpty()) {
        return;
      }
      String ids = list.stream().map(SecurityGroupRule::securityGroupRuleId)
          .collect(Collectors.joining(","));
      plan.addSteps(Step.builder()
          .kind(egress ? EGRESS : INGRESS)
          .action(Action.REMOVE)
          .resource(groupId)
          .summary("revoke " + list.size() + (egress ? " egress" : " ingress") + " rule(s) of the "
              + "default security group of " + observed.group().vpcId())
          .before(list.stream().map(r -> r.securityGroupRuleId() + ": " + Ec2Rules.describe(r))
              .collect(Collectors.joining("; ")))
          .after("no " + (egress ? "egress" : "ingress") + " rules")
          .flags(flags)
          .putParameters("groupId", groupId)
          .putParameters("ruleIds", ids)
          .build());
    });
  }

  private static String describe(NetworkInterface eni) {
    String instance = eni.attachment() == null ? null : eni.attachment().instanceId();
    return eni.networkInterfaceId() + (instance == null ? "" : " on " + instance);
  }

  private static Map<String, String> tags(List<Tag> tags) {
    Map<String, String> map = new TreeMap<>();
    tags.forEach(t -> map.put(t.key(), t.value() == null ? "" : t.value()));
    return map;
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    String groupId = step.parameter("groupId");
    List<String> ruleIds = List.of(step.parameter("ruleIds").split(","));
    boolean egress = switch (step.kind()) {
      case INGRESS -> false;
      case EGRESS -> true;
      default -> throw new InvalidRemediationException("Unknown step kind " + step.kind());
    };
    try {
      revoke(ec2, groupId, ruleIds, egress);
    } catch (AwsServiceException e) {
      if (!Ec2Rules.isRuleGone(e)) {
        throw e;
      }
      // Some rule was removed by someone else meanwhile: revoke those still present.
      Set<String> present = new HashSet<>();
      rulesByGroup(ec2, List.of(groupId)).get(groupId)
          .forEach(r -> present.add(r.securityGroupRuleId()));
      List<String> remaining = ruleIds.stream().filter(present::contains).toList();
      if (!remaining.isEmpty()) {
        revoke(ec2, groupId, remaining, egress);
      }
    }
  }

  private static void revoke(Ec2Client ec2, String groupId, List<String> ruleIds, boolean egress) {
    if (egress) {
      ec2.revokeSecurityGroupEgress(r -> r.groupId(groupId).securityGroupRuleIds(ruleIds));
    } else {
      ec2.revokeSecurityGroupIngress(r -> r.groupId(groupId).securityGroupRuleIds(ruleIds));
    }
  }

  // ---------------------------------------------------------------- value

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof RestrictDefaultSecurityGroup other && vpcId.equals(other.vpcId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ID, vpcId);
  }

  @Override
  public String toString() {
    return "RestrictDefaultSecurityGroup{vpc=" + vpcId + "}";
  }

  /** Catalog entry for {@link RestrictDefaultSecurityGroup}. */
  public static final class Type extends AbstractRemediationType {
    /** Creates the catalog entry (used by {@link java.util.ServiceLoader}). */
    public Type() {
      super(ID, "Remove every ingress and egress rule from a VPC's default security group",
          CONTROLS, IAM_ACTIONS, EnumSet.of(Flag.DISRUPTIVE));
    }

    @Override
    public Remediation fromSpec(RemediationSpec spec) {
      String vpc = spec.require("vpcId");
      return ALL.equals(vpc) ? forAllVpcs() : forVpc(vpc);
    }

    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      return Optional.of(forAllVpcs());
    }
  }
}
