package dev.remediate.ec2;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
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
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Removes every ingress and egress rule from a VPC's default security group, so resources that end
 * up in it by default can't talk to anything (Security Hub FSBP EC2.2, CIS v1.4 5.3, CIS v3.0 5.4).
 *
 * <pre>{@code
 * Plan plan = remediator.plan(RestrictDefaultSecurityGroup.forVpc("vpc-0abc1234"));
 * PlanSet all = remediator.planSet(List.of(RestrictDefaultSecurityGroup.forAllVpcs()));
 * }</pre>
 *
 * <p><b>Targets:</b> one plan per default group (target {@code AWS::EC2::SecurityGroup sg-...}),
 * whose spec is {@link #forVpc(String)} of its VPC. {@link #forAllVpcs()} plans every default group
 * of the region with {@link #planEach}; it has no single plan.
 *
 * <p><b>Observe</b> ({@link SecurityGroupObserver}): the default groups ({@code GroupName ==
 * "default"}) of the VPCs, or of every VPC of the region, with one {@code DescribeSecurityGroups};
 * their rules with one paginated {@code DescribeSecurityGroupRules} per 200 groups; for the groups
 * with rules, the network interfaces using them with one paginated
 * {@code DescribeNetworkInterfaces} per 200 groups. No other group is ever touched.
 *
 * <p><b>Decide</b> ({@link DefaultGroupDecision}, no AWS call): a group with no rules is
 * compliant; a group carrying the opt-out tag is skipped (an empty plan saying so); otherwise one
 * step per rule, naming its id, protocol, ports and source. When network interfaces use the group,
 * the plan warns that they will lose traffic and flags the steps {@link Flag#DISRUPTIVE}.
 *
 * <p><b>Steps</b> ({@link RuleRevocation}): {@code RevokeSecurityGroupIngress} /
 * {@code RevokeSecurityGroupEgress} by rule id, one call per group and direction. A rule already
 * gone counts as done.
 *
 * <p>IAM actions: {@link #IAM_ACTIONS}.
 */
@Value.Immutable
public abstract class RestrictDefaultSecurityGroup
    extends AbstractRemediation<RestrictDefaultSecurityGroup> {
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

  private static final String ALL = "*";

  private static final SpecTable<RestrictDefaultSecurityGroup, RestrictDefaultSecurityGroup> SPEC =
      SpecTable.<RestrictDefaultSecurityGroup, RestrictDefaultSecurityGroup>of(ID)
          .startAllOr("vpcId", SpecKind.aws(AwsNames::vpcId),
              r -> Optional.ofNullable(r.vpcIds()).map(List::copyOf),
              RestrictDefaultSecurityGroup::forVpcs, RestrictDefaultSecurityGroup::forAllVpcs)
          .build(r -> r);

  RestrictDefaultSecurityGroup() {}

  /** @return the VPCs, sorted, or null for every VPC of the region */
  abstract @Nullable List<String> vpcIds();

  /**
   * @return true for the remediations apply observes with: a VPC deleted since is then stale
   *     alone
   */
  @Value.Default
  boolean tolerateMissing() {
    return false;
  }

  /**
   * Checks the values: each VPC id, and at least one unless every VPC is meant.
   *
   * @return this, or a copy with the ids sorted and without repeats
   * @throws InvalidRemediationException naming the bad id
   */
  @Value.Check
  final RestrictDefaultSecurityGroup normalised() {
    List<String> ids = vpcIds();
    if (ids == null) {
      return this;
    }
    List<String> sorted = NetworkSupport.requireIds(ids, AwsNames::vpcId, "VPC");
    return sorted.equals(ids) ? this
        : ImmutableRestrictDefaultSecurityGroup.copyOf(this).withVpcIds(sorted);
  }

  /**
   * The default security group of one VPC.
   *
   * @param vpcId e.g. {@code vpc-0abc1234}
   * @return the remediation
   * @throws InvalidRemediationException when the id is not a VPC id
   */
  public static RestrictDefaultSecurityGroup forVpc(String vpcId) {
    return forVpcs(Collections.singletonList(vpcId));
  }

  /** The default groups of several VPCs, each one plan. */
  static RestrictDefaultSecurityGroup forVpcs(Collection<String> vpcIds) {
    return forVpcs(vpcIds, false);
  }

  private static RestrictDefaultSecurityGroup forVpcs(Collection<String> vpcIds,
      boolean tolerateMissing) {
    return ImmutableRestrictDefaultSecurityGroup.builder()
        .vpcIds(Objects.requireNonNull(vpcIds, "vpcIds")) // null here is not every VPC
        .tolerateMissing(tolerateMissing).build();
  }

  /** @return the default security groups of every VPC of the region */
  public static RestrictDefaultSecurityGroup forAllVpcs() {
    return ImmutableRestrictDefaultSecurityGroup.builder().build();
  }

  /** @return the VPC id; comma-separated ids when several; {@code *} for every VPC */
  public String vpcId() {
    List<String> ids = vpcIds();
    return ids == null ? ALL : String.join(",", ids);
  }

  @Override
  protected SpecTable<RestrictDefaultSecurityGroup, ?> specTable() {
    return SPEC;
  }

  // ---------------------------------------------------------------- plan: observe, decide

  /**
   * Plans the default group of the one VPC of {@link #forVpc(String)}.
   *
   * @throws InvalidRemediationException for a form covering several groups (use
   *     {@link dev.remediate.core.Remediator#planSet})
   * @throws RemediationException when the VPC has no default group here
   */
  @Override
  public Plan plan(RemediationContext context) {
    List<String> ids = vpcIds();
    return Remediation.onlyPlan(this, ids != null && ids.size() == 1, "default groups",
        () -> planEach(context));
  }

  /** One plan per default group, in group id order. */
  @Override
  public List<Plan> planEach(RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    Observation observation = new SecurityGroupObserver(ec2).defaultGroups(vpcIds());
    if (!observation.missing().isEmpty() && !tolerateMissing()) {
      throw new RemediationException("VPC(s) " + observation.missing() + " have no default "
          + "security group in "
          + context.region() + ": does the VPC exist in this account and region?");
    }
    return new DefaultGroupDecision(context.guardrails().optOutTagKey(), context.optOutReason())
        .decide(observation).stream()
        .map(g -> g.toPlan(context, forVpc(g.vpcId()), IAM_ACTIONS, CONTROLS))
        .toList();
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    RuleRevocation.execute(context.scope().client(Ec2Client.class, Ec2Client::builder), step,
        context);
  }

  // ---------------------------------------------------------------- value

  /** Catalog entry for {@link RestrictDefaultSecurityGroup}. */
  public static final class Type extends AbstractRemediationType {
    /** Creates the catalog entry (used by {@link java.util.ServiceLoader}). */
    public Type() {
      super(ID, "Remove every ingress and egress rule from a VPC's default security group",
          CONTROLS, IAM_ACTIONS, EnumSet.of(Flag.DISRUPTIVE));
      specTable(SPEC);
      observeAsScanned(true); // every VPC: one not found is gone
    }

    /** Reads no setting: every VPC's default group. */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      return Optional.of(forAllVpcs());
    }

    /** A VPC id: the default group of that VPC. */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      return resourceId.startsWith("vpc-") ? Optional.of(forVpc(resourceId)) : Optional.empty();
    }

    /** The VPCs of every spec, observed together: one scan's worth of calls for any number. */
    @Override
    public List<Remediation> forTargets(List<RemediationSpec> specs) {
      Set<String> vpcs = new TreeSet<>();
      for (RemediationSpec spec : specs) {
        String vpc = spec.require("vpcId");
        if (ALL.equals(vpc)) {
          return List.of(forAllVpcs());
        }
        vpcs.addAll(NetworkSupport.splitCsv(vpc));
      }
      return vpcs.isEmpty() ? List.of() : List.of(forVpcs(vpcs, true));
    }
  }
}
