package dev.remediate.examples.programs;

import dev.remediate.core.plan.Plan;
import dev.remediate.core.PlanSetResult;
import dev.remediate.core.Remediator;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.ec2.EnableVpcFlowLogs;
import java.util.List;
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
  private EnableVpcFlowLogsExample() {}

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
   * Plans (and applies) flow logs for every VPC.
   *
   * @param example where to run
   * @return the first plan
   */
  public static Plan run(ExampleSupport example) {
    if (example.emulator()) {
      example.scope().client(Ec2Client.class, Ec2Client::builder)
          .createVpc(r -> r.cidrBlock("10.30.0.0/16"));
    }
    String bucket = example.arguments().isEmpty()
        ? "flow-logs-" + example.scope().account() : example.arguments().get(0);
    EnableVpcFlowLogs flowLogs = EnableVpcFlowLogs.forEveryVpc()
        .toS3Bucket(bucket)
        .createBucketIfMissing()
        .trafficType(EnableVpcFlowLogs.TrafficType.ALL)
        .build();
    // One plan per VPC and one for the bucket they need: a plan set, not a single plan.
    Remediator remediator = Remediator.create(example.scope());
    PlanSet plans = remediator.planSet(List.of(flowLogs));
    example.out().print(plans.toText());
    if (plans.isEmpty() || !example.applyRequested()) {
      example.out().println(plans.isEmpty() ? "Compliant: nothing to do."
          : "Plan only: nothing changed.");
      return plans.plans().get(0);
    }
    PlanSetResult result = remediator.apply(plans);
    example.out().print(result.toText());
    PlanSet again = remediator.planSet(List.of(flowLogs));
    example.out().println("Second plan: " + (again.isEmpty() ? "empty, compliant"
        : again.changes() + " change(s) left"));
    return plans.withChanges().get(0);
  }
}
