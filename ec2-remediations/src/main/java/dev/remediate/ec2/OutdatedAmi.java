package dev.remediate.ec2;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Setting;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Step;
import dev.remediate.core.aws.AwsNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.immutables.value.Value;
import org.jspecify.annotations.Nullable;

/**
 * Instances launched from an outdated image (superseded by a newer image of its family, or older
 * than {@code maxAgeDays}) moved to the newer image without losing data: an Auto Scaling group
 * through a new launch template version and an instance refresh; a standalone instance through a
 * backup image, a replacement with the same configuration, and the original stopped (never
 * terminated unless asked, with consent).
 *
 * <pre>{@code
 * Remediation amis = OutdatedAmi.forEveryInstance().maxAgeDays(90).build();
 * PlanSet report = remediator.planSet(List.of(amis));  // one plan per instance or group
 * Remediation one = OutdatedAmi.forInstance("i-0abc1234def567890").terminateReplaced(false).build();
 * }</pre>
 *
 * <p><b>Targets</b>: one plan per outdated standalone instance ({@code AWS::EC2::Instance}, spec
 * {@link #forInstance}) and one per Auto Scaling group with outdated members
 * ({@code AWS::AutoScaling::AutoScalingGroup}, spec {@link #forGroup}). Each plan's first warning
 * names the outdated image and the newer one, so a scan alone is the report.
 *
 * <p><b>Observe</b>: {@link AmiObserver}. <b>Decide</b> ({@link AmiDecision}, no AWS call):
 * families by {@link AmiFamily}. <b>Steps</b>: {@link AmiReplacementSteps} (standalone),
 * {@link AmiGroupSteps} (groups).
 */
@Value.Immutable
public abstract class OutdatedAmi extends AbstractRemediation<OutdatedAmi> {
  /** The catalog id. */
  public static final String ID = "ec2.outdated-ami";
  /** Images older than this many days are outdated unless another age is given. */
  public static final int DEFAULT_MAX_AGE_DAYS = 90;
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of("ec2:DescribeInstances",
      "ec2:DescribeImages", "ec2:DescribeVolumes", "ec2:DescribeAddresses",
      "ec2:DescribeInstanceAttribute", "ec2:DescribeLaunchTemplateVersions",
      "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeInstanceRefreshes",
      "ec2:CreateImage", "ec2:CreateTags",
      "ec2:RunInstances", "iam:PassRole", "ec2:DescribeInstanceStatus", "ec2:AssociateAddress",
      "ec2:StopInstances", "ec2:TerminateInstances", "ec2:CreateLaunchTemplateVersion",
      "ec2:ModifyLaunchTemplate", "autoscaling:UpdateAutoScalingGroup",
      "autoscaling:StartInstanceRefresh");
  private static final List<String> READS = List.of("ec2:DescribeInstances",
      "ec2:DescribeImages");
  private static final Map<String, List<String>> STEP_ACTIONS = Map.of(
      AmiReplacementSteps.CREATE_IMAGE, List.of("ec2:CreateImage", "ec2:CreateTags"),
      AmiReplacementSteps.RUN, List.of("ec2:DescribeVolumes", "ec2:DescribeAddresses",
          "ec2:DescribeInstanceAttribute", "ec2:RunInstances", "ec2:CreateTags"),
      AmiReplacementSteps.AWAIT, List.of("ec2:DescribeInstanceStatus"),
      AmiReplacementSteps.ASSOCIATE, List.of("ec2:AssociateAddress"),
      AmiReplacementSteps.STOP, List.of("ec2:CreateTags", "ec2:StopInstances"),
      AmiReplacementSteps.TERMINATE, List.of("ec2:TerminateInstances"),
      AmiGroupSteps.CREATE_VERSION, List.of("ec2:CreateLaunchTemplateVersion"),
      AmiGroupSteps.MODIFY_TEMPLATE, List.of("ec2:ModifyLaunchTemplate",
          "ec2:DescribeLaunchTemplateVersions"),
      AmiGroupSteps.UPDATE_GROUP, List.of("autoscaling:UpdateAutoScalingGroup",
          "ec2:DescribeLaunchTemplateVersions", "ec2:RunInstances"),
      AmiGroupSteps.REFRESH, List.of("autoscaling:StartInstanceRefresh", "ec2:RunInstances",
          "ec2:CreateTags"));
  private static final String EVERY = "*";
  private static final int MAX_AGE_LIMIT = 36_500;

