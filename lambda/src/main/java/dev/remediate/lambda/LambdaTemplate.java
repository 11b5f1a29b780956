package dev.remediate.lambda;

import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.event.AlarmStateChange;
import dev.remediate.core.event.EventKey;
import dev.remediate.core.event.EventRouter;
import dev.remediate.core.event.EventRule;
import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.policy.LeastPrivilegePolicy;
import dev.remediate.core.policy.PolicyYaml;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The SAM template of the Lambda adapter ({@code lambda/template.yaml}), rendered from the
 * code: the EventBridge rule matches exactly the (eventSource, eventName) pairs the event rules on
 * the class path react to, and the function's role allows exactly the catalog's IAM actions,
 * statement by statement ({@link LeastPrivilegePolicy}): IAM role writes only on
 * {@code remediate-*} roles of the stack's account; the responder actions are not the function's but
 * a separate role's, assumed to apply reviewed plans. A
 * test checks the committed file against it; {@code dev.remediate.examples.docs.GenerateDocs} rewrites it.
 *
 * <pre>{@code
 * String yaml = LambdaTemplate.render(RemediationCatalog.load(),
 *     EventRouter.load(LambdaTemplate.EVERY_RULE));
 * }</pre>
 */
public final class LambdaTemplate {
  /** The handler the template names. */
  public static final String HANDLER =
      "dev.remediate.lambda.RemediateHandler::handleRequest";

  /**
   * Settings under which every settings-dependent event rule is present, so that the event pattern
   * lists every event any configuration may react to (the router filters the rest).
   */
  public static final Map<String, String> EVERY_RULE = Map.of(
      "flowLogs.s3Bucket", "example-flow-logs",
      "trail.s3Bucket", "example-trail-logs",
      "trail.cloudWatchLogs", "example-trail-log-group",
      "config.s3Bucket", "example-config-logs",
      "alarms.snsTopic", "arn:aws:sns:us-east-1:111122223333:example-alarms");

  /** The detail-type of GuardDuty's findings on EventBridge. */
  public static final String GUARDDUTY_FINDING = "GuardDuty Finding";
  /** The detail-type of Security Hub's imported findings on EventBridge. */
  public static final String SECURITY_HUB_FINDINGS = "Security Hub Findings - Imported";

  /** The partition in generated ARNs: the stack's. */
  static final String PARTITION = PolicyYaml.PARTITION;
  /** The account in generated ARNs: the stack's. */
  static final String ACCOUNT = PolicyYaml.ACCOUNT;

  private LambdaTemplate() {}

  /**
   * Renders the template.
   *
   * @param catalog the catalog (IAM actions)
   * @param router the router with every rule (event pattern), e.g.
   *     {@code EventRouter.load(EVERY_RULE)}
   * @return YAML text
   */
  public static String render(RemediationCatalog catalog, EventRouter router) {
    LeastPrivilegePolicy policy = LeastPrivilegePolicy.of(catalog.types());
    String pattern = pattern(router, "              ");
    StringBuilder y = new StringBuilder(header());
    y.append("Resources:\n");
    y.append("  RemediateFailures:\n    Type: AWS::SQS::Queue\n    Properties:\n");
    y.append("      MessageRetentionPeriod: 1209600\n      SqsManagedSseEnabled: true\n");
    y.append(function(policy, pattern));
    y.append(centralBus(pattern(router, "        ")));
    policy.responder().ifPresent(r -> y.append(responderRole(policy)));
    y.append("Outputs:\n  FunctionArn:\n    Value: !GetAtt RemediateFunction.Arn\n");
    y.append("  EventBusArn:\n    Condition: ReceivesFromOrganization\n");
    y.append("    Description: The bus member accounts forward to (event-forwarding.yaml's ")
        .append("CentralEventBusArn).\n    Value: !GetAtt RemediateEventBus.Arn\n");
    y.append("  FailureQueueUrl:\n    Description: Events whose handling failed after the ")
        .append("retries (on-failure destination).\n    Value: !Ref RemediateFailures\n");
    policy.responder().ifPresent(r -> y.append("  ResponderRoleArn:\n")
        .append("    Description: Assume it to apply reviewed incident-response plans.\n")
        .append("    Value: !GetAtt RemediateResponderRole.Arn\n"));
    return y.toString();
  }

