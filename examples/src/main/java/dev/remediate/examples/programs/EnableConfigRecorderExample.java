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
  private EnableConfigRecorderExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--apply] [BUCKET]}
   */
  public static void main(String[] args) {
    try (ExampleSupport example = ExampleSupport.open(args)) {
      run(example);
    }
  }

  /**
   * Plans (and applies) the recorder.
   *
   * @param example where to run
   * @return the first plan
   */
  public static PlanSet run(ExampleSupport example) {
    String bucket = example.arguments().isEmpty()
        ? "config-" + example.scope().account() : example.arguments().get(0);
    EnableConfigRecorder config = EnableConfigRecorder.toBucket(bucket)
        .globalResourceTypesRegion(example.scope().region().id())
        .build();
    return example.planAndApply(config);
  }
}
