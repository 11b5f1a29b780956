package dev.remediate.ec2;

import dev.remediate.core.AbstractRemediation;
import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Setting;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
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
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;

/**
 * Changes the type of one EBS-backed instance: stop it (when running), change its type, start it
 * again; to a named type or to the next size up in its family.
 *
 * <pre>{@code
 * Remediation resize = ResizeInstance.of("i-0abc1234def567890").toType("t3.large").build();
 * Remediation bigger = ResizeInstance.of("i-0abc1234def567890").toType(ResizeInstance.NEXT).build();
 * PlanSet plans = remediator.planSet(List.of(resize)); // refused here when incompatible
 * }</pre>
 *
 * <p><b>Observe</b> ({@link ResizeObserver}): {@code DescribeInstances},
 * {@code DescribeInstanceTypes} of the current and target types,
 * {@code DescribeInstanceTypeOfferings} of the target type in the instance's Availability Zone
 * (for {@value #NEXT}: of the family's sizes).
 * <b>Decide</b> ({@link ResizeDecision}, no AWS call): already the type, nothing; refused before
 * any change when the type is not offered there, the architecture or virtualization differs, the
 * type requires ENA and the instance has it off, the root device is an instance store, the
 * instance is Spot or an Auto Scaling member (the refusal names the group and how to change its
 * launch template). <b>Steps</b>: {@code CreateTags} (the resize tags), {@code StopInstances}
 * ({@link Flag#DOWNTIME}), {@code ModifyInstanceAttribute}, {@code StartInstances}, each waited
 * for, {@code DeleteTags}. <b>Failure</b> after the stop: {@link #compensate} restores the old
 * type if it was changed and starts the instance again; applying again converges. <b>Resume</b>:
 * when the process dies mid-resize, a later plan sees the stopped instance carrying the resize
 * tags and finishes the resize (type change if needed, start, tags removed).
 */
@Value.Immutable
public abstract class ResizeInstance extends AbstractRemediation<ResizeInstance> {
  /** The catalog id. */
  public static final String ID = "ec2.resize-instance";
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of("ec2:DescribeInstances",
      "ec2:DescribeInstanceTypes", "ec2:DescribeInstanceTypeOfferings", "ec2:StopInstances",
      "ec2:ModifyInstanceAttribute", "ec2:StartInstances", "ec2:CreateTags", "ec2:DeleteTags",
      "autoscaling:DescribeAutoScalingGroups", "ec2:DescribeLaunchTemplateVersions",
      "ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate",
      "autoscaling:UpdateAutoScalingGroup", "iam:PassRole");
  /** The target meaning "the next size up in the instance's family". */
  public static final String NEXT = "next";
  /**
   * Target {@value}: the type the instance's {@value #RESIZE_TO_TAG} tag names (a type or
   * {@value #NEXT}); an instance without the tag gets an empty plan saying so. What a CPU alarm's
   * state change routes to: the owner allows a resize by tagging the instance.
   */
  public static final String FROM_TAG = "tag";
  /** The tag with which an instance's owner allows (and sizes) a resize an alarm may call for. */
  public static final String RESIZE_TO_TAG = "remediate:resize-to";
  private static final Set<String> READS = Set.of("ec2:DescribeInstances",
      "ec2:DescribeInstanceTypes", "ec2:DescribeInstanceTypeOfferings");
  private static final String OUT_STOPPED = "resize-stopped:";
  private static final String OUT_OLD_TYPE = "resize-old-type:";

  private static final SpecTable<ResizeInstance, Builder> SPEC =
      SpecTable.<ResizeInstance, Builder>of(ID)
          .start("instanceId", SpecKind.aws(AwsNames::instanceId), ResizeInstance::instanceId,
              ResizeInstance::of)
          .required("instanceType", SpecKind.text(), ResizeInstance::instanceType,
              Builder::toType)
          .build(Builder::build);

  ResizeInstance() {}

  /** @return the instance */
  abstract String instanceId();

  /**
   * @return the wanted type, {@value #NEXT} or {@value #FROM_TAG}; never null once built (the
   *     check refuses a remediation without one)
   */
  abstract @Nullable String instanceType();

  /**
   * Every check of the values, in one place.
   *
   * @throws InvalidRemediationException naming the bad value
   */
  @Value.Check
  final void check() {
    AwsNames.instanceId(instanceId());
    instanceType(instanceType());
  }

  /**
   * @param instanceId e.g. {@code i-0abc1234def567890}
   * @return a builder resizing that instance
   */
  public static Builder of(String instanceId) {
    return new Builder(instanceId);
  }

  /** The same instance, to this type. */
  private ResizeInstance to(String type) {
    return ImmutableResizeInstance.copyOf(this).withInstanceType(type);
  }

  /**
   * @return the type a name stands for; e.g. {@code t3.large}, {@code u-6tb1.metal}, or
   *     {@value #NEXT}
   */
  static String instanceType(@Nullable String text) {
    if (NEXT.equals(text) || FROM_TAG.equals(text)) {
      return text;
    }
    if (text == null || !text.matches("[a-z][a-z0-9-]{0,30}\\.[a-z0-9-]{1,30}")) {
      throw new InvalidRemediationException("instanceType '" + text + "' is not an EC2 "
          + "instance type such as t3.large, nor " + NEXT + " (the next size up), nor " + FROM_TAG
          + " (the instance's " + RESIZE_TO_TAG + " tag)");
    }
    return text;
  }