  /** The template's head: format, transform, description and parameters. */
  private static String header() {
    StringBuilder y = new StringBuilder();
    y.append("# Generated from the code by dev.remediate.examples.docs.GenerateDocs; do not edit.\n");
    y.append("# Deploy: see docs/lambda.md (sam build is not needed: the jar is prebuilt).\n");
    y.append("AWSTemplateFormatVersion: '2010-09-09'\n");
    y.append("Transform: AWS::Serverless-2016-10-31\n");
    y.append("Description: Remediate reacts to CloudTrail API calls delivered by EventBridge.\n");
    y.append("Parameters:\n");
    y.append("  DryRun:\n    Type: String\n    Default: 'true'\n    AllowedValues: ['true', 'false']\n");
    y.append("    Description: Plan and re-check only; set to false to apply.\n");
    y.append("  MaxChanges:\n    Type: Number\n    Default: 20\n");
    y.append("    Description: Refuse plans with more changes than this.\n");
    y.append("  OptOutTag:\n    Type: String\n    Default: 'remediate:skip'\n");
    y.append("    Description: Resources carrying this tag key are left alone.\n");
    y.append("  Settings:\n    Type: String\n    Default: '{}'\n");
    y.append("    Description: JSON settings for rules that need them, e.g. ")
        .append("{\"trail\":{\"s3Bucket\":\"my-trail-logs\"}}\n");
    y.append("  MemberRoleName:\n    Type: String\n    Default: RemediateExecutionRole\n");
    y.append("    Description: Role assumed in the account an event comes from (events forwarded ")
        .append("from member accounts); the function acts there through it.\n");
    y.append("  PlansBucket:\n    Type: String\n    Default: none\n");
    y.append("    Description: Bucket of the plan sets of organization-wide runs (fleet.yaml); ")
        .append("none when they are not used.\n");
    y.append("  OrganizationId:\n    Type: String\n    Default: ''\n");
    y.append("    AllowedPattern: '^(o-[a-z0-9]{10,32})?$'\n");
    y.append("    Description: When set, an event bus that the organization's accounts (and only ")
        .append("they) may forward their events to (event-forwarding.yaml), matched by the same ")
        .append("rule.\n");
    y.append("Conditions:\n");
    y.append("  ReceivesFromOrganization: !Not [!Equals [!Ref OrganizationId, '']]\n");
    return y.toString();
  }

  /**
   * The function: runtime, SnapStart, on-failure destination, environment, its least-privilege
   * policy (responder actions left out) and the EventBridge rule of every event rule's triggers.
   */
  private static String function(LeastPrivilegePolicy policy, String pattern) {
    StringBuilder y = new StringBuilder();
    y.append("  RemediateFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n");
    y.append("      Runtime: java21\n");
    y.append("      Handler: ").append(HANDLER).append('\n');
    y.append("      CodeUri: target/remediate-lambda-").append(AwsScope.libraryVersion())
        .append("-all.jar\n");
    y.append("      MemorySize: 1024\n      Timeout: 300\n");
    y.append("      AutoPublishAlias: live\n");
    y.append("      SnapStart:\n        ApplyOn: PublishedVersions\n");
    y.append("      EventInvokeConfig:\n        MaximumRetryAttempts: 2\n");
    y.append("        DestinationConfig:\n          OnFailure:\n            Type: SQS\n");
    y.append("            Destination: !GetAtt RemediateFailures.Arn\n");
    y.append("      Environment:\n        Variables:\n");
    y.append("          REMEDIATE_DRY_RUN: !Ref DryRun\n");
    y.append("          REMEDIATE_MAX_CHANGES: !Ref MaxChanges\n");
    y.append("          REMEDIATE_OPT_OUT_TAG: !Ref OptOutTag\n");
    y.append("          REMEDIATE_SETTINGS: !Ref Settings\n");
    y.append("          REMEDIATE_MEMBER_ROLE: !Ref MemberRoleName\n");
    y.append("      Policies:\n        - Version: '2012-10-17'\n          Statement:\n");
    y.append(PolicyYaml.statements(policy.scoped(PARTITION, ACCOUNT), "            "));
    y.append("            - Sid: RemediateMemberAccounts\n              Effect: Allow\n");
    y.append("              Action: 'sts:AssumeRole'\n");
    y.append("              Resource: !Sub 'arn:${AWS::Partition}:iam::*:role/${MemberRoleName}'\n");
    y.append("            - Sid: RemediatePlanSets\n              Effect: Allow\n");
    y.append("              Action: ['s3:GetObject', 's3:PutObject']\n");
    y.append("              Resource: !Sub 'arn:${AWS::Partition}:s3:::${PlansBucket}/*'\n");
    y.append("      Events:\n        CloudTrailApiCalls:\n          Type: EventBridgeRule\n");
    y.append("          Properties:\n            Pattern:\n").append(pattern);
    y.append("            RetryPolicy:\n              MaximumRetryAttempts: 2\n");
    y.append(findingEvents());
    return y.toString();
  }

