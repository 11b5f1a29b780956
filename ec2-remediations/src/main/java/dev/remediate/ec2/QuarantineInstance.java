package dev.remediate.ec2;

import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.Setting;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

/**
 * Isolates an EC2 instance: every network interface moves to an isolation security group of its VPC
 * (no ingress, no egress), and optionally its instance profile is detached. The original groups of
 * each interface and the profile are recorded in tags on the instance, so {@link ReleaseQuarantine}
 * restores them exactly.
 *
 * <pre>{@code
 * Remediation q = QuarantineInstance.of("i-0abc1234").detachInstanceProfile().build();
 * remediator.apply(remediator.plan(q));   // needs consent to Flag.DISRUPTIVE
 * }</pre>
 *
 * <p><b>Observe</b>: the instance ({@code DescribeInstances}), the isolation group of its VPC
 * ({@code DescribeSecurityGroups} by name) and that group's rules
 * ({@code DescribeSecurityGroupRules}), and, when detaching, the profile association.
 * <b>Decide</b>: create the group (tagged {@value #GROUP_TAG}) or empty the existing one, which
 * must carry that tag (a same-named group without it is someone else's: the plan is refused);
 * record originals in tags before changing anything (refused when an interface has so many groups
 * that the record exceeds AWS's 256-character tag value); then move each interface. <b>Steps</b>: {@code CreateSecurityGroup},
 * {@code RevokeSecurityGroupIngress} / {@code RevokeSecurityGroupEgress} (including the default
 * allow-all egress), {@code CreateTags},
 * one {@code ModifyNetworkInterfaceAttribute} per interface and
 * {@code DisassociateIamInstanceProfile}, all flagged {@link Flag#DISRUPTIVE} where they cut
 * traffic or access.
 *
 * <p>Connections already tracked by the security group may survive the change (AWS keeps tracked
 * flows until they go idle); the plan says so. To cut them too, also block the peer's address with
 * {@link BlockIpAddress}, whose network ACL entries are stateless.
 */
@Value.Immutable
public abstract class QuarantineInstance extends AbstractRemediation<QuarantineInstance> {
  /** The catalog id. */
  public static final String ID = "ec2.quarantine-instance";
  /** Default name of the isolation group created in each VPC. */
  public static final String DEFAULT_GROUP_NAME = "remediate-quarantine";
  /** Tag key marking the isolation group. */
  public static final String GROUP_TAG = "remediate:quarantine-group";
  /** Prefix of the instance tags recording each interface's original groups. */
  public static final String ENI_TAG_PREFIX = "remediate:quarantine:";
  /** Instance tag recording the detached instance profile's ARN. */
  public static final String PROFILE_TAG = "remediate:quarantine-profile";
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of("ec2:DescribeInstances",
      "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups",
      "ec2:DescribeSecurityGroupRules", "ec2:CreateSecurityGroup",
      "ec2:CreateTags", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
      "ec2:ModifyNetworkInterfaceAttribute", "ec2:DescribeIamInstanceProfileAssociations",
      "ec2:DisassociateIamInstanceProfile");
  static final String TRACKING_WARNING = "Connections already tracked by the instance's security "
      + "groups may survive the group change until they go idle; block the peer with "
      + "BlockIpAddress (network ACLs are stateless) to cut them at once";
  private static final Pattern GROUP_NAME = Pattern.compile("[\\w .\\-:/()#,@\\[\\]+=&;{}!$*]{1,255}");
  /** AWS's limit on the length of a tag value. */
  static final int MAX_TAG_VALUE = 256;

  private static final SpecTable<QuarantineInstance, Builder> SPEC =
      SpecTable.<QuarantineInstance, Builder>of(ID)
          .start("instance", SpecKind.aws(AwsNames::instanceId), QuarantineInstance::instanceId,
              QuarantineInstance::of)
          .withDefault("groupName", SpecKind.text(), DEFAULT_GROUP_NAME,
              QuarantineInstance::groupName, Builder::isolationGroupName)
          .optional("detachInstanceProfile", SpecKind.bool(), false,
              QuarantineInstance::detachProfile,
              (b, detach) -> {
                if (detach) {
                  b.detachInstanceProfile();
                }
              })
          .build(Builder::build);

  QuarantineInstance() {}

  /** @return the instance isolated */
  abstract String instanceId();

  /** @return the name of the isolation group */
  @Value.Default
  String groupName() {
    return DEFAULT_GROUP_NAME;
  }

  /** @return whether the instance profile is detached too */
  @Value.Default
  boolean detachProfile() {
    return false;
  }

