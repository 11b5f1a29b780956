package dev.remediate.examples.programs;

import dev.remediate.cloudtrail.EnableConfigRecorder;
import dev.remediate.core.plan.PlanSet;

/**
 * {@code config.recorder}: an AWS Config recorder recording every resource type (global types in
 * one Region), a delivery channel to a bucket with a correct policy, and the recorder started
 * (FSBP Config.1, CIS 3.3).
 *
 * <pre>{@code
 * EnableConfigRecorderExample                                    # emulator
 * EnableConfigRecorderExample --region eu-west-1 my-config-bucket
 * }</pre>
 */
public final class EnableConfigRecorderExample {
  /** The command line. */
  static final String USAGE = "EnableConfigRecorderExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [BUCKET]";

  private EnableConfigRecorderExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [BUCKET]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, EnableConfigRecorderExample::run);
  }

  /**
   * Plans (and applies) the recorder.
   *
   * @param example where to run
   * @return the first plan
   */
  public static PlanSet run(ExampleSupport example) {
    String bucket = example.emulator() ? "config-" + example.scope().account()
        : example.argument(0, "BUCKET");
    EnableConfigRecorder config = EnableConfigRecorder.toBucket(bucket)
        .globalResourceTypesRegion(example.scope().region().id())
        .build();
    return example.planAndApply(config);
  }
}
