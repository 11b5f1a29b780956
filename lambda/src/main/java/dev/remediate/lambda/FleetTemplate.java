package dev.remediate.lambda;

/**
 * Renders {@code lambda/fleet.yaml}: organization-wide scans and applies as an AWS Step
 * Functions state machine with a Distributed Map over (account, Region) items, each item one
 * invocation of the Remediate function ({@code template.yaml}) in scan or apply mode, plan sets
 * written to S3 by the function. Input:
 *
 * <pre>{@code
 * {"mode": "scan", "bucket": "org-remediate-plans", "prefix": "2026-12-06", "only": [],
 *  "items": [{"account": "111122223333", "region": "eu-west-1"}, ...]}
 * }</pre>
 *
 * then the same input with {@code "mode": "apply"} after the plan sets were reviewed. We build no
 * scheduler and no queue: the state machine is started by a person, a pipeline or an EventBridge
 * schedule.
 */
public final class FleetTemplate {
  /** The state machine's name (its role may start its own child executions). */
  public static final String NAME = "remediate-fleet";

  private FleetTemplate() {}

  /**
   * The template is one YAML text block (its only logic is the state machine's name): longer than
   * a method should be, it reads as the template it is.
   *
   * @return the template's YAML
   */
  public static String render() {
    return """
        # Generated from the code by dev.remediate.examples.docs.GenerateDocs; do not edit.
        # Deploy after template.yaml: see docs/lambda.md ("Beyond one machine").
        AWSTemplateFormatVersion: '2010-09-09'
        Description: >-
          Remediate over an organization: a Distributed Map over (account, Region) items, each
          one invocation of the Remediate function in scan or apply mode; plan sets in S3.
        Parameters:
          FunctionArn:
            Type: String
            Description: The Remediate function (output FunctionArn of template.yaml).
        Resources:
          FleetRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: '2012-10-17'
                Statement:
                  - Effect: Allow
                    Principal:
                      Service: states.amazonaws.com
                    Action: 'sts:AssumeRole'
              Policies:
                - PolicyName: remediate-fleet
                  PolicyDocument:
                    Version: '2012-10-17'
                    Statement:
                      - Sid: InvokeTheFunction
                        Effect: Allow
                        Action: 'lambda:InvokeFunction'
                        Resource:
                          - !Ref FunctionArn
                          - !Sub '${FunctionArn}:*'
                      - Sid: RunTheMapsChildExecutions
                        Effect: Allow
                        Action: 'states:StartExecution'
                        Resource: !Sub 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:%1$s'
                      - Sid: FollowTheMapsChildExecutions
                        Effect: Allow
                        Action:
                          - 'states:DescribeExecution'
                          - 'states:StopExecution'
                        Resource: !Sub 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:%1$s/*'
          FleetStateMachine:
            Type: AWS::StepFunctions::StateMachine
            Properties:
              StateMachineName: %1$s
              RoleArn: !GetAtt FleetRole.Arn
              DefinitionSubstitutions:
                FunctionArn: !Ref FunctionArn
              Definition:
                Comment: Scan or apply every (account, Region) item with the Remediate function.
                StartAt: EachPlace
                States:
                  EachPlace:
                    Type: Map
                    ItemsPath: $.items
                    MaxConcurrency: 8
                    ToleratedFailurePercentage: 100
                    ItemSelector:
                      remediate.$: $.mode
                      account.$: $$.Map.Item.Value.account
                      region.$: $$.Map.Item.Value.region
                      bucket.$: $.bucket
                      key.$: States.Format('{}/{}/{}.json', $.prefix, $$.Map.Item.Value.account, $$.Map.Item.Value.region)
                      only.$: $.only
                    ItemProcessor:
                      ProcessorConfig:
                        Mode: DISTRIBUTED
                        ExecutionType: STANDARD
                      StartAt: Remediate
                      States:
                        Remediate:
                          Type: Task
                          Resource: arn:aws:states:::lambda:invoke
                          Parameters:
                            FunctionName: ${FunctionArn}
                            Payload.$: $
                          OutputPath: $.Payload
                          Retry:
                            - ErrorEquals:
                                - Lambda.ServiceException
                                - Lambda.TooManyRequestsException
                              IntervalSeconds: 2
                              MaxAttempts: 3
                              BackoffRate: 2
                          End: true
                    End: true
        Outputs:
          StateMachineArn:
            Value: !Ref FleetStateMachine
        """.formatted(NAME);
  }
}
