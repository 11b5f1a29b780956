package dev.remediate.ec2;

import dev.remediate.core.aws.AwsErrors;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Step;
import dev.remediate.core.policy.PolicyDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.policybuilder.iam.IamConditionOperator;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamPrincipalType;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * A CloudWatch Logs log group and the IAM role an AWS service delivers to it with: the group
 * (created when missing, optionally with a KMS key), its retention, and the role (created or
 * completed: a trust statement for the service and an inline delivery policy, each merged by Sid).
 * Nothing here is specific to flow logs: {@link Wanted} names the service, statements and names, so
 * that a trail's CloudWatch Logs delivery can use the same part.
 */
final class LogGroupDelivery {
  private LogGroupDelivery() {}

  /**
   * What the delivery needs.
   *
   * @param logGroup the log group name
   * @param retentionDays days to keep events, or null to leave retention alone
   * @param kmsKey KMS key ARN for a created group, or null
   * @param roleName the role to create or complete, or null when a given role is used as it is
   * @param roleArn the delivery role's ARN
   * @param trust the statement letting the service assume the role
   * @param permissions the statement of the role's inline policy
   * @param policyName the inline policy's name
   * @param purpose what the group is for, in summaries, e.g. {@code flow-log}
   */
  record Wanted(String logGroup, @Nullable Integer retentionDays, @Nullable String kmsKey,
      @Nullable String roleName, String roleArn, IamStatement trust, IamStatement permissions,
      String policyName, String purpose) {}

  /** The group and role as read. */
  record State(boolean groupExists, @Nullable Integer retentionDays, @Nullable String kmsKey,
      boolean roleExists, @Nullable String trust, @Nullable String permissions) {}

  /** Steps and the warnings a reviewer should read. */
  record Decision(List<Step> steps, List<String> warnings) {}

  /**
   * A statement letting a service assume the role, for this account's resources only.
   *
   * @param sid statement id
   * @param service e.g. {@code vpc-flow-logs.amazonaws.com}
   * @param account the account
   * @param sourceArn e.g. {@code arn:aws:ec2:us-east-1:111122223333:vpc-flow-log/*}
   * @return the statement
   */
  static IamStatement trustStatement(String sid, String service, String account,
      String sourceArn) {
    return IamStatement.builder().sid(sid).effect(IamEffect.ALLOW)
        .addPrincipal(IamPrincipalType.SERVICE, service).addAction("sts:AssumeRole")
        .addCondition(IamConditionOperator.STRING_EQUALS, "aws:SourceAccount", account)
        .addCondition(IamConditionOperator.ARN_LIKE, "aws:SourceArn", sourceArn)
        .build();
  }

  // ---------------------------------------------------------------- observe

  static State observe(CloudWatchLogsClient logs, IamClient iam, Wanted wanted) {
    LogGroup group = null;
    for (LogGroup g : logs.describeLogGroupsPaginator(r -> r.logGroupNamePrefix(wanted.logGroup()))
        .logGroups()) {
      if (g.logGroupName().equals(wanted.logGroup())) {
        group = g;
        break;
      }
    }
    String trust = null;
    String permissions = null;
    boolean roleExists = false;
    if (wanted.roleName() != null) {
      trust = orNull(() -> iam.getRole(r -> r.roleName(wanted.roleName())).role()
          .assumeRolePolicyDocument());
      roleExists = trust != null;
      permissions = !roleExists ? null : orNull(() -> iam.getRolePolicy(r -> r
          .roleName(wanted.roleName()).policyName(wanted.policyName())).policyDocument());
    }
    return new State(group != null, group == null ? null : group.retentionInDays(),
        group == null ? null : group.kmsKeyId(), roleExists,
        trust == null ? null : PolicyDocuments.decode(trust),
        permissions == null ? null : PolicyDocuments.decode(permissions));
  }

  private static @Nullable String orNull(java.util.function.Supplier<String> read) {
    try {
      return read.get();
    } catch (AwsServiceException e) {
      if (!AwsErrors.is(e, "NoSuchEntity")) {
        throw e;
      }
      return null;
    }
  }

  // ---------------------------------------------------------------- decide