  @Override
  protected SpecTable<ResizeInstance, ?> specTable() {
    return SPEC;
  }

  /**
   * @throws RemediationException when the instance is not found or the resize is refused
   */
  @Override
  public Plan plan(RemediationContext context) {
    String instanceId = instanceId();
    Instance found = ResizeObserver.instance(instanceId, context);
    String wanted = Objects.requireNonNull(instanceType(), "instanceType");
    if (FROM_TAG.equals(wanted)) {
      String tagged = NetworkSupport.tags(found.tags()).get(RESIZE_TO_TAG);
      if (tagged == null) {
        return context.newPlan(this, "AWS::EC2::Instance", instanceId).addAllIamActions(READS)
            .addSkipped(Skip.of(instanceId, "no " + RESIZE_TO_TAG + " tag: its owner has not "
                + "allowed a resize (tag it with a type such as t3.large, or " + NEXT + ")"))
            .build();
      }
      wanted = instanceType(tagged);
      if (FROM_TAG.equals(wanted)) {
        throw new InvalidRemediationException(RESIZE_TO_TAG + " of " + instanceId + " is '"
            + tagged + "': name an instance type or " + NEXT);
      }
    }
    String group = NetworkSupport.tags(found.tags()).get(ResizeDecision.ASG_TAG);
    if (group != null) {
      return groupPlan(group, wanted, context);
    }
    ResizeDecision.Outcome outcome = new ResizeDecision(wanted, context.region(),
        context.account()).decide(ResizeObserver.observe(found, wanted, context));
    Set<String> actions = new TreeSet<>(READS);
    outcome.steps().forEach(s -> actions.add("ec2:" + s.kind()));
    // The spec names the type resolved (next size up, interrupted resize): apply and verify
    // observe against that type, not a size further up.
    return context.newPlan(to(outcome.targetType()), "AWS::EC2::Instance", instanceId)
        .addAllSteps(outcome.steps())
        .addAllWarnings(outcome.warnings()).addAllIamActions(actions).build();
  }

  /** An Auto Scaling member: the group's launch template gets the type ({@link ResizeGroup}). */
  private Plan groupPlan(String group, String wanted, RemediationContext context) {
    String instanceId = instanceId();
    if (NEXT.equals(wanted)) {
      throw new InvalidRemediationException("Resize of " + instanceId + " to " + NEXT + " refused: "
          + "it is a member of Auto Scaling group " + group + ": name the type its launch "
          + "template should get");
    }
    List<String> warnings = new ArrayList<>();
    List<Step> steps = ResizeGroup.decide(ResizeGroup.observe(group, context), instanceId, wanted,
        context.region(), context.account(), warnings);
    Set<String> actions = new TreeSet<>(READS);
    actions.addAll(Set.of("autoscaling:DescribeAutoScalingGroups",
        "ec2:DescribeLaunchTemplateVersions"));
    steps.forEach(s -> actions.add((s.kind().equals(LaunchTemplateSteps.UPDATE_GROUP)
        ? "autoscaling:" : "ec2:") + s.kind()));
    return context.newPlan(to(wanted), "AWS::EC2::Instance", instanceId).addAllSteps(steps)
        .addAllWarnings(warnings).addAllIamActions(actions).build();
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    if (LaunchTemplateSteps.execute(step, context, ID)) {
      return; // an Auto Scaling member's group (ResizeGroup)
    }
    Ec2Client ec2 = ec2(context);
    String instance = step.parameter("instance");
    switch (step.kind()) {
      case ResizeDecision.STOP -> {
        context.outputs().put(OUT_STOPPED + instance, "true");
        ec2.stopInstances(r -> r.instanceIds(instance));
        context.progress("stopping " + instance, -1);
        awaitStopped(ec2, instance, context);
      }
      case ResizeDecision.MODIFY -> {
        context.outputs().put(OUT_OLD_TYPE + instance, step.parameter("previousType"));
        modify(ec2, instance, step.parameter("instanceType"));
      }
      case ResizeDecision.START -> start(ec2, instance, context);
      case ResizeDecision.TAG -> ec2.createTags(r -> r.resources(instance).tags(
          t -> t.key(ResizeDecision.FROM_TAG).value(step.parameter("from")),
          t -> t.key(ResizeDecision.TARGET_TAG).value(step.parameter("target"))));
      case ResizeDecision.UNTAG -> untag(ec2, instance);
      default -> throw new RemediationException("ResizeInstance has no step " + step.kind());
    }
  }

  private static void untag(Ec2Client ec2, String instance) {
    ec2.deleteTags(r -> r.resources(instance).tags(t -> t.key(ResizeDecision.FROM_TAG),
        t -> t.key(ResizeDecision.TARGET_TAG)));
  }