  /**
   * The function's rules for what the finding router takes: GuardDuty findings, Security Hub
   * findings of failed controls still active, and EC2 {@code CPUUtilization} alarms going into
   * {@code ALARM} (the finding router's rules, {@code docs/cloudtrail-events.md}); other alarms
   * and passed or archived findings never invoke the function.
   */
  private static String findingEvents() {
    StringBuilder y = new StringBuilder();
    y.append("        GuardDutyFindings:\n          Type: EventBridgeRule\n");
    y.append("          Properties:\n            Pattern:\n");
    y.append("              source: ['aws.guardduty']\n");
    y.append("              detail-type: ['").append(GUARDDUTY_FINDING).append("']\n");
    y.append("            RetryPolicy:\n              MaximumRetryAttempts: 2\n");
    y.append("        SecurityHubFindings:\n          Type: EventBridgeRule\n");
    y.append("          Properties:\n            Pattern:\n");
    y.append("              source: ['aws.securityhub']\n");
    y.append("              detail-type: ['").append(SECURITY_HUB_FINDINGS).append("']\n");
    y.append("              detail:\n                findings:\n");
    y.append("                  Compliance:\n                    Status: ['FAILED']\n");
    y.append("                  RecordState: ['ACTIVE']\n");
    y.append("            RetryPolicy:\n              MaximumRetryAttempts: 2\n");
    y.append("        CpuAlarms:\n          Type: EventBridgeRule\n");
    y.append("          Properties:\n            Pattern:\n");
    y.append("              source: ['aws.cloudwatch']\n");
    y.append("              detail-type: ['").append(AlarmStateChange.DETAIL_TYPE).append("']\n");
    y.append("              detail:\n                state:\n                  value: ['ALARM']\n");
    y.append("                configuration:\n                  metrics:\n");
    y.append("                    metricStat:\n                      metric:\n");
    y.append("                        namespace: ['AWS/EC2']\n");
    y.append("                        name: ['CPUUtilization']\n");
    y.append("            RetryPolicy:\n              MaximumRetryAttempts: 2\n");
    return y.toString();
  }

  /**
   * The EventBridge pattern of every event rule's triggers, as YAML lines at an indentation: the
   * function's rule, the central bus's rule and the member accounts' forwarding rule match alike.
   *
   * @param router the router whose rules' triggers are matched
   * @param indent the indentation of the pattern's keys
   * @return YAML lines, each ending with a newline
   */
  static String pattern(EventRouter router, String indent) {
    SortedSet<String> sources = new TreeSet<>();
    SortedSet<String> names = new TreeSet<>();
    for (EventRule rule : router.rules()) {
      Set<EventKey> triggers = rule.triggers();
      triggers.forEach(k -> {
        sources.add(k.eventSource());
        names.add(k.eventName());
      });
    }
    return indent + "detail-type: ['AWS API Call via CloudTrail']\n"
        + indent + "detail:\n"
        + indent + "  eventSource: " + list(sources) + "\n"
        + indent + "  eventName: " + list(names) + "\n";
  }

