package dev.remediate.ec2;

import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Step;
import dev.remediate.ec2.ResizeObserver.InstanceFacts;
import dev.remediate.ec2.ResizeObserver.Observation;
import dev.remediate.ec2.ResizeObserver.TypeInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link ResizeObserver.Observation} into the steps of a resize, with no AWS call.
 *
 * <ul>
 *   <li>Already the target type: no step.
 *   <li>Refused (a {@link RemediationException} naming the reason) when the target is not an
 *       instance type, is not offered in the instance's Availability Zone, lacks the instance's
 *       architecture or virtualization type, requires ENA while the instance has it off; when the
 *       root device is an instance store, the instance is Spot, or a member of an Auto Scaling
 *       group (change the group's launch template instead); or when it is neither running nor
 *       stopped.
 *   <li>Steps: {@code StopInstances} ({@link Flag#DOWNTIME}) when running,
 *       {@code ModifyInstanceAttribute} instance type, {@code StartInstances} when it was running.
 * </ul>
 *
 * @param targetType the wanted type
 * @param region the Region, for ARNs
 * @param account the account, for ARNs
 */
record ResizeDecision(String targetType, String region, String account) {
  /** The tag Auto Scaling puts on its instances. */
  static final String ASG_TAG = "aws:autoscaling:groupName";
  static final String STOP = "StopInstances";
  static final String MODIFY = "ModifyInstanceAttribute";
  static final String START = "StartInstances";

  /**
   * The steps and warnings of one resize.
   *
   * @param steps in order; empty when the instance already has the target type
   * @param warnings what the reviewer should know
   */
  record Outcome(List<Step> steps, List<String> warnings) {
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
    if (i.type().equals(targetType)) {
      return new Outcome(List.of(), List.of());
    }
    refuseInstance(i);
    TypeInfo target = o.target();
    if (target == null) {
      throw refused(i, targetType + " is not an instance type known to " + region);
    }
    refuseType(i, target, o.offeredInZone());
    List<String> warnings = new ArrayList<>();
    if ("required".equals(target.nvmeSupport()) && (o.current() == null
        || !"required".equals(o.current().nvmeSupport()))) {
      warnings.add(targetType + " presents EBS volumes as NVMe devices and " + i.type()
          + " does not: the operating system needs NVMe drivers and must not mount by device "
          + "name (/dev/sdX, /dev/xvdX), or " + i.id() + " may not boot");
    }
    boolean running = "running".equals(i.state());
    String arn = "arn:aws:ec2:" + region + ":" + account + ":instance/" + i.id();
    List<Step> steps = new ArrayList<>();
    if (running) {
      steps.add(Step.builder().kind(STOP).action(Action.CHANGE).resource(arn)
          .addFlags(Flag.DOWNTIME).summary("stop " + i.id() + " (downtime until it is started "
              + "again as " + targetType + ")")
          .before("running").after("stopped").putParameters("instance", i.id()).build());
    }
    steps.add(Step.builder().kind(MODIFY).action(Action.CHANGE).resource(arn)
        .summary("change the instance type of " + i.id() + " from " + i.type() + " to "
            + targetType)
        .before(i.type()).after(targetType).putParameters("instance", i.id())
        .putParameters("previousType", i.type()).putParameters("instanceType", targetType)
        .build());
    if (running) {
      steps.add(Step.builder().kind(START).action(Action.CHANGE).resource(arn)
          .summary("start " + i.id() + " again, as " + targetType)
          .before("stopped").after("running").putParameters("instance", i.id()).build());
    }
    return new Outcome(steps, warnings);
  }

  private void refuseInstance(InstanceFacts i) {
    if (i.autoScalingGroup() != null) {
      throw refused(i, "it is a member of Auto Scaling group " + i.autoScalingGroup()
          + ", which would replace it: change the group's launch template instead (and start an "
          + "instance refresh)");
    }
    if ("spot".equals(i.lifecycle())) {
      throw refused(i, "it is a Spot instance: launch a new Spot instance of " + targetType
          + " instead");
    }
    if ("instance-store".equals(i.rootDeviceType())) {
      throw refused(i, "its root device is an instance store, which cannot be stopped: only "
          + "EBS-backed instances change type");
    }
    if (!"running".equals(i.state()) && !"stopped".equals(i.state())) {
      throw refused(i, "it is " + i.state() + ": plan again once it is running or stopped");
    }
  }

  private void refuseType(InstanceFacts i, TypeInfo target, boolean offered) {
    if (!offered) {
      throw refused(i, targetType + " is not offered in its Availability Zone "
          + i.availabilityZone());
    }
    if (i.architecture() != null && !target.architectures().contains(i.architecture())) {
      throw refused(i, "its architecture is " + i.architecture() + " and " + targetType
          + " supports " + target.architectures());
    }
    if (i.virtualizationType() != null && !target.virtualizationTypes().isEmpty()
        && !target.virtualizationTypes().contains(i.virtualizationType())) {
      throw refused(i, "its virtualization type is " + i.virtualizationType() + " and "
          + targetType + " supports " + target.virtualizationTypes());
    }
    if ("required".equals(target.enaSupport()) && !i.enaEnabled()) {
      throw refused(i, targetType + " requires ENA and the instance has ENA off: enable "
          + "enaSupport (with the ENA driver installed) first");
    }
  }

  private RemediationException refused(InstanceFacts i, String reason) {
    return new RemediationException("Resizing " + i.id() + " from " + i.type() + " to "
        + targetType + " is refused: " + reason);
  }
}
