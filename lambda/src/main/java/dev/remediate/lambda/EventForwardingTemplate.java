package dev.remediate.lambda;

import dev.remediate.core.event.EventRouter;

/**
 * Renders {@code lambda/event-forwarding.yaml}, the member side of forwarding: deployed in every
 * member account and Region (a StackSet), an EventBridge rule on the account's default bus with
 * the function's own pattern ({@link LambdaTemplate}) sends the matching CloudTrail API calls to
 * the central account's bus ({@code EventBusArn} of {@code template.yaml}, created when its
 * {@code OrganizationId} is set, whose policy admits only the organization's principals). The rule
 * sends through a role of the member account allowed only {@code events:PutEvents} on that bus,
 * as EventBridge requires for an event bus target in another account. The function then acts in
 * the event's account through its member role ({@code member-role.yaml}).
 *
 * <pre>{@code
 * String yaml = EventForwardingTemplate.render(EventRouter.load(LambdaTemplate.EVERY_RULE));
 * }</pre>
 */
public final class EventForwardingTemplate {
  /** The forwarding rule's logical id. */
  public static final String RULE = "ForwardToRemediate";

  private EventForwardingTemplate() {}

  /**
   * Renders the template.
   *
   * @param router the router whose rules' triggers are forwarded (as the function matches them)
   * @return YAML text
   */
  public static String render(EventRouter router) {
    StringBuilder y = new StringBuilder();
    y.append("# Generated from the code by dev.remediate.examples.docs.GenerateDocs; do not edit.\n");
    y.append("# Deploy in every member account and Region with a StackSet; see docs/lambda.md.\n");
    y.append("AWSTemplateFormatVersion: '2010-09-09'\n");
    y.append("Description: Forwards the CloudTrail API calls Remediate reacts to from this ")
        .append("account to the central account's Remediate event bus.\n");
    y.append("Parameters:\n  CentralEventBusArn:\n    Type: String\n");
    y.append("    AllowedPattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/.+$'\n");
    y.append("    Description: EventBusArn output of the central template.yaml (deployed with ")
        .append("OrganizationId).\n");
    y.append("Resources:\n");
    y.append("  ForwardingRole:\n    Type: AWS::IAM::Role\n    Properties:\n");
    y.append("      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n");
    y.append("        Statement:\n          - Effect: Allow\n            Principal:\n");
    y.append("              Service: events.amazonaws.com\n");
    y.append("            Action: 'sts:AssumeRole'\n");
    y.append("      Policies:\n        - PolicyName: remediate-forwarding\n");
    y.append("          PolicyDocument:\n            Version: '2012-10-17'\n");
    y.append("            Statement:\n              - Sid: PutOnTheCentralBusOnly\n");
    y.append("                Effect: Allow\n                Action: 'events:PutEvents'\n");
    y.append("                Resource: !Ref CentralEventBusArn\n");
    y.append("  ").append(RULE).append(":\n    Type: AWS::Events::Rule\n    Properties:\n");
    y.append("      Description: CloudTrail API calls Remediate reacts to, to the central bus.\n");
    y.append("      EventPattern:\n").append(LambdaTemplate.pattern(router, "        "));
    y.append("      Targets:\n        - Id: central-remediate-bus\n");
    y.append("          Arn: !Ref CentralEventBusArn\n");
    y.append("          RoleArn: !GetAtt ForwardingRole.Arn\n");
    return y.toString();
  }
}
