package dev.remediate.examples.programs;

import dev.remediate.testing.EmulatorFixtures;
import dev.remediate.core.Guardrails;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.ec2.QuarantineInstance;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@code ec2.quarantine-instance}: isolates an instance for incident response: an isolation group
 * with no rules replaces its security groups (originals recorded in tags for
 * {@code ReleaseQuarantine}). Its steps are flagged DISRUPTIVE: the example consents on the
 * emulator only. On the emulator it first launches an instance.
 *
 * <pre>{@code
 * QuarantineInstanceExample                                        # emulator
 * QuarantineInstanceExample --region eu-west-1 i-0abc1234          # real AWS, plan only
 * }</pre>
 */
public final class QuarantineInstanceExample {
  /** The command line. */
  static final String USAGE = "QuarantineInstanceExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [INSTANCE_ID]";

  private QuarantineInstanceExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [INSTANCE_ID]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, QuarantineInstanceExample::run);
  }

  /**
   * Plans (and applies) the quarantine.
   *
   * @param example where to run
   * @return the first plan
   */
  public static PlanSet run(ExampleSupport example) {
    String instance;
    if (example.emulator()) {
      instance = EmulatorFixtures.instance(
          example.scope().client(Ec2Client.class, Ec2Client::builder));
    } else {
      instance = example.argument(0, "INSTANCE_ID");
    }
    Guardrails consent = example.emulator()
        ? Guardrails.custom().consentTo(Flag.DISRUPTIVE).build() : Guardrails.ofDefaults();
    return example.planAndApply(QuarantineInstance.of(instance).build(), consent);
  }
}