  /**
   * The central side of forwarding (when {@code OrganizationId} is set): a bus whose policy lets
   * only the organization's principals put events ({@code aws:PrincipalOrgID}), and a rule on it
   * with the function's pattern invoking the function's published alias.
   */
  private static String centralBus(String pattern) {
    StringBuilder y = new StringBuilder();
    y.append("  RemediateEventBus:\n    Type: AWS::Events::EventBus\n");
    y.append("    Condition: ReceivesFromOrganization\n");
    y.append("    Properties:\n      Name: remediate-events\n");
    y.append("  RemediateEventBusPolicy:\n    Type: AWS::Events::EventBusPolicy\n");
    y.append("    Condition: ReceivesFromOrganization\n    Properties:\n");
    y.append("      EventBusName: !Ref RemediateEventBus\n");
    y.append("      StatementId: OrganizationMayForward\n");
    y.append("      Statement:\n        Effect: Allow\n        Principal: '*'\n");
    y.append("        Action: 'events:PutEvents'\n");
    y.append("        Resource: !GetAtt RemediateEventBus.Arn\n");
    y.append("        Condition:\n          StringEquals:\n");
    y.append("            'aws:PrincipalOrgID': !Ref OrganizationId\n");
    y.append("  ForwardedApiCalls:\n    Type: AWS::Events::Rule\n");
    y.append("    Condition: ReceivesFromOrganization\n    Properties:\n");
    y.append("      Description: CloudTrail API calls forwarded by member accounts.\n");
    y.append("      EventBusName: !Ref RemediateEventBus\n");
    y.append("      EventPattern:\n").append(pattern);
    y.append("      Targets:\n        - Id: remediate\n");
    y.append("          Arn: !Ref RemediateFunction.Alias\n");
    y.append("          RetryPolicy:\n            MaximumRetryAttempts: 2\n");
    y.append("  ForwardedApiCallsPermission:\n    Type: AWS::Lambda::Permission\n");
    y.append("    Condition: ReceivesFromOrganization\n    Properties:\n");
    y.append("      Action: 'lambda:InvokeFunction'\n");
    y.append("      FunctionName: !Ref RemediateFunction.Alias\n");
    y.append("      Principal: events.amazonaws.com\n");
    y.append("      SourceArn: !GetAtt ForwardedApiCalls.Arn\n");
    return y.toString();
  }

  /**
   * The responder role: every statement, the responder actions included, trusted by the account
   * (its principals still need {@code sts:AssumeRole} on it). The function never holds the
   * responder actions: a person or pipeline assumes this role to apply a reviewed plan.
   */
  private static String responderRole(LeastPrivilegePolicy policy) {
    StringBuilder y = new StringBuilder();
    y.append("  RemediateResponderRole:\n    Type: AWS::IAM::Role\n    Properties:\n");
    y.append("      Description: Applies reviewed incident-response plans (IAM writes on any ")
        .append("user or role); not used by the function.\n");
    y.append("      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n");
    y.append("        Statement:\n          - Effect: Allow\n            Principal:\n");
    y.append("              AWS: ").append(PolicyYaml.value("arn:" + PARTITION + ":iam::"
        + ACCOUNT + ":root")).append('\n');
    y.append("            Action: 'sts:AssumeRole'\n");
    y.append("      Policies:\n        - PolicyName: remediate-responder\n");
    y.append("          PolicyDocument:\n            Version: '2012-10-17'\n");
    y.append("            Statement:\n");
    y.append(PolicyYaml.statements(policy.all(PARTITION, ACCOUNT).statements(),
        "              "));
    return y.toString();
  }

  private static String list(Set<String> values) {
    StringBuilder s = new StringBuilder("[");
    for (String v : values) {
      s.append(s.length() > 1 ? ", " : "").append('\'').append(v).append('\'');
    }
    return s.append(']').toString();
  }
}
