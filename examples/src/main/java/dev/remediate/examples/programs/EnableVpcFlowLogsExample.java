package dev.remediate.examples.programs;

import dev.remediate.core.plan.PlanSet;
import dev.remediate.ec2.EnableVpcFlowLogs;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * {@code ec2.vpc-flow-logs}: flow logs for every VPC of the region (FSBP EC2.6, CIS 3.9), to an S3
 * bucket the remediation creates when missing. On the emulator the example first creates a VPC.
 *
 * <pre>{@code
 * EnableVpcFlowLogsExample                                   # emulator
 * EnableVpcFlowLogsExample --region eu-west-1 my-flow-logs   # real AWS, every VPC, plan only
 * }</pre>
 */
public final class EnableVpcFlowLogsExample {
  /** The command line. */
  static final String USAGE = "EnableVpcFlowLogsExample [--profile NAME] [--region REGION] "
      + "[--endpoint URL] [--apply] [BUCKET]";

  private EnableVpcFlowLogsExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--profile NAME] [--region REGION] [--endpoint URL] [--apply] [BUCKET]}
   */
  public static void main(String[] args) {
    ExampleSupport.main(USAGE, args, EnableVpcFlowLogsExample::run);
  }

  /**
   * Plans (and applies) flow logs for every VPC.
   *
   * @param example where to run
   * @return the first plan
   */
  public static PlanSet run(ExampleSupport example) {
    if (example.emulator()) {
      example.scope().client(Ec2Client.class, Ec2Client::builder)
          .createVpc(r -> r.cidrBlock("10.30.0.0/16"));
    }
    String bucket = example.emulator() ? "flow-logs-" + example.scope().account()
        : example.argument(0, "BUCKET");
    EnableVpcFlowLogs flowLogs = EnableVpcFlowLogs.forEveryVpc()
        .toS3Bucket(bucket)
        .createBucketIfMissing()
        .trafficType(EnableVpcFlowLogs.TrafficType.ALL)
        .build();
    return example.planAndApply(flowLogs);
  }
}
