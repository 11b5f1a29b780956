package dev.remediate.examples.demo;

import dev.remediate.core.aws.AwsScope;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.FlowLog;

/** Removes what the demo created in a real account: its VPC and the flow logs on it. */
final class DemoCleanup {
  private DemoCleanup() {}

  static void deleteVpc(AwsScope scope, String vpcId, Consumer<String> say) {
    Ec2Client ec2 = scope.client(Ec2Client.class, Ec2Client::builder);
    try {
      List<String> flowLogs = ec2.describeFlowLogs(r -> r.filter(f -> f.name("resource-id")
          .values(vpcId))).flowLogs().stream().map(FlowLog::flowLogId).toList();
      if (!flowLogs.isEmpty()) {
        ec2.deleteFlowLogs(r -> r.flowLogIds(flowLogs));
      }
      ec2.deleteVpc(r -> r.vpcId(vpcId));
      say.accept("Deleted the demo VPC " + vpcId + (flowLogs.isEmpty() ? ""
          : " and its flow logs " + flowLogs) + " (use --keep to keep it).");
    } catch (Ec2Exception e) {
      say.accept("Could not delete the demo VPC " + vpcId + ": "
          + e.awsErrorDetails().errorMessage() + ". Delete it yourself.");
    }
  }
}