  /** Decides the group's and role's steps, without AWS calls. */
  static Decision decide(Wanted wanted, State state, String groupArn) {
    List<Step> steps = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    if (!state.groupExists()) {
      steps.add(Step.builder().kind("CreateLogGroup").action(Action.ADD).resource(groupArn)
          .summary("create the " + wanted.purpose() + " log group"
              + (wanted.kmsKey() != null ? " encrypted with " + wanted.kmsKey() : ""))
          .build());
    } else if (wanted.kmsKey() != null && !wanted.kmsKey().equals(state.kmsKey())) {
      warnings.add("log group " + wanted.logGroup() + " exists and is not encrypted with "
          + wanted.kmsKey() + "; its encryption is left as it is");
    }
    Integer days = wanted.retentionDays();
    if (days != null && (!state.groupExists() || !days.equals(state.retentionDays()))) {
      steps.add(Step.builder().kind("PutRetentionPolicy").action(Action.CHANGE).resource(groupArn)
          .summary("keep " + wanted.purpose() + " events for " + days + " days")
          .before(state.retentionDays() == null ? "never expire" : state.retentionDays() + " days")
          .after(days + " days").build());
    }
    if (wanted.roleName() != null) {
      decideRole(wanted, state, steps);
    }
    return new Decision(steps, warnings);
  }

  private static void decideRole(Wanted wanted, State state, List<Step> steps) {
    IamStatement trust = wanted.trust();
    String service = trust.principals().get(0).id();
    if (!state.roleExists()) {
      String document = PolicyDocuments.write(List.of(trust));
      steps.add(Step.builder().kind("CreateRole").action(Action.ADD).resource(wanted.roleArn())
          .summary("create the " + wanted.purpose() + " delivery role, trusted by " + service)
          .after(document).putParameters("policy", document).build());
    } else {
      PolicyDocuments.merge(state.trust(), List.of(trust)).ifPresent(merged -> steps.add(
          Step.builder().kind("UpdateAssumeRolePolicy").action(Action.CHANGE)
              .resource(wanted.roleArn())
              .summary("let " + service + " assume the role (statement merged by Sid)")
              .before(PolicyDocuments.describe(state.trust(), List.of(trust.sid())))
              .after(PolicyDocuments.write(List.of(trust)))
              .putParameters("policy", merged).build()));
    }
    Optional<String> permissions = PolicyDocuments.merge(state.permissions(),
        List.of(wanted.permissions()));
    permissions.ifPresent(merged -> steps.add(Step.builder().kind("PutRolePolicy")
        .action(state.permissions() == null ? Action.ADD : Action.CHANGE)
        .resource(wanted.roleArn())
        .summary("allow the role to deliver to CloudWatch Logs (inline policy "
            + wanted.policyName() + ")")
        .after(PolicyDocuments.write(List.of(wanted.permissions())))
        .putParameters("policy", merged).build()));
  }

  // ---------------------------------------------------------------- steps

  /** @return true when the step was one of the group's or role's and has been carried out */
  static boolean execute(Step step, Wanted wanted, RemediationContext context) {
    CloudWatchLogsClient logs =
        context.scope().client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder);
    IamClient iam = context.scope().client(IamClient.class, IamClient::builder);
    switch (step.kind()) {
      case "CreateLogGroup" -> ignoring("ResourceAlreadyExistsException", () -> logs
          .createLogGroup(r -> r.logGroupName(wanted.logGroup()).kmsKeyId(wanted.kmsKey())));
      case "PutRetentionPolicy" -> logs.putRetentionPolicy(r -> r.logGroupName(wanted.logGroup())
          .retentionInDays(wanted.retentionDays()));
      case "CreateRole" -> ignoring("EntityAlreadyExists", () -> iam.createRole(r -> r
          .roleName(wanted.roleName()).assumeRolePolicyDocument(step.parameter("policy"))
          .description("Lets " + wanted.purpose() + " delivery write to CloudWatch Logs "
              + "(created by remediate)")));
      case "UpdateAssumeRolePolicy" -> iam.updateAssumeRolePolicy(r -> r
          .roleName(wanted.roleName()).policyDocument(step.parameter("policy")));
      case "PutRolePolicy" -> iam.putRolePolicy(r -> r.roleName(wanted.roleName())
          .policyName(wanted.policyName()).policyDocument(step.parameter("policy")));
      default -> {
        return false;
      }
    }
    return true;
  }

  private static void ignoring(String code, Runnable call) {
    try {
      call.run();
    } catch (AwsServiceException e) {
      if (!AwsErrors.is(e, code)) {
        throw e;
      }
    }
  }

  /** @return {@code us-east-1} as {@code UsEast1}, for statement ids */
  static String camel(String region) {
    StringBuilder out = new StringBuilder();
    for (String part : region.split("-")) {
      out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return out.toString();
  }
}
