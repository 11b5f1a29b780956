package dev.remediate.ec2;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.Step;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The destination's plan of {@link EnableVpcFlowLogs}: target the bucket ({@code AWS::S3::Bucket},
 * {@link FlowLogBucket}) or the log group ({@code AWS::Logs::LogGroup}, with its delivery role,
 * {@link LogGroupDelivery}); it provides the destination ARN that the VPC plans require.
 */
final class FlowLogDestination {
  /** IAM action of each destination step. */
  private static final Map<String, String> STEP_ACTIONS = Map.of(
      "CreateBucket", "s3:CreateBucket", "PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock",
      "PutBucketEncryption", "s3:PutEncryptionConfiguration",
      "PutBucketPolicy", "s3:PutBucketPolicy", "CreateLogGroup", "logs:CreateLogGroup",
      "PutRetentionPolicy", "logs:PutRetentionPolicy", "CreateRole", "iam:CreateRole",
      "UpdateAssumeRolePolicy", "iam:UpdateAssumeRolePolicy", "PutRolePolicy",
      "iam:PutRolePolicy");

  private FlowLogDestination() {}

  /** The destination's plan: observe it, decide its steps, what it provides. */
  static Plan plan(EnableVpcFlowLogs destination, FlowLogSettings settings,
      RemediationContext context) {
    String region = context.region();
    String account = context.account();
    List<Step> steps;
    List<String> warnings = List.of();
    var plan = settings.toS3()
        ? context.newPlan(destination, "AWS::S3::Bucket", settings.s3Bucket())
        : context.newPlan(destination, "AWS::Logs::LogGroup", settings.logGroup());
    if (settings.toS3()) {
      FlowLogBucket.State state = FlowLogBucket.observe(
          context.scope().client(S3Client.class, S3Client::builder), settings.s3Bucket());
      steps = FlowLogBucket.decide(settings, state, region, account);
      plan.addIamActions("s3:GetBucketPolicy");
    } else {
      LogGroupDelivery.Wanted wanted = delivery(settings, region, account);
      LogGroupDelivery.State state = LogGroupDelivery.observe(
          context.scope().client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder),
          context.scope().client(IamClient.class, IamClient::builder), wanted);
      LogGroupDelivery.Decision decision = LogGroupDelivery.decide(wanted, state,
          settings.logGroupArn(region, account));
      steps = decision.steps();
      warnings = decision.warnings();
      plan.addIamActions("logs:DescribeLogGroups").addProvides(settings.roleArn(account));
      if (wanted.roleName() != null) {
        plan.addIamActions("iam:GetRole", "iam:GetRolePolicy");
      }
    }
    steps.forEach(s -> plan.addIamActions(STEP_ACTIONS.get(s.kind())));
    return plan.addAllSteps(steps).addAllWarnings(warnings)
        .addProvides(settings.destinationArn(region, account)).build();
  }

  /** The log group and delivery role of a CloudWatch Logs destination, for flow logs. */
  static LogGroupDelivery.Wanted delivery(FlowLogSettings settings, String region,
      String account) {
    return new LogGroupDelivery.Wanted(settings.logGroup(), settings.retentionDays(),
        settings.logGroupKmsKey(), settings.deliveryRoleArn() == null
            ? settings.deliveryRoleName() : null, settings.roleArn(account),
        LogGroupDelivery.trustStatement("RemediateVpcFlowLogsTrust"
            + LogGroupDelivery.camel(region), "vpc-flow-logs.amazonaws.com", account,
            "arn:aws:ec2:" + region + ":" + account + ":vpc-flow-log/*"),
        deliveryStatement(), EnableVpcFlowLogs.ROLE_POLICY_NAME, "flow-log");
  }

  static IamStatement deliveryStatement() {
    return IamStatement.builder().sid("RemediateVpcFlowLogsDelivery").effect(IamEffect.ALLOW)
        .addAction("logs:CreateLogGroup").addAction("logs:CreateLogStream")
        .addAction("logs:PutLogEvents").addAction("logs:DescribeLogGroups")
        .addAction("logs:DescribeLogStreams").addResource("*").build();
  }
}