  /**
   * Every check of the values, in one place: the instance id and the group name.
   *
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final void check() {
    AwsNames.instanceId(instanceId());
    requireGroupName(groupName());
  }

  /**
   * Quarantines one instance.
   *
   * @param instanceId e.g. {@code i-0abc1234}
   * @return a builder
   */
  public static Builder of(String instanceId) {
    return new Builder(instanceId);
  }

  @Override
  protected SpecTable<QuarantineInstance, ?> specTable() {
    return SPEC;
  }

  // ---------------------------------------------------------------- plan

  /**
   * Observes the instance ({@link QuarantineObserver}), skips it when opted out, and decides
   * ({@link QuarantineDecision}).
   */
  @Override
  public Plan plan(RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    Instance instance = QuarantineObserver.describeInstance(ec2, instanceId());
    Plan.Builder plan = context.newPlan(this, "AWS::EC2::Instance", instanceId())
        .addIamActions("ec2:DescribeInstances");
    if (context.isOptedOut(NetworkSupport.tags(instance.tags()))) {
      return plan.addSkipped(Skip.of(instanceId(), context.optOutReason())).build();
    }
    QuarantineDecision.requireQuarantinable(QuarantineObserver.Observation.instanceOnly(instance));
    QuarantineDecision.quarantine(QuarantineObserver.forQuarantine(ec2, instance, groupName(),
        detachProfile()), groupName(), plan);
    plan.addIamActions("ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups",
        "ec2:DescribeSecurityGroupRules");
    if (detachProfile()) {
      plan.addIamActions("ec2:DescribeIamInstanceProfileAssociations");
    }
    return plan.build();
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    switch (step.kind()) {
      case "CreateSecurityGroup" -> context.outputs().put("isolationGroup",
          createGroup(ec2, step.parameter("vpc")));
      case "RevokeSecurityGroupIngress" -> emptyGroup(ec2, groupId(step.resource(), context), false);
      case "RevokeSecurityGroupEgress" -> emptyGroup(ec2, groupId(step.resource(), context), true);
      case "CreateTags" -> ec2.createTags(r -> r.resources(instanceId()).tags(step.parameters()
          .entrySet().stream().filter(e -> e.getKey().startsWith("tag:"))
          .map(e -> software.amazon.awssdk.services.ec2.model.Tag.builder()
              .key(e.getKey().substring(4)).value(e.getValue()).build()).toList()));
      case "ModifyNetworkInterfaceAttribute" -> ec2.modifyNetworkInterfaceAttribute(r -> r
          .networkInterfaceId(step.resource())
          .groups(groupId(step.parameter("group"), context)));
      case "DisassociateIamInstanceProfile" -> disassociate(ec2, step.resource());
      default -> throw new RemediationException("QuarantineInstance has no step " + step.kind());
    }
  }

  private String createGroup(Ec2Client ec2, String vpcId) {
    try {
      return ec2.createSecurityGroup(r -> r.vpcId(vpcId).groupName(groupName())
          .description("Isolation group: no traffic in or out (remediate quarantine)")
          .tagSpecifications(t -> t.resourceType(ResourceType.SECURITY_GROUP)
              .tags(tag -> tag.key(GROUP_TAG).value("isolation")))).groupId();
    } catch (AwsServiceException e) {
      if (!AwsErrors.is(e, "InvalidGroup.Duplicate")) {
        throw e;
      }
      SecurityGroup existing = ec2.describeSecurityGroups(r -> r.filters(
              NetworkSupport.filter("vpc-id", List.of(vpcId)),
              NetworkSupport.filter("group-name", List.of(groupName()))))
          .securityGroups().get(0);
      requireIsolationTag(existing);
      return existing.groupId();
    }
  }

  /**
   * Refuses to reuse a same-named group that quarantine did not create: emptying it would strip
   * someone else's rules.
   */
  static void requireIsolationTag(SecurityGroup group) {
    if (!NetworkSupport.tags(group.tags()).containsKey(GROUP_TAG)) {
      throw new RemediationException("Security group " + group.groupId() + " ('"
          + group.groupName() + "') in " + group.vpcId() + " has the isolation group's name but "
          + "not the tag " + GROUP_TAG + ": it is not a quarantine group, and its rules would be "
          + "removed. Choose another name ("
          + Type.GROUP_NAME_SETTING.advice("NAME", "isolationGroupName(NAME)") + "), or tag the "
          + "group " + GROUP_TAG + " if it is meant to isolate");
    }
  }