  private static void modify(Ec2Client ec2, String instance, String type) {
    ec2.modifyInstanceAttribute(r -> r.instanceId(instance).instanceType(t -> t.value(type)));
  }

  private static void start(Ec2Client ec2, String instance, RemediationContext context) {
    ec2.startInstances(r -> r.instanceIds(instance));
    context.progress("starting " + instance, -1);
    try (Ec2Waiter waiter = waiter(ec2, context)) {
      waiter.waitUntilInstanceRunning(r -> r.instanceIds(instance));
    }
  }

  private static void awaitStopped(Ec2Client ec2, String instance, RemediationContext context) {
    try (Ec2Waiter waiter = waiter(ec2, context)) {
      waiter.waitUntilInstanceStopped(r -> r.instanceIds(instance));
    }
  }

  private static Ec2Waiter waiter(Ec2Client ec2, RemediationContext context) {
    return EbsWaits.waiter(ec2, context, EncryptVolume.WaiterLimits.ofDefaults().instance());
  }

  /**
   * After a failure following the stop: the old type back if it was changed, and the instance
   * started again if this apply stopped it (then the resize tags removed: nothing is left to
   * resume). Never deletes anything else. When this fails too, the instance keeps its tags and a
   * later plan finishes the resize.
   */
  @Override
  public List<String> compensate(List<Step> completed, RuntimeException failure,
      RemediationContext context) {
    List<String> lines = new ArrayList<>();
    String instanceId = instanceId();
    boolean stoppedHere = context.outputs().containsKey(OUT_STOPPED + instanceId);
    String oldType = context.outputs().get(OUT_OLD_TYPE + instanceId);
    if (!stoppedHere && oldType == null) {
      return lines;
    }
    Ec2Client ec2 = ec2(context);
    Instance observed = ResizeObserver.describe(ec2, instanceId).orElse(null);
    if (observed == null) {
      lines.add(instanceId + " not found: nothing to undo");
      return lines;
    }
    String state = observed.state() == null ? "unknown" : observed.state().nameAsString();
    if ("running".equals(state) || "pending".equals(state)) {
      lines.add(instanceId + " is " + state + " as " + observed.instanceTypeAsString()
          + ": left as is");
      return lines;
    }
    if (!"stopped".equals(state)) {
      awaitStopped(ec2, instanceId, context);
    }
    if (oldType != null && !oldType.equals(observed.instanceTypeAsString())) {
      modify(ec2, instanceId, oldType);
      lines.add("instance type of " + instanceId + " restored to " + oldType);
    }
    if (stoppedHere) {
      start(ec2, instanceId, context);
      lines.add(instanceId + " started again");
      untag(ec2, instanceId);
    }
    return lines;
  }

  private static Ec2Client ec2(RemediationContext context) {
    return context.scope().client(Ec2Client.class, Ec2Client::builder);
  }

  /** Builds {@link ResizeInstance}; {@link #build()} validates every value. */
  @SuppressWarnings("immutables:incompat") // not an extension of the generated builder: it wraps one
  public static final class Builder {
    private final ImmutableResizeInstance.Builder values = ImmutableResizeInstance.builder();

    private Builder(String instanceId) {
      values.instanceId(instanceId);
    }

    /**
     * @param type the wanted instance type (required), e.g. {@code t3.large}, {@value #NEXT}, or
     *     {@value #FROM_TAG} (the instance's {@value #RESIZE_TO_TAG} tag)
     *     for the next size up in the instance's family
     * @return this builder
     */
    public Builder toType(String type) {
      values.instanceType(type);
      return this;
    }

    /**
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public ResizeInstance build() {
      return values.build();
    }
  }

  /** The catalog entry of {@link ResizeInstance}; its plans stop running instances. */
  public static final class Type extends AbstractRemediationType {

    static final Setting INSTANCE_TYPE = Setting.text("resize.instanceType", "The instance type "
        + "to change the chosen instance to, e.g. t3.large, or next: the next size up in its "
        + "family offered in its Availability Zone (required; no region-wide form)");

    /** Creates the type (service loader). */
    public Type() {
      super(ID, "Changes an EBS-backed instance's type (stop, change, start), refused before any "
          + "stop when the type does not fit the instance", List.of(), IAM_ACTIONS,
          EnumSet.of(Flag.DOWNTIME));
      specTable(SPEC);
      // iam:PassRole passes an instance profile's role (any role) to EC2: no prefix can scope it
      responderActions("iam:PassRole");
      roleServices("ec2.amazonaws.com");
    }

    @Override
    public List<Setting> settings() {
      return List.of(INSTANCE_TYPE);
    }

    /** An instance id: that instance, to the type of {@code resize.instanceType} (required). */
    @Override
    public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
      if (!resourceId.startsWith("i-")) {
        return Optional.empty();
      }
      String type = INSTANCE_TYPE.valueIn(settings).orElseThrow(() ->
          new InvalidRemediationException(ID + " needs the type to change to: "
              + INSTANCE_TYPE.advice("t3.large", "toType(\"t3.large\")")));
      return Optional.of(of(resourceId).toType(type).build());
    }
  }
}
