package dev.remediate.examples.programs;

import dev.remediate.cloudtrail.EnsureTrail;
import dev.remediate.core.plan.PlanSet;

/**
 * {@code cloudtrail.trail}: a multi-Region trail logging every management event to a bucket with
 * a correct policy, log file validation and, here, CloudWatch Logs delivery (CIS 3.1, FSBP
 * CloudTrail.1). An existing trail that already does all this makes the plan empty.
 *
 * <pre>{@code
 * EnsureTrailExample                                        # emulator
 * EnsureTrailExample --region eu-west-1 my-trail-bucket     # real AWS, plan only
 * }</pre>
 */
public final class EnsureTrailExample {
  /** The command line. */
  static final String USAGE = "EnsureTrailExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [BUCKET]";

  private EnsureTrailExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [BUCKET]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, EnsureTrailExample::run);
  }

  /**
   * Plans (and applies) a trail.
   *
   * @param example where to run
   * @return the first plan
   */
  public static PlanSet run(ExampleSupport example) {
    String bucket = example.emulator() ? "audit-trail-" + example.scope().account()
        : example.argument(0, "BUCKET");
    EnsureTrail trail = EnsureTrail.toBucket(bucket)
        .cloudWatchLogs("CloudTrail/audit")
        .build();
    return example.planAndApply(trail);
  }
}
