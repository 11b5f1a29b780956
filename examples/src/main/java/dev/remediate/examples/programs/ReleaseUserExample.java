package dev.remediate.examples.programs;

import dev.remediate.core.Guardrails;
import dev.remediate.core.Remediator;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.iam.QuarantineUser;
import dev.remediate.iam.ReleaseUser;
import java.util.List;

/**
 * {@code iam.release-user}: the undo of {@code iam.quarantine-user}: its deny-all policy deleted,
 * exactly the keys it deactivated reactivated; the password never touched. On the emulator it
 * first creates a user with keys and quarantines it.
 *
 * <pre>{@code
 * ReleaseUserExample                              # emulator
 * ReleaseUserExample --region us-east-1 alice     # real AWS, plan only
 * }</pre>
 */
public final class ReleaseUserExample {
  /** The command line. */
  static final String USAGE = "ReleaseUserExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [USER_NAME]";

  private ReleaseUserExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [USER_NAME]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, ReleaseUserExample::run);
  }

  /**
   * Plans (and applies) the release.
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
          .planAndApply(List.of(QuarantineUser.of(user).build()), plans -> true);
    } else {
      user = example.argument(0, "USER_NAME");
    }
    return example.planAndApply(ReleaseUser.of(user));
  }
}
