package dev.remediate.ec2;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.ResizeObserver.InstanceFacts;
import dev.remediate.ec2.ResizeObserver.Observation;
import dev.remediate.ec2.ResizeObserver.Size;
import dev.remediate.ec2.ResizeObserver.TypeInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a {@link ResizeObserver.Observation} into the steps of a resize, with no AWS call.
 *
 * <ul>
 *   <li>Target {@value ResizeInstance#NEXT}: the next size up in the instance's family, sizes
 *       ordered by vCPUs then memory, the first larger one offered in the instance's Availability
 *       Zone; refused at the largest size (or when no larger size is offered there).
 *   <li>Already the target type and no interrupted resize: no step.
 *   <li>Refused (a {@link RemediationException} naming the reason) when the target is not an
 *       instance type, is not offered in the instance's Availability Zone, lacks the instance's
 *       architecture or virtualization type, requires ENA while the instance has it off; when the
 *       root device is an instance store, the instance is Spot, or a member of an Auto Scaling
 *       group (the message names the group and says to change its launch template); or when it
 *       is neither running nor stopped.
 *   <li>A running instance: {@code CreateTags} {@value #FROM_TAG}{@code =<old type>} and
 *       {@value #TARGET_TAG}{@code =<new type>} (what a later plan resumes from),
 *       {@code StopInstances} ({@link Flag#DOWNTIME}), {@code ModifyInstanceAttribute} instance
 *       type, {@code StartInstances}, {@code DeleteTags}. A stopped one: the type change alone.
 *   <li>An interrupted resize (a stopped instance carrying both tags, e.g. the process died after
 *       the stop): continued towards the tag's type: the type change if still needed, the start,
 *       the tags removed; a running one already of that type: the tags removed. A plan naming
 *       another type than the tag's is refused, saying how to finish or abandon the resize.
 * </ul>
 *
 * @param targetType the wanted type, or {@value ResizeInstance#NEXT}
 * @param region the Region, for ARNs
 * @param account the account, for ARNs
 */
record ResizeDecision(String targetType, String region, String account) {
  /** The tag Auto Scaling puts on its instances. */
  static final String ASG_TAG = "aws:autoscaling:groupName";
  /** The tag of an instance being resized: its type before. */
  static final String FROM_TAG = "remediate:resize-from";
  /**
   * The tag of an instance being resized: the type it is resized to (not {@code
   * remediate:resize-to}, which people set to allow a resize).
   */
  static final String TARGET_TAG = "remediate:resize-target";
  static final String TAG = "CreateTags";
  static final String STOP = "StopInstances";
  static final String MODIFY = "ModifyInstanceAttribute";
  static final String START = "StartInstances";
  static final String UNTAG = "DeleteTags";

  /**
   * The steps and warnings of one resize.
   *
   * @param targetType the type resized to: the named one, the next size up, or the type of an
   *     interrupted resize
   * @param steps in order; empty when the instance already has the target type
   * @param warnings what the reviewer should know
   */
  record Outcome(String targetType, List<Step> steps, List<String> warnings) {
    Outcome {
      steps = List.copyOf(steps);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * @throws RemediationException when the resize is refused, naming the reason
   */
  Outcome decide(Observation o) {
    InstanceFacts i = o.instance();
    boolean resuming = o.resizeFrom() != null && o.resizeTarget() != null;
    if (resuming && !ResizeInstance.NEXT.equals(targetType)
        && !targetType.equals(o.resizeTarget())) {
      throw refused(i, targetType, "it carries " + FROM_TAG + "=" + o.resizeFrom() + " and "
          + TARGET_TAG + "=" + o.resizeTarget() + " from an interrupted resize: plan a resize to "
          + o.resizeTarget() + " to finish it, or remove both tags to abandon it");
    }
    if (resuming) {
      return forType(o.resizeTarget()).resume(o);
    }
    if (ResizeInstance.NEXT.equals(targetType)) {
      refuseInstance(i, targetType);
      String next = next(o);
      TypeInfo info = o.family().stream().map(Size::info).filter(t -> t.name().equals(next))
          .findFirst().orElseThrow();
      return forType(next).decide(new Observation(i, o.current(), info, true));
    }
    if (i.type().equals(targetType)) {
      return new Outcome(targetType, List.of(), List.of());
    }
    refuseInstance(i, targetType);
    TypeInfo target = o.target();
    if (target == null) {
      throw refused(i, targetType, targetType + " is not an instance type known to " + region);
    }
    refuseType(i, target, o.offeredInZone());
    boolean running = "running".equals(i.state());
    List<Step> steps = new ArrayList<>();
    if (running) {
      steps.add(tag(i));
      steps.add(Step.builder().kind(STOP).action(Action.CHANGE).resource(arn(i))
          .addFlags(Flag.DOWNTIME).summary("stop " + i.id() + " (downtime until it is started "
              + "again as " + targetType + ")")
          .before("running").after("stopped").putParameters("instance", i.id()).build());
    }
    steps.add(modify(i));
    if (running) {
      steps.add(start(i));
      steps.add(untag(i));
    }
    return new Outcome(targetType, steps, warnings(o));
  }

  private ResizeDecision forType(String type) {
    return new ResizeDecision(type, region, account);
  }

  /** An interrupted resize towards {@link #targetType}: finish it. */
  private Outcome resume(Observation o) {
    InstanceFacts i = o.instance();
    String note = i.id() + " carries " + FROM_TAG + "=" + o.resizeFrom() + ": an interrupted "
        + "resize to " + targetType + " is continued";
    if ("running".equals(i.state()) && i.type().equals(targetType)) {
      return new Outcome(targetType, List.of(untag(i)), List.of(note));
    }
    if (!"stopped".equals(i.state())) {
      Outcome again = decide(new Observation(i, o.current(), o.target(), o.offeredInZone()));
      List<String> warnings = new ArrayList<>(again.warnings());
      warnings.add(note + " from the start");
      return new Outcome(targetType, again.steps(), warnings);
    }
    refuseInstance(i, targetType);
    List<Step> steps = new ArrayList<>();
    List<String> warnings = new ArrayList<>(List.of(note));
    if (!i.type().equals(targetType)) {
      if (o.target() == null) {
        throw refused(i, targetType, targetType + " is not an instance type known to " + region);
      }
      refuseType(i, o.target(), o.offeredInZone());
      steps.add(modify(i));
      warnings.addAll(warnings(o));
    }
    steps.add(start(i));
    steps.add(untag(i));
    return new Outcome(targetType, steps, warnings);
  }

  /**
   * The next size up: the family's sizes ordered by vCPUs, memory, name; the first larger than
   * the instance's type (more vCPUs, or as many and more memory) offered in its zone.
   */
  private String next(Observation o) {
    InstanceFacts i = o.instance();
    String family = i.type().substring(0, Math.max(0, i.type().indexOf('.')));
    Size current = o.family().stream().filter(s -> s.info().name().equals(i.type())).findFirst()
        .orElseThrow(() -> refused(i, ResizeInstance.NEXT, i.type() + " is not among the sizes "
            + "of family " + family + " known to " + region));
    List<Size> larger = o.family().stream().filter(s -> s.vcpus() > current.vcpus()
            || s.vcpus() == current.vcpus() && s.memoryMib() > current.memoryMib())
        .sorted(Comparator.comparingInt(Size::vcpus).thenComparingLong(Size::memoryMib)
            .thenComparing(s -> s.info().name())).toList();
    if (larger.isEmpty()) {
      throw refused(i, ResizeInstance.NEXT, i.type() + " is the largest size of family "
          + family + ": choose a type of another family (resize.instanceType=<type>)");
    }
    return larger.stream().map(s -> s.info().name()).filter(o.familyOffered()::contains)
        .findFirst().orElseThrow(() -> refused(i, ResizeInstance.NEXT, "no larger size of "
            + "family " + family + " (" + larger.stream().map(s -> s.info().name()).toList()
            + ") is offered in its Availability Zone " + i.availabilityZone()));
  }

  private List<String> warnings(Observation o) {
    InstanceFacts i = o.instance();
    TypeInfo target = o.target();
    if (target != null && "required".equals(target.nvmeSupport()) && (o.current() == null
        || !"required".equals(o.current().nvmeSupport()))) {
      return List.of(targetType + " presents EBS volumes as NVMe devices and " + i.type()
          + " does not: the operating system needs NVMe drivers and must not mount by device "
          + "name (/dev/sdX, /dev/xvdX), or " + i.id() + " may not boot");
    }
    return List.of();
  }

  private String arn(InstanceFacts i) {
    return "arn:aws:ec2:" + region + ":" + account + ":instance/" + i.id();
  }

  private Step tag(InstanceFacts i) {
    return Step.builder().kind(TAG).action(Action.ADD).resource(arn(i))
        .summary("tag " + i.id() + " " + FROM_TAG + "=" + i.type() + ", " + TARGET_TAG + "="
            + targetType + " (a later plan finishes an interrupted resize from these)")
        .after(FROM_TAG + "=" + i.type() + ", " + TARGET_TAG + "=" + targetType)
        .putParameters("instance", i.id()).putParameters("from", i.type())
        .putParameters("target", targetType).build();
  }

  private Step modify(InstanceFacts i) {
    return Step.builder().kind(MODIFY).action(Action.CHANGE).resource(arn(i))
        .summary("change the instance type of " + i.id() + " from " + i.type() + " to "
            + targetType)
        .before(i.type()).after(targetType).putParameters("instance", i.id())
        .putParameters("previousType", i.type()).putParameters("instanceType", targetType)
        .build();
  }

  private Step start(InstanceFacts i) {
    return Step.builder().kind(START).action(Action.CHANGE).resource(arn(i))
        .summary("start " + i.id() + " again, as " + targetType)
        .before("stopped").after("running").putParameters("instance", i.id()).build();
  }

  private Step untag(InstanceFacts i) {
    return Step.builder().kind(UNTAG).action(Action.REMOVE).resource(arn(i))
        .summary("remove the resize tags " + FROM_TAG + ", " + TARGET_TAG + " of " + i.id())
        .before(FROM_TAG + ", " + TARGET_TAG).putParameters("instance", i.id()).build();
  }

  private void refuseInstance(InstanceFacts i, String target) {
    if (i.autoScalingGroup() != null) {
      throw refused(i, target, "it is a member of Auto Scaling group " + i.autoScalingGroup()
          + ", which would replace a changed instance: resize the group instead, with a new "
          + "version of its launch template (CreateLaunchTemplateVersion with SourceVersion and "
          + "InstanceType), the group set to that version (UpdateAutoScalingGroup), then "
          + "StartInstanceRefresh");
    }
    if ("spot".equals(i.lifecycle())) {
      throw refused(i, target, "it is a Spot instance: launch a new Spot instance of " + target
          + " instead");
    }
    if ("instance-store".equals(i.rootDeviceType())) {
      throw refused(i, target, "its root device is an instance store, which cannot be stopped: "
          + "only EBS-backed instances change type");
    }
    if (!"running".equals(i.state()) && !"stopped".equals(i.state())) {
      throw refused(i, target, "it is " + i.state() + ": plan again once it is running or "
          + "stopped");
    }
  }

  private void refuseType(InstanceFacts i, TypeInfo target, boolean offered) {
    if (!offered) {
      throw refused(i, targetType, targetType + " is not offered in its Availability Zone "
          + i.availabilityZone());
    }
    if (i.architecture() != null && !target.architectures().contains(i.architecture())) {
      throw refused(i, targetType, "its architecture is " + i.architecture() + " and "
          + targetType + " supports " + target.architectures());
    }
    if (i.virtualizationType() != null && !target.virtualizationTypes().isEmpty()
        && !target.virtualizationTypes().contains(i.virtualizationType())) {
      throw refused(i, targetType, "its virtualization type is " + i.virtualizationType()
          + " and " + targetType + " supports " + target.virtualizationTypes());
    }
    if ("required".equals(target.enaSupport()) && !i.enaEnabled()) {
      throw refused(i, targetType, targetType + " requires ENA and the instance has ENA off: "
          + "enable enaSupport (with the ENA driver installed) first");
    }
  }

  private static RemediationException refused(InstanceFacts i, String target, String reason) {
    return new RemediationException("Resizing " + i.id() + " from " + i.type() + " to "
        + target + " is refused: " + reason);
  }
}
