package dev.remediate.examples.programs;

import dev.remediate.core.Guardrails;
import dev.remediate.core.Remediator;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.iam.DeactivateAccessKey;
import dev.remediate.iam.ReactivateAccessKey;
import java.util.List;

/**
 * {@code iam.reactivate-access-key}: the undo of {@code iam.deactivate-access-key}, reactivating
 * exactly the keys recorded on the user (a key inactive before stays inactive). On the emulator it
 * first creates a user with an active and an inactive key and deactivates the user's keys.
 *
 * <pre>{@code
 * ReactivateAccessKeyExample                              # emulator
 * ReactivateAccessKeyExample --region us-east-1 alice     # real AWS, plan only
 * }</pre>
 */
public final class ReactivateAccessKeyExample {
  /** The command line. */
  static final String USAGE = "ReactivateAccessKeyExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [USER_NAME]";

  private ReactivateAccessKeyExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [USER_NAME]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, ReactivateAccessKeyExample::run);
  }

  /**
   * Plans (and applies) the reactivation.
   *
   * @param example where to run
   * @return the first plan set
   */
  public static PlanSet run(ExampleSupport example) {
    String user = "example-user";
    if (example.emulator()) {
      IamExamples.userWithKeys(IamExamples.iam(example), user);
      Remediator.builder().scope(example.scope())
          .guardrails(Guardrails.custom().consentTo(Flag.DISRUPTIVE).build()).build()
          .planAndApply(List.of(DeactivateAccessKey.forUser(user)), plans -> true);
    } else {
      user = example.argument(0, "USER_NAME");
    }
    return example.planAndApply(ReactivateAccessKey.forUser(user));
  }
}
