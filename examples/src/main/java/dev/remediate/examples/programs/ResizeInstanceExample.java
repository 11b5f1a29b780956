package dev.remediate.examples.programs;

import dev.remediate.core.Guardrails;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.ec2.ResizeInstance;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@code ec2.resize-instance}: an instance moved to another type (or {@code next}, the next size
 * up of its family) after checks made before any stop (offered in its zone, architecture,
 * virtualization, ENA, NVMe, EBS-backed, not Spot, not in an Auto Scaling group): stop, change the
 * type, start. The stop is flagged DOWNTIME: the example consents on the emulator only. On the
 * emulator it first launches a t2.micro from an HVM image and resizes it to t2.small.
 *
 * <pre>{@code
 * ResizeInstanceExample                                                  # emulator
 * ResizeInstanceExample --region eu-west-1 i-0abc1234def567890 t3.large  # real AWS, plan only
 * }</pre>
 */
public final class ResizeInstanceExample {
  /** The command line. */
  static final String USAGE = "ResizeInstanceExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [INSTANCE_ID TYPE]";

  private ResizeInstanceExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply]
   *     [INSTANCE_ID TYPE]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, ResizeInstanceExample::run);
  }

  /**
   * Plans (and applies) the resize.
   *
   * @param example where to run
   * @return the first plan set
   */
  public static PlanSet run(ExampleSupport example) {
    String instance;
    String type;
    if (example.emulator()) {
      Ec2Client ec2 = example.scope().client(Ec2Client.class, Ec2Client::builder);
      // t2 needs an HVM x86_64 image (the emulator's first image may be paravirtual)
      String image = ec2.describeImages(r -> r.filters(
          f -> f.name("virtualization-type").values("hvm"),
          f -> f.name("architecture").values("x86_64"))).images().get(0).imageId();
      instance = ec2.runInstances(r -> r.imageId(image).minCount(1).maxCount(1)
          .instanceType("t2.micro")).instances().get(0).instanceId();
      // a named type, not "next": the second plan of "next" would be a size further up
      type = "t2.small";
    } else {
      instance = example.argument(0, "INSTANCE_ID");
      type = example.argument(1, "TYPE");
    }
    Guardrails consent = example.emulator()
        ? Guardrails.custom().consentTo(Flag.DOWNTIME).build() : Guardrails.ofDefaults();
    return example.planAndApply(ResizeInstance.of(instance).toType(type).build(), consent);
  }
}