  private static final SpecTable<OutdatedAmi, Builder> SPEC = SpecTable.<OutdatedAmi, Builder>of(ID)
      .start("groups", SpecKind.list(SpecKind.text()), OutdatedAmi::groups,
          names -> new Builder(null, names))
      .startAllOr("instances", SpecKind.aws(AwsNames::instanceId),
          r -> r.groups() != null ? null : Optional.ofNullable(r.instanceIds()),
          OutdatedAmi::forInstances, OutdatedAmi::forEveryInstance)
      .required("maxAgeDays", SpecKind.integer(), OutdatedAmi::maxAgeDays, Builder::maxAgeDays)
      .required("rebootForImage", SpecKind.bool(), OutdatedAmi::rebootForImage,
          Builder::rebootForImage)
      .required("terminateReplaced", SpecKind.bool(), OutdatedAmi::terminateReplaced,
          Builder::terminateReplaced)
      .build(Builder::build);

  OutdatedAmi() {}

  /** @return the chosen instances, sorted; null for a group or every instance of the Region */
  abstract @Nullable List<String> instanceIds();

  /** @return the chosen Auto Scaling groups, each once; null for instances */
  abstract @Nullable List<String> groups();

  /** @return an image older than this many days is outdated */
  @Value.Default
  int maxAgeDays() {
    return DEFAULT_MAX_AGE_DAYS;
  }

  /** @return whether the backup image reboots the instance */
  @Value.Default
  boolean rebootForImage() {
    return false;
  }

  /** @return whether the stopped original is then terminated */
  @Value.Default
  boolean terminateReplaced() {
    return false;
  }

  /** Set for the remediations apply observes with: a target gone since has an empty plan. */
  @Value.Default
  boolean tolerateMissing() {
    return false;
  }

  /**
   * Every check of the values, in one place: the instance ids, the group names and the age.
   *
   * @return this, or a copy with the instance ids sorted and each id and group named once
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final OutdatedAmi normalised() {
    List<String> ids = instanceIds();
    List<String> sortedIds = ids == null ? null
        : NetworkSupport.requireIds(ids, AwsNames::instanceId, "instance");
    List<String> groups = groups();
    if (groups != null) {
      groups.forEach(OutdatedAmi::checkGroupName);
    }
    List<String> distinctGroups = groups == null ? null
        : List.copyOf(new java.util.LinkedHashSet<>(groups));
    maxAgeDays(String.valueOf(maxAgeDays())); // 1 to 36500
    if (Objects.equals(sortedIds, ids) && Objects.equals(distinctGroups, groups)) {
      return this;
    }
    return ImmutableOutdatedAmi.builder().from(this).instanceIds(sortedIds).groups(distinctGroups)
        .build();
  }

  private static void checkGroupName(@Nullable String groupName) {
    if (groupName == null || !groupName.matches("[\\x20-\\x7E&&[^:]]{1,255}")) {
      throw new InvalidRemediationException("groupName '" + groupName + "' is not an Auto "
          + "Scaling group name (1-255 printable characters, no colon)");
    }
  }

  /** @return a builder for every instance of the Region */
  public static Builder forEveryInstance() {
    return new Builder(null, null);
  }

  /**
   * @param instanceId e.g. {@code i-0abc1234def567890}
   * @return a builder for that instance (its group, when it is an Auto Scaling member)
   */
  public static Builder forInstance(String instanceId) {
    return forInstances(Collections.singletonList(instanceId));
  }

  /**
   * @param instanceIds instance ids of one Region
   * @return a builder for those instances
   */
  public static Builder forInstances(Collection<String> instanceIds) {
    // no instances is refused by build(), not taken for every instance
    return new Builder(instanceIds == null ? List.of() : instanceIds, null);
  }

  /**
   * @param groupName an Auto Scaling group's name
   * @return a builder for that group's instances
   */
  public static Builder forGroup(String groupName) {
    return new Builder(null, Collections.singletonList(groupName));
  }

  @Override
  protected SpecTable<OutdatedAmi, ?> specTable() {
    return SPEC;
  }

  private AmiDecision decision() {
    return new AmiDecision(maxAgeDays(), rebootForImage(), terminateReplaced());
  }

  /** The same settings for one target of a plan. */
  private OutdatedAmi one(AmiDecision.Target t) {
    return withTargets(AmiDecision.GROUP.equals(t.type()), List.of(t.id()), false);
  }

  /** The same settings for these groups or instances. */
  private OutdatedAmi withTargets(boolean groups, Collection<String> ids, boolean tolerateMissing) {
    return ImmutableOutdatedAmi.builder().from(this).instanceIds(groups ? null : ids)
        .groups(groups ? ids : null).tolerateMissing(tolerateMissing).build();
  }

  // ---------------------------------------------------------------- plan: observe, decide

  /**
   * Plans the one instance of {@link #forInstance(String)} or the group of {@link #forGroup}.
   *
   * @throws InvalidRemediationException for a form covering several targets (use
   *     {@link dev.remediate.core.Remediator#planSet})
   */
  @Override
  public Plan plan(RemediationContext context) {
    List<String> groups = groups();
    List<String> instanceIds = instanceIds();
    boolean single = groups != null ? groups.size() == 1
        : instanceIds != null && instanceIds.size() == 1;
    return Remediation.onlyPlan(this, single, "instances", () -> planEach(context));
  }

