package dev.remediate.cloudtrail;

import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Step;
import dev.remediate.core.policy.PolicyDocuments;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamPolicy;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * A trail's delivery to CloudWatch Logs (FSBP CloudTrail.5): the log group, created when missing,
 * and the role CloudTrail assumes to write to it (trusted only for this trail), unless a role is
 * given. Observe, decide (no AWS call) and steps.
 */
final class TrailLogs {
  static final String CREATE_LOG_GROUP = "CreateLogGroup";
  static final String CREATE_ROLE = "CreateRole";
  static final String PUT_ROLE_POLICY = "PutRolePolicy";

  private TrailLogs() {}

  /**
   * What was read of the delivery.
   *
   * @param groupExists whether the log group exists
   * @param roleExists whether the role to create exists (false when a role is given)
   * @param rolePolicy the role's inline policy {@value EnsureTrail#ROLE_POLICY_NAME}, or null
   */
  record Observed(boolean groupExists, boolean roleExists, @Nullable String rolePolicy) {}

  /** The log group's ARN, without the {@code :*} CloudTrail's {@code CloudWatchLogsLogGroupArn} ends in. */
  static String groupArn(String region, String account, String group) {
    return "arn:aws:logs:" + region + ":" + account + ":log-group:" + group;
  }

  // ---------------------------------------------------------------- observe

  static @Nullable Observed observe(EnsureTrail wanted, RemediationContext context) {
    String group = wanted.logGroup();
    if (group == null) {
      return null;
    }
    boolean exists = context.scope().client(CloudWatchLogsClient.class,
            CloudWatchLogsClient::builder)
        .describeLogGroups(r -> r.logGroupNamePrefix(group)).logGroups().stream()
        .anyMatch(g -> group.equals(g.logGroupName()));
    if (wanted.logsRole() != null) {
      return new Observed(exists, false, null);
    }
    IamClient iam = context.scope().client(IamClient.class, IamClient::builder);
    String roleName = wanted.logsRoleName();
    try {
      iam.getRole(r -> r.roleName(roleName));
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "NoSuchEntity")) {
        throw e;
      }
      return new Observed(exists, false, null);
    }
    try {
      return new Observed(exists, true, PolicyDocuments.decode(iam.getRolePolicy(r -> r
          .roleName(roleName).policyName(EnsureTrail.ROLE_POLICY_NAME)).policyDocument()));
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "NoSuchEntity")) {
        throw e;
      }
      return new Observed(exists, true, null);
    }
  }

  // ---------------------------------------------------------------- decide

  /**
   * Plans the log group and the role.
   *
   * @return the role ARN the trail should deliver with
   */
  static String plan(EnsureTrail wanted, Observed logs, String trailArn, TrailObservation o,
      Plan.Builder plan) {
    String group = wanted.logGroup();
    String groupArn = groupArn(o.region(), o.account(), group);
    if (!logs.groupExists()) {
      plan.addSteps(Step.builder().kind(CREATE_LOG_GROUP).action(Action.ADD).resource(groupArn)
          .summary("create CloudWatch Logs log group " + group).after(group)
          .putParameters("logGroup", group).build());
    }
    if (wanted.logsRole() != null) {
      return wanted.logsRole();
    }
    String roleName = wanted.logsRoleName();
    String roleArn = "arn:aws:iam::" + o.account() + ":role/" + roleName;
    if (!logs.roleExists()) {
      String trust = IamPolicy.builder().version(PolicyDocuments.VERSION).addStatement(
          Policies.allowService("AllowCloudTrailToAssume", "cloudtrail.amazonaws.com",
              List.of("sts:AssumeRole"), List.of(), List.of(
                  Policies.condition("StringEquals", "aws:SourceAccount", o.account()),
                  Policies.condition("StringEquals", "aws:SourceArn", trailArn))))
          .build().toJson();
      // A trust policy has no Resource element.
      plan.addSteps(Step.builder().kind(CREATE_ROLE).action(Action.ADD).resource(roleArn)
          .summary("create role " + roleName + " that CloudTrail assumes (only for trail "
              + wanted.trailName() + ") to write to " + group)
          .after(trust).putParameters("roleName", roleName).putParameters("trust", trust).build());
    }
    IamStatement write = IamStatement.builder().sid("CloudTrailWriteLogs").effect(IamEffect.ALLOW)
        .addAction("logs:CreateLogStream").addAction("logs:PutLogEvents")
        .addResource(groupArn + ":log-stream:*").build();
    if (!PolicyDocuments.holds(logs.rolePolicy(), List.of(write))) {
      String policy = IamPolicy.builder().version(PolicyDocuments.VERSION).addStatement(write)
          .build().toJson();
      plan.addSteps(Step.builder().kind(PUT_ROLE_POLICY)
          .action(logs.rolePolicy() == null ? Action.ADD : Action.CHANGE).resource(roleArn)
          .summary("let role " + roleName + " create streams and put events in " + group)
          .after(policy).putParameters("roleName", roleName).putParameters("policy", policy)
          .build());
    }
    return roleArn;
  }

  // ---------------------------------------------------------------- steps

  /**
   * Carries out a log group or role step.
   *
   * @return false when the step is not one of them
   */
  static boolean execute(Step step, RemediationContext context) {
    switch (step.kind()) {
      case CREATE_LOG_GROUP -> createLogGroup(context, step.parameter("logGroup"));
      case CREATE_ROLE -> createRole(context, step);
      case PUT_ROLE_POLICY -> context.scope().client(IamClient.class, IamClient::builder)
          .putRolePolicy(r -> r.roleName(step.parameter("roleName"))
              .policyName(EnsureTrail.ROLE_POLICY_NAME).policyDocument(step.parameter("policy")));
      default -> {
        return false;
      }
    }
    return true;
  }

  private static void createLogGroup(RemediationContext context, String group) {
    try {
      context.scope().client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder)
          .createLogGroup(r -> r.logGroupName(group));
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "ResourceAlreadyExistsException")) {
        throw e;
      }
    }
  }

  private static void createRole(RemediationContext context, Step step) {
    try {
      context.scope().client(IamClient.class, IamClient::builder).createRole(r -> r
          .roleName(step.parameter("roleName"))
          .assumeRolePolicyDocument(step.parameter("trust"))
          .description("Lets CloudTrail deliver events to CloudWatch Logs (created by remediate)"));
    } catch (RuntimeException e) {
      if (!AwsErrors.is(e, "EntityAlreadyExists")) {
        throw e;
      }
    }
  }
}
