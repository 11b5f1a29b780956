package dev.remediate.cloudtrail;

/**
 * The fourteen CIS metric filters and alarms on a trail's CloudWatch Logs log group, with the
 * filter patterns exactly as AWS Security Hub's CloudWatch.1-14 controls prescribe them (Security
 * Hub fails a control when the pattern differs, even by an added term).
 *
 * <pre>{@code
 * for (CisAlarm alarm : CisAlarm.values()) {
 *   System.out.println(alarm.securityHubControl() + " " + alarm.resourceName());
 * }
 * String pattern = CisAlarm.ROOT_ACCOUNT_USAGE.filterPattern();
 * // CisAlarm.ROOT_ACCOUNT_USAGE.resourceName() is "CIS-4.3-RootAccountUsage"
 * }</pre>
 */
public enum CisAlarm {
  /** CloudWatch.1, CIS v1.4 4.3: usage of the root user. */
  ROOT_ACCOUNT_USAGE(1, "4.3", "RootAccountUsage",
      "{$.userIdentity.type=\"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !=\"AwsServiceEvent\"}"),
  /** CloudWatch.2, CIS v1.4 4.1: unauthorized API calls. */
  UNAUTHORIZED_API_CALLS(2, "4.1", "UnauthorizedAPICalls",
      "{($.errorCode=\"*UnauthorizedOperation\") || ($.errorCode=\"AccessDenied*\")}"),
  /** CloudWatch.3, CIS v1.4 4.2: console sign-in without MFA. */
  CONSOLE_SIGNIN_WITHOUT_MFA(3, "4.2", "ConsoleSigninWithoutMFA",
      "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") && "
          + "($.userIdentity.type = \"IAMUser\") && ($.responseElements.ConsoleLogin = \"Success\") }"),
  /** CloudWatch.4, CIS v1.4 4.4: IAM policy changes. */
  IAM_POLICY_CHANGES(4, "4.4", "IAMPolicyChanges",
      "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || "
          + "($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || "
          + "($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || "
          + "($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || "
          + "($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || "
          + "($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || "
          + "($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || "
          + "($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}"),
  /** CloudWatch.5, CIS v1.4 4.5: CloudTrail configuration changes. */
  CLOUDTRAIL_CHANGES(5, "4.5", "CloudTrailChanges",
      "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || "
          + "($.eventName=StartLogging) || ($.eventName=StopLogging)}"),
  /** CloudWatch.6, CIS v1.4 4.6: console authentication failures. */
  CONSOLE_AUTHENTICATION_FAILURES(6, "4.6", "ConsoleAuthenticationFailure",
      "{($.eventName=ConsoleLogin) && ($.errorMessage=\"Failed authentication\")}"),
  /** CloudWatch.7, CIS v1.4 4.7: disabling or scheduled deletion of customer managed keys. */
  DISABLE_OR_DELETE_CMK(7, "4.7", "DisableOrDeleteCMK",
      "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || "
          + "($.eventName=ScheduleKeyDeletion))}"),
  /** CloudWatch.8, CIS v1.4 4.8: S3 bucket policy changes. */
  S3_BUCKET_POLICY_CHANGES(8, "4.8", "S3BucketPolicyChanges",
      "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || "
          + "($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || "
          + "($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || "
          + "($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || "
          + "($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}"),
  /** CloudWatch.9, CIS v1.4 4.9: AWS Config configuration changes. */
  AWS_CONFIG_CHANGES(9, "4.9", "AWSConfigChanges",
      "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || "
          + "($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || "
          + "($.eventName=PutConfigurationRecorder))}"),
  /** CloudWatch.10, CIS v1.4 4.10: security group changes. */
  SECURITY_GROUP_CHANGES(10, "4.10", "SecurityGroupChanges",
      "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) "
          + "|| ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) "
          + "|| ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}"),
  /** CloudWatch.11, CIS v1.4 4.11: network ACL changes. */
  NACL_CHANGES(11, "4.11", "NACLChanges",
      "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || "
          + "($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || "
          + "($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}"),
  /** CloudWatch.12, CIS v1.4 4.12: network gateway changes. */
  NETWORK_GATEWAY_CHANGES(12, "4.12", "NetworkGatewayChanges",
      "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || "
          + "($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || "
          + "($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}"),
  /** CloudWatch.13, CIS v1.4 4.13: route table changes. */
  ROUTE_TABLE_CHANGES(13, "4.13", "RouteTableChanges",
      "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) "
          + "|| ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || "
          + "($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}"),
  /** CloudWatch.14, CIS v1.4 4.14: VPC changes. */
  VPC_CHANGES(14, "4.14", "VPCChanges",
      "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || "
          + "($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) "
          + "|| ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) "
          + "|| ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || "
          + "($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}");

  private final int control;
  private final String cis;
  private final String metricName;
  private final String pattern;

  CisAlarm(int control, String cis, String metricName, String pattern) {
    this.control = control;
    this.cis = cis;
    this.metricName = metricName;
    this.pattern = pattern;
  }

  /** @return the Security Hub control, e.g. {@code CloudWatch.1} */
  public String securityHubControl() {
    return "CloudWatch." + control;
  }

  /** @return the CIS AWS Foundations Benchmark v1.4 recommendation, e.g. {@code 4.3} */
  public String cisV14() {
    return cis;
  }

  /** @return the metric name, e.g. {@code RootAccountUsage} */
  public String metricName() {
    return metricName;
  }

  /** @return the filter pattern, exactly as Security Hub expects it */
  public String filterPattern() {
    return pattern;
  }

  /** @return the metric filter's and alarm's name, e.g. {@code CIS-4.3-RootAccountUsage} */
  public String resourceName() {
    return "CIS-" + cis + "-" + metricName;
  }
}
