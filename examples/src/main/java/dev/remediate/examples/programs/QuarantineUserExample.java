package dev.remediate.examples.programs;

import dev.remediate.core.Guardrails;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.iam.QuarantineUser;

/**
 * {@code iam.quarantine-user}: an inline deny-all policy on the user and every active key
 * deactivated, recorded in tags for {@code iam.release-user}; the console password is kept. Its
 * steps are flagged DISRUPTIVE: the example consents on the emulator only, where it first creates
 * a user with keys.
 *
 * <pre>{@code
 * QuarantineUserExample                              # emulator
 * QuarantineUserExample --region us-east-1 alice     # real AWS, plan only
 * }</pre>
 */
public final class QuarantineUserExample {
  /** The command line. */
  static final String USAGE = "QuarantineUserExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [USER_NAME]";

  private QuarantineUserExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [USER_NAME]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, QuarantineUserExample::run);
  }

  /**
   * Plans (and applies) the quarantine.
   *
   * @param example where to run
   * @return the first plan set
   */
  public static PlanSet run(ExampleSupport example) {
    String user = "example-user";
    if (example.emulator()) {
      IamExamples.userWithKeys(IamExamples.iam(example), user);
    } else {
      user = example.argument(0, "USER_NAME");
    }
    Guardrails consent = example.emulator()
        ? Guardrails.custom().consentTo(Flag.DISRUPTIVE).build() : Guardrails.ofDefaults();
    return example.planAndApply(QuarantineUser.of(user).build(), consent);
  }
}
