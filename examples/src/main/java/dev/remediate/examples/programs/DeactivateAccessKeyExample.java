package dev.remediate.examples.programs;

import dev.remediate.core.Guardrails;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.iam.DeactivateAccessKey;

/**
 * {@code iam.deactivate-access-key}: deactivates a compromised access key (never deletes it); the
 * plan shows its last use, the user is tagged with what was done. Its steps are flagged
 * DISRUPTIVE: the example consents on the emulator only, where it first creates a user with keys.
 *
 * <pre>{@code
 * DeactivateAccessKeyExample                                          # emulator
 * DeactivateAccessKeyExample --region us-east-1 AKIAIOSFODNN7EXAMPLE  # real AWS, plan only
 * }</pre>
 */
public final class DeactivateAccessKeyExample {
  /** The command line. */
  static final String USAGE = "DeactivateAccessKeyExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [ACCESS_KEY_ID]";

  private DeactivateAccessKeyExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply]
   *     [ACCESS_KEY_ID]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, DeactivateAccessKeyExample::run);
  }

  /**
   * Plans (and applies) the deactivation.
   *
   * @param example where to run
   * @return the first plan set
   */
  public static PlanSet run(ExampleSupport example) {
    String key = example.emulator()
        ? IamExamples.userWithKeys(IamExamples.iam(example), "example-user").get(0)
        : example.argument(0, "ACCESS_KEY_ID");
    Guardrails consent = example.emulator()
        ? Guardrails.custom().consentTo(Flag.DISRUPTIVE).build() : Guardrails.ofDefaults();
    return example.planAndApply(DeactivateAccessKey.forAccessKey(key), consent);
  }
}