  private static String groupId(String planned, RemediationContext context) {
    if (!QuarantineDecision.NEW_GROUP.equals(planned)) {
      return planned;
    }
    String created = context.outputs().get("isolationGroup");
    if (created == null) {
      throw new RemediationException("The isolation group was not created by an earlier step");
    }
    return created;
  }

  /** Revokes every rule of one direction of the group, by rule id; missing rules are done. */
  static void emptyGroup(Ec2Client ec2, String groupId, boolean egress) {
    List<String> ids = ec2.describeSecurityGroupRules(r -> r.filters(
            NetworkSupport.filter("group-id", List.of(groupId)))).securityGroupRules().stream()
        .filter(r -> Boolean.TRUE.equals(r.isEgress()) == egress)
        .map(SecurityGroupRule::securityGroupRuleId).toList();
    if (ids.isEmpty()) {
      return;
    }
    try {
      if (egress) {
        ec2.revokeSecurityGroupEgress(r -> r.groupId(groupId).securityGroupRuleIds(ids));
      } else {
        ec2.revokeSecurityGroupIngress(r -> r.groupId(groupId).securityGroupRuleIds(ids));
      }
    } catch (AwsServiceException e) {
      if (!SecurityGroupRules.isRuleGone(e)) {
        throw e;
      }
    }
  }

  private static void disassociate(Ec2Client ec2, String associationId) {
    try {
      ec2.disassociateIamInstanceProfile(r -> r.associationId(associationId));
    } catch (AwsServiceException e) {
      if (!AwsErrors.is(e, "InvalidAssociationID.NotFound")) {
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------- value

  /** Checks an isolation group name: 1-255 allowed characters, not {@code sg-...}, not default. */
  static String requireGroupName(@Nullable String groupName) {
    if (groupName == null || !GROUP_NAME.matcher(groupName).matches()
        || groupName.startsWith("sg-") || "default".equalsIgnoreCase(groupName)) {
      throw new InvalidRemediationException("'" + groupName
          + "' is not a usable security group name");
    }
    return groupName;
  }

  /** Builds a {@link QuarantineInstance}; {@code build()} checks every value. */
  @SuppressWarnings("immutables:incompat") // not an extension of the generated builder: it wraps one
  public static final class Builder {
    private final ImmutableQuarantineInstance.Builder values =
        ImmutableQuarantineInstance.builder();

    private Builder(String instanceId) {
      values.instanceId(instanceId);
    }

    /**
     * Sets the name of the isolation group (default {@value QuarantineInstance#DEFAULT_GROUP_NAME}),
     * created in the instance's VPC or reused when it exists.
     *
     * @param name group name
     * @return this builder
     */
    public Builder isolationGroupName(String name) {
      values.groupName(name);
      return this;
    }

    /**
     * Also detaches the instance profile (recorded in a tag for release).
     *
     * @return this builder
     */
    public Builder detachInstanceProfile() {
      values.detachProfile(true);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public QuarantineInstance build() {
      return values.build();
    }
  }

  /** The catalog entry of {@link QuarantineInstance}. */
  public static final class Type extends AbstractRemediationType {
    /** The isolation group's name. */
    static final Setting GROUP_NAME_SETTING = new Setting("quarantine.groupName", Setting.Kind.TEXT,
        "Name of the no-traffic isolation group created (or reused, when tagged "
        + GROUP_TAG + ") in the instance's VPC", Optional.of(DEFAULT_GROUP_NAME));
    /** Whether to detach the instance profile too. */
    static final Setting DETACH_PROFILE = Setting.bool("quarantine.detachInstanceProfile",
        "Also detach the instance profile (the instance loses its AWS credentials; recorded for "
        + "ec2.release-quarantine)", false);

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Isolate an instance: every interface to a no-traffic group, originals recorded",
          List.of(), IAM_ACTIONS, EnumSet.of(Flag.DISRUPTIVE));
      specTable(SPEC);
    }

    @Override
    public List<Setting> settings() {
      return List.of(GROUP_NAME_SETTING, DETACH_PROFILE);
    }

    /**
     * An instance id, with the settings {@code quarantine.groupName} and
     * {@code quarantine.detachInstanceProfile}.
     */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      if (!resourceId.startsWith("i-")) {
        return Optional.empty();
      }
      Builder b = of(AwsNames.instanceId(resourceId));
      GROUP_NAME_SETTING.valueIn(settings, QuarantineInstance::requireGroupName)
          .ifPresent(b::isolationGroupName);
      if (DETACH_PROFILE.valueIn(settings, Boolean::parseBoolean).orElseThrow()) {
        b.detachInstanceProfile();
      }
      return Optional.of(b.build());
    }
  }
}