  /**
   * One plan per outdated standalone instance and per Auto Scaling group with outdated members:
   * instances first, then groups, each in id order; compliant targets as empty plans.
   *
   * @throws RemediationException when a chosen instance or group is not found
   */
  @Override
  public List<Plan> planEach(RemediationContext context) {
    AmiDecision decision = decision();
    AmiObserver.Observation o = AmiObserver.observe(instanceIds(), groups(),
        decision::needsReplacement, context);
    List<AmiDecision.Target> targets = new ArrayList<>(decision.decide(o,
        context.guardrails().optOutTagKey(), context.optOutReason()));
    if (instanceIds() != null || groups() != null) {
      chosenOnly(o, targets);
    }
    return targets.stream().map(t -> context.newPlan(one(t), t.type(), t.id())
        .addAllSteps(t.steps()).addAllWarnings(t.warnings()).addAllSkipped(t.skipped())
        .addAllIamActions(iamActions(t.steps())).build()).toList();
  }

  /** Keeps the chosen targets (an instance's group stands for it) and adds the missing ones. */
  private void chosenOnly(AmiObserver.Observation o, List<AmiDecision.Target> targets) {
    Map<String, String> wanted = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String id : Objects.requireNonNullElse(instanceIds(), List.<String>of())) {
      AmiObserver.InstanceFacts i = o.instances().get(id);
      String group = i == null ? null : i.group();
      if (group != null && o.groups().containsKey(group)) {
        wanted.put(group, AmiDecision.GROUP);
      } else if (i != null) {
        wanted.put(id, AmiDecision.INSTANCE);
      } else {
        missing.add(id);
      }
    }
    for (String g : Objects.requireNonNullElse(groups(), List.<String>of())) {
      wanted.put(g, AmiDecision.GROUP);
    }
    if (!missing.isEmpty() && !tolerateMissing()) {
      throw new RemediationException("Instance(s) " + missing + " not found in " + o.region());
    }
    missing.forEach(id -> wanted.put(id, AmiDecision.INSTANCE));
    targets.removeIf(t -> !t.type().equals(wanted.get(t.id())));
    wanted.forEach((id, type) -> {
      if (targets.stream().noneMatch(t -> t.id().equals(id))) {
        targets.add(AmiDecision.Target.empty(type, id));
      }
    });
    targets.sort(Comparator.comparing((AmiDecision.Target t) -> t.type().equals(
        AmiDecision.GROUP)).thenComparing(AmiDecision.Target::id));
  }

  private static Set<String> iamActions(List<Step> steps) {
    Set<String> actions = new TreeSet<>(READS);
    for (Step s : steps) {
      actions.addAll(STEP_ACTIONS.getOrDefault(s.kind(), List.of()));
      if (AmiReplacementSteps.RUN.equals(s.kind()) && !s.parameter("profile").isEmpty()
          || AmiGroupSteps.UPDATE_GROUP.equals(s.kind())
          || AmiGroupSteps.REFRESH.equals(s.kind())) {
        actions.add("iam:PassRole"); // an instance profile passed at launch
      }
      if (s.kind().equals(AmiGroupSteps.CREATE_VERSION) || s.kind().equals(
          AmiGroupSteps.REFRESH)) {
        actions.add("autoscaling:DescribeAutoScalingGroups");
        actions.add("autoscaling:DescribeInstanceRefreshes");
        actions.add("ec2:DescribeLaunchTemplateVersions");
      }
    }
    return actions;
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    if (step.parameters().containsKey("group")) {
      AmiGroupSteps.execute(step, context);
    } else {
      AmiReplacementSteps.execute(step, context);
    }
  }

  // ---------------------------------------------------------------- values

  /** @return the maximum age in days; a whole number from 1 to 36500 */
  static int maxAgeDays(@Nullable String text) {
    if (text == null || !text.strip().matches("\\d{1,5}")
        || Integer.parseInt(text.strip()) < 1 || Integer.parseInt(text.strip()) > MAX_AGE_LIMIT) {
      throw new InvalidRemediationException("maxAgeDays '" + text + "' is not a whole number of "
          + "days from 1 to " + MAX_AGE_LIMIT);
    }
    return Integer.parseInt(text.strip());
  }

  /** @return {@code true} or {@code false}, strictly */
  static boolean bool(String name, @Nullable String text) {
    String v = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new InvalidRemediationException(name + " '" + text + "' is not true or false");
    }
    return Boolean.parseBoolean(v);
  }

  /** Builds {@link OutdatedAmi}; {@link #build()} validates every value. */
  @SuppressWarnings("immutables:incompat") // not an extension of the generated builder: it wraps one
  public static final class Builder {
    private final ImmutableOutdatedAmi.Builder values = ImmutableOutdatedAmi.builder();

    private Builder(@Nullable Collection<String> instanceIds, @Nullable List<String> groups) {
      values.instanceIds(instanceIds).groups(groups);
    }

    /**
     * @param days an image older than this is outdated (default {@value #DEFAULT_MAX_AGE_DAYS})
     * @return this builder
     */
    public Builder maxAgeDays(int days) {
      values.maxAgeDays(days);
      return this;
    }

    /**
     * @param reboot whether the backup image reboots the instance (default false: no reboot, a
     *     crash-consistent image without downtime)
     * @return this builder
     */
    public Builder rebootForImage(boolean reboot) {
      values.rebootForImage(reboot);
      return this;
    }

    /**
     * @param terminate whether the stopped original is then terminated (default false; applying
     *     it needs consent to {@link Flag#DESTRUCTIVE})
     * @return this builder
     */
    public Builder terminateReplaced(boolean terminate) {
      values.terminateReplaced(terminate);
      return this;
    }

    /**
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public OutdatedAmi build() {
      return values.build();
    }
  }

  /**
   * The catalog entry of {@link OutdatedAmi}; its plans stop instances ({@link Flag#DOWNTIME})
   * and, only when asked, terminate them ({@link Flag#DESTRUCTIVE}).
   */
  public static final class Type extends AbstractRemediationType {
    static final Setting MAX_AGE = Setting.integer("amis.maxAgeDays", "An image older than this "
        + "many days (CreationDate) is outdated", String.valueOf(DEFAULT_MAX_AGE_DAYS));
    static final Setting REBOOT = Setting.bool("amis.rebootForImage", "Reboot an instance for "
        + "its backup image (consistent file systems, a reboot) instead of NoReboot "
        + "(crash-consistent, no downtime)", false);
    static final Setting TERMINATE = Setting.bool("amis.terminateReplaced", "Terminate a "
        + "replaced instance once its replacement is healthy (needs DESTRUCTIVE consent); by "
        + "default it is left stopped with its volumes", false);

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Moves instances off outdated AMIs: an instance refresh for Auto Scaling groups; "
          + "a backup image, a replacement with the same configuration and the original stopped "
          + "for standalone instances", List.of(), IAM_ACTIONS,
          EnumSet.of(Flag.DOWNTIME, Flag.DESTRUCTIVE));
      specTable(SPEC);
      observeAsScanned(false); // outdated instances: a reviewed one may drop out and still exist
      // iam:PassRole passes an instance profile's role (any role) to EC2: no prefix can scope it
      responderActions("iam:PassRole");
      roleServices("ec2.amazonaws.com");
    }

    @Override
    public List<Setting> settings() {
      return List.of(MAX_AGE, REBOOT, TERMINATE);
    }

    /** Every instance of the Region, with {@code amis.*} settings. */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      return Optional.of(withSettings(forEveryInstance(), settings).build());
    }

    /** An instance id: that instance (its group's plan when it is an Auto Scaling member). */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      if (!resourceId.startsWith("i-")) {
        return Optional.empty();
      }
      return Optional.of(withSettings(forInstance(resourceId), settings).build());
    }

    /** The targets of every spec, one remediation per distinct setting and kind. */
    @Override
    public List<Remediation> forTargets(List<RemediationSpec> specs) {
      Map<String, OutdatedAmi> settings = new LinkedHashMap<>();
      Map<String, List<String>> targets = new LinkedHashMap<>();
      List<Remediation> result = new ArrayList<>();
      for (RemediationSpec spec : specs) {
        OutdatedAmi one = (OutdatedAmi) fromSpec(spec);
        List<String> ids = one.groups() != null ? one.groups() : one.instanceIds();
        if (ids == null) {
          result.add(one);
          continue;
        }
        String key = (one.groups() != null) + "|" + one.maxAgeDays() + "|" + one.rebootForImage()
            + "|" + one.terminateReplaced();
        settings.putIfAbsent(key, one);
        targets.computeIfAbsent(key, k -> new ArrayList<>()).addAll(ids);
      }
      settings.forEach((key, one) -> result.add(one.withTargets(one.groups() != null,
          targets.get(key), true)));
      return result;
    }

    private static Builder withSettings(Builder b, Map<String, String> settings) {
      MAX_AGE.valueIn(settings, OutdatedAmi::maxAgeDays).ifPresent(b::maxAgeDays);
      REBOOT.valueIn(settings, v -> bool(REBOOT.key(), v)).ifPresent(b::rebootForImage);
      TERMINATE.valueIn(settings, v -> bool(TERMINATE.key(), v)).ifPresent(b::terminateReplaced);
      return b;
    }
  }
}
