package dev.remediate.examples.programs;

import dev.remediate.cloudtrail.EnableGuardDuty;
import dev.remediate.core.plan.PlanSet;
import software.amazon.awssdk.services.guardduty.GuardDutyClient;

/**
 * {@code guardduty.detector}: GuardDuty enabled in the Region (FSBP GuardDuty.1), findings
 * published every 15 minutes. On the emulator it first creates a suspended detector, to show that
 * it is resumed rather than replaced.
 *
 * <pre>{@code
 * EnableGuardDutyExample                                  # emulator
 * EnableGuardDutyExample --region eu-west-1               # real AWS, plan only
 * EnableGuardDutyExample --region eu-west-1 --apply       # real AWS, apply
 * }</pre>
 */
public final class EnableGuardDutyExample {
  /** The command line. */
  static final String USAGE = "EnableGuardDutyExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply]";

  private EnableGuardDutyExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, EnableGuardDutyExample::run);
  }

  /**
   * Plans (and applies) GuardDuty in the Region.
   *
   * @param example where to run
   * @return the first plan set
   */
  public static PlanSet run(ExampleSupport example) {
    if (example.emulator()) {
      example.scope().client(GuardDutyClient.class, GuardDutyClient::builder)
          .createDetector(r -> r.enable(false).findingPublishingFrequency("SIX_HOURS"));
    }
    return example.planAndApply(EnableGuardDuty.create());
  }
}
