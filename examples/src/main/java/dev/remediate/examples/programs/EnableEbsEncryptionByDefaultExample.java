package dev.remediate.examples.programs;

import dev.remediate.core.plan.PlanSet;
import dev.remediate.ec2.EnableEbsEncryptionByDefault;

/**
 * {@code ec2.ebs-encryption-by-default}: turns on EBS encryption by default for the region (FSBP
 * EC2.7, CIS 2.2.1), so every new volume is encrypted.
 *
 * <pre>{@code
 * EnableEbsEncryptionByDefaultExample                         # emulator
 * EnableEbsEncryptionByDefaultExample --region eu-west-1      # real AWS, plan only
 * }</pre>
 */
public final class EnableEbsEncryptionByDefaultExample {
  /** The command line. */
  static final String USAGE = "EnableEbsEncryptionByDefaultExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply]";

  private EnableEbsEncryptionByDefaultExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, EnableEbsEncryptionByDefaultExample::run);
  }

  /**
   * Plans (and applies) encryption by default.
   *
   * @param example where to run
   * @return the first plan
   */
  public static PlanSet run(ExampleSupport example) {
    return example.planAndApply(EnableEbsEncryptionByDefault.create());
  }
}
