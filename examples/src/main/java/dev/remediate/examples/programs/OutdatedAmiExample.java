package dev.remediate.examples.programs;

import dev.remediate.core.Guardrails;
import dev.remediate.core.Remediation;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.ec2.OutdatedAmi;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@code ec2.outdated-ami}: moves an instance off an outdated image. A standalone instance gets a
 * backup image, a replacement launched from the newer image of its family with the same
 * configuration, its Elastic IPs moved, and is then stopped (never terminated: its volumes stay).
 * The stop is flagged DOWNTIME: the example consents on the emulator only. On the emulator it
 * first launches an instance from Amazon Linux 2 {@code amzn2-ami-hvm-2.0.20180810-x86_64-gp2};
 * on AWS without an instance id it scans the Region: the plans list every outdated instance with
 * its newer image.
 *
 * <pre>{@code
 * OutdatedAmiExample                                       # emulator
 * OutdatedAmiExample --region eu-west-1                    # real AWS, the report (plan only)
 * OutdatedAmiExample --region eu-west-1 i-0abc1234         # real AWS, one instance, plan only
 * }</pre>
 */
public final class OutdatedAmiExample {
  /** The command line. */
  static final String USAGE = "OutdatedAmiExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [INSTANCE_ID]";
  /** Amazon Linux 2 of August 2018, superseded in the emulator's image catalog. */
  static final String OLD_IMAGE = "ami-04681a1dbd79675a5";

  private OutdatedAmiExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [INSTANCE_ID]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, OutdatedAmiExample::run);
  }

  /**
   * Plans (and applies) the replacement of instances on outdated images.
   *
   * @param example where to run
   * @return the first plan
   */
  public static PlanSet run(ExampleSupport example) {
    Remediation remediation;
    if (example.emulator()) {
      String instance = example.scope().client(Ec2Client.class, Ec2Client::builder)
          .runInstances(r -> r.imageId(OLD_IMAGE).minCount(1).maxCount(1)
              .instanceType("t3.micro")).instances().get(0).instanceId();
      remediation = OutdatedAmi.forInstance(instance).build();
    } else if (example.arguments().isEmpty()) {
      remediation = OutdatedAmi.forEveryInstance().build();
    } else {
      remediation = OutdatedAmi.forInstance(example.argument(0, "INSTANCE_ID")).build();
    }
    Guardrails consent = example.emulator()
        ? Guardrails.custom().consentTo(Flag.DOWNTIME).build() : Guardrails.ofDefaults();
    return example.planAndApply(remediation, consent);
  }
}
