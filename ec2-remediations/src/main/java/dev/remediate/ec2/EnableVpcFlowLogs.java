package dev.remediate.ec2;

import dev.remediate.core.policy.PolicyDocuments;
import static dev.remediate.ec2.NetworkSupport.VPC_ID;
import static dev.remediate.ec2.NetworkSupport.csv;
import static dev.remediate.ec2.NetworkSupport.errorCode;
import static dev.remediate.ec2.NetworkSupport.splitCsv;

import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.ImmutablePlan;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.arns.Arn;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.policybuilder.iam.IamConditionOperator;
import software.amazon.awssdk.policybuilder.iam.IamEffect;
import software.amazon.awssdk.policybuilder.iam.IamPrincipalType;
import software.amazon.awssdk.policybuilder.iam.IamStatement;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateFlowLogsRequest;
import software.amazon.awssdk.services.ec2.model.FlowLog;
import software.amazon.awssdk.services.ec2.model.FlowLogsResourceType;
import software.amazon.awssdk.services.ec2.model.LogDestinationType;
import software.amazon.awssdk.services.ec2.model.UnsuccessfulItem;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * VPC flow logs for one VPC, a list of VPCs, or every VPC of a region, delivered to an S3 bucket or
 * a CloudWatch Logs log group (FSBP EC2.6, CIS v1.4 3.9, CIS v3.0 3.7).
 *
 * <pre>{@code
 * Remediation toS3 = EnableVpcFlowLogs.forEveryVpc()
 *     .toS3Bucket("acme-flow-logs", "vpc")
 *     .trafficType(EnableVpcFlowLogs.TrafficType.ALL)
 *     .build();
 * Remediation toLogs = EnableVpcFlowLogs.forVpc("vpc-0abc1234")
 *     .toLogGroup("/vpc/flow-logs")
 *     .createDeliveryRole("vpc-flow-logs")
 *     .retentionDays(365)
 *     .build();
 * }</pre>
 *
 * <p><b>Observe</b>: the VPCs ({@code DescribeVpcs}, paginated, filtered by id for a list) and every
 * flow log of the region in one paginated {@code DescribeFlowLogs}; when some VPC needs a flow log,
 * the destination (bucket policy; or log group and delivery role). <b>Decide</b>: a VPC is compliant
 * when one of its flow logs has the wanted traffic type, destination (and log format and
 * aggregation interval, when given) and is {@code ACTIVE}. Other flow logs are left alone, unless
 * {@link Builder#replaceExisting()} asks to delete them once the new one exists (flagged
 * {@link Flag#DESTRUCTIVE}). <b>Steps</b>: prepare the destination (bucket, merged bucket policy;
 * or log group, retention, delivery role), then one {@code CreateFlowLogs} step per VPC, carried out
 * in batches of up to {@value #MAX_VPCS_PER_CALL} VPCs per call, then the deletions.
 */
public final class EnableVpcFlowLogs extends SpecValue {
  /** The catalog id. */
  public static final String ID = "ec2.vpc-flow-logs";
  /** Most VPC ids one {@code CreateFlowLogs} call accepts. */
  public static final int MAX_VPCS_PER_CALL = 1000;
  /** Name of the delivery role created when none is given. */
  public static final String DEFAULT_ROLE_NAME = "remediate-vpc-flow-logs";
  /** Name of the inline policy put on a created delivery role. */
  public static final String ROLE_POLICY_NAME = "remediate-vpc-flow-logs-delivery";
  /** Every IAM action planning and applying may need. */
  public static final Set<String> IAM_ACTIONS = Set.of(
      "ec2:DescribeVpcs", "ec2:DescribeFlowLogs", "ec2:CreateFlowLogs", "ec2:DeleteFlowLogs",
      "logs:CreateLogDelivery", "logs:DeleteLogDelivery",
      "s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:CreateBucket",
      "s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration",
      "logs:DescribeLogGroups", "logs:CreateLogGroup", "logs:PutRetentionPolicy",
      "iam:GetRole", "iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:GetRolePolicy",
      "iam:PutRolePolicy", "iam:PassRole");
  static final List<String> CONTROLS = List.of("FSBP EC2.6", "CIS v1.4 3.9", "CIS v3.0 3.7");
  static final Set<Integer> RETENTION_DAYS = Set.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365,
      400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern LOG_GROUP = Pattern.compile("[.\\-_/#A-Za-z0-9]{1,512}");
  private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
  private static final String EVERY = "*";

  /** Which traffic a flow log records. */
  public enum TrafficType {
    /** Accepted and rejected traffic (the default, and what CIS asks for at least REJECT). */
    ALL,
    /** Accepted traffic only. */
    ACCEPT,
    /** Rejected traffic only. */
    REJECT
  }

  private final @Nullable List<String> vpcIds;
  private final @Nullable String s3Bucket;
  private final @Nullable String s3Prefix;
  private final boolean createBucket;
  private final @Nullable String logGroup;
  private final @Nullable String deliveryRoleArn;
  private final @Nullable String deliveryRoleName;
  private final @Nullable Integer retentionDays;
  private final @Nullable String logGroupKmsKey;
  private final TrafficType trafficType;
  private final @Nullable String logFormat;
  private final @Nullable Integer maxAggregationInterval;
  private final boolean replaceExisting;

  private EnableVpcFlowLogs(Builder b) {
    this.vpcIds = b.vpcIds;
    this.s3Bucket = b.s3Bucket;
    this.s3Prefix = b.s3Prefix;
    this.createBucket = b.createBucket;
    this.logGroup = b.logGroup;
    this.deliveryRoleArn = b.deliveryRoleArn;
    this.deliveryRoleName = b.logGroup != null && b.deliveryRoleArn == null
        ? (b.deliveryRoleName != null ? b.deliveryRoleName : DEFAULT_ROLE_NAME) : null;
    this.retentionDays = b.retentionDays;
    this.logGroupKmsKey = b.logGroupKmsKey;
    this.trafficType = b.trafficType;
    this.logFormat = b.logFormat;
    this.maxAggregationInterval = b.maxAggregationInterval;
    this.replaceExisting = b.replaceExisting;
  }

  /**
   * Flow logs for one VPC.
   *
   * @param vpcId e.g. {@code vpc-0abc1234}
   * @return a builder; choose a destination, then {@code build()}
   */
  public static Builder forVpc(String vpcId) {
    return forVpcs(List.of(vpcId));
  }

  /**
   * Flow logs for each of several VPCs of one region.
   *
   * @param vpcIds VPC ids
   * @return a builder
   */
  public static Builder forVpcs(Collection<String> vpcIds) {
    return new Builder(vpcIds == null ? null : new ArrayList<>(vpcIds), false);
  }

  /** @return a builder for flow logs on every VPC of the region */
  public static Builder forEveryVpc() {
    return new Builder(null, true);
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public RemediationSpec spec() {
    Map<String, String> p = new TreeMap<>();
    p.put("vpcs", vpcIds == null ? EVERY : csv(vpcIds));
    p.put("trafficType", trafficType.name());
    putIf(p, "s3Bucket", s3Bucket);
    putIf(p, "s3Prefix", s3Prefix);
    if (createBucket) {
      p.put("createBucket", "true");
    }
    putIf(p, "logGroup", logGroup);
    putIf(p, "deliveryRoleArn", deliveryRoleArn);
    putIf(p, "deliveryRoleName", deliveryRoleName);
    putIf(p, "retentionDays", retentionDays);
    putIf(p, "logGroupKmsKey", logGroupKmsKey);
    putIf(p, "logFormat", logFormat);
    putIf(p, "maxAggregationInterval", maxAggregationInterval);
    if (replaceExisting) {
      p.put("replaceExisting", "true");
    }
    return RemediationSpec.of(ID, p);
  }

  private static void putIf(Map<String, String> p, String key, @Nullable Object value) {
    if (value != null) {
      p.put(key, value.toString());
    }
  }

  // ---------------------------------------------------------------- observe

  private List<Vpc> describeVpcs(Ec2Client ec2) {
    List<Vpc> vpcs = new ArrayList<>();
    if (vpcIds == null) {
      ec2.describeVpcsPaginator(r -> r.maxResults(1000)).vpcs().forEach(vpcs::add);
      return vpcs;
    }
    for (List<String> chunk : NetworkSupport.chunks(vpcIds, NetworkSupport.FILTER_VALUES)) {
      ec2.describeVpcsPaginator(r -> r.filters(NetworkSupport.filter("vpc-id", chunk)))
          .vpcs().forEach(vpcs::add);
    }
    Set<String> missing = new TreeSet<>(vpcIds);
    vpcs.forEach(v -> missing.remove(v.vpcId()));
    if (!missing.isEmpty()) {
      throw new RemediationException("VPC(s) " + missing + " not found in this region");
    }
    return vpcs;
  }

  /** Every flow log of the region (or of the listed VPCs), by VPC id: one paginated call. */
  private Map<String, List<FlowLog>> describeFlowLogs(Ec2Client ec2) {
    Map<String, List<FlowLog>> byVpc = new TreeMap<>();
    if (vpcIds == null || vpcIds.size() > NetworkSupport.FILTER_VALUES) {
      ec2.describeFlowLogsPaginator(r -> r.maxResults(1000)).flowLogs()
          .forEach(f -> byVpc.computeIfAbsent(f.resourceId(), k -> new ArrayList<>()).add(f));
    } else {
      ec2.describeFlowLogsPaginator(r -> r.maxResults(1000)
              .filter(NetworkSupport.filter("resource-id", vpcIds))).flowLogs()
          .forEach(f -> byVpc.computeIfAbsent(f.resourceId(), k -> new ArrayList<>()).add(f));
    }
    return byVpc;
  }

  // ---------------------------------------------------------------- decide

  @Override
  public Plan plan(RemediationContext context) {
    Ec2Client ec2 = context.scope().client(Ec2Client.class, Ec2Client::builder);
    List<Vpc> vpcs = describeVpcs(ec2);
    Map<String, List<FlowLog>> flowLogs = describeFlowLogs(ec2);
    vpcs.sort(java.util.Comparator.comparing(Vpc::vpcId));

    ImmutablePlan.Builder plan = context.newPlan(this, "AWS::EC2::VPC",
        vpcIds == null ? EVERY : csv(vpcIds));
    plan.addAllControls(CONTROLS);
    StringBuilder canonical = new StringBuilder(spec().toString()).append('\n');
    List<String> needing = new ArrayList<>();
    List<FlowLog> replaced = new ArrayList<>();
    String wanted = destinationText();
    for (Vpc vpc : vpcs) {
      Map<String, String> tags = NetworkSupport.tags(vpc.tags());
      boolean optedOut = context.isOptedOut(tags);
      canonical.append(vpc.vpcId()).append(optedOut ? " opted-out" : "").append('\n');
      List<FlowLog> logs = flowLogs.getOrDefault(vpc.vpcId(), List.of());
      logs.stream().map(EnableVpcFlowLogs::describe).sorted()
          .forEach(d -> canonical.append("  ").append(d).append('\n'));
      if (optedOut) {
        plan.addSkipped(Skip.of(vpc.vpcId(), context.optOutReason()));
        continue;
      }
      if (logs.stream().anyMatch(this::isCompliant)) {
        continue;
      }
      needing.add(vpc.vpcId());
      for (FlowLog other : logs) {
        if (replaceExisting) {
          replaced.add(other);
        } else {
          plan.addWarnings(vpc.vpcId() + " keeps its other flow log " + other.flowLogId() + " ("
              + describeDestination(other) + "); call replaceExisting() to delete it once the new "
              + "one exists");
        }
      }
    }
    if (needing.isEmpty()) {
      return plan.fingerprint(context.fingerprint(canonical.toString())).build();
    }
    List<Step> steps = new ArrayList<>();
    if (s3Bucket != null) {
      planBucket(context, steps, canonical, plan);
    } else {
      planLogGroup(context, steps, canonical, plan);
    }
    for (List<String> batch : NetworkSupport.chunks(needing, MAX_VPCS_PER_CALL)) {
      String batchCsv = csv(batch);
      for (String vpcId : batch) {
        steps.add(Step.builder().kind("CreateFlowLogs").action(Action.ADD).resource(vpcId)
            .summary("create a flow log of " + trafficType + " traffic to " + wanted
                + (batch.size() > 1 ? " (one call for " + batch.size() + " VPCs)" : ""))
            .after(trafficType + " -> " + wanted)
            .putParameters("batch", batchCsv).build());
      }
    }
    List<String> replacedIds = replaced.stream().map(FlowLog::flowLogId).sorted().toList();
    for (List<String> batch : NetworkSupport.chunks(replacedIds, MAX_VPCS_PER_CALL)) {
      for (FlowLog old : replaced) {
        if (!batch.contains(old.flowLogId())) {
          continue;
        }
        steps.add(Step.builder().kind("DeleteFlowLogs").action(Action.REMOVE)
            .resource(old.flowLogId())
            .summary("delete the flow log it replaces on " + old.resourceId())
            .before(old.trafficTypeAsString() + " -> " + describeDestination(old))
            .addFlags(Flag.DESTRUCTIVE).putParameters("batch", csv(batch)).build());
      }
    }
    plan.addAllSteps(steps);
    plan.addIamActions("ec2:DescribeVpcs", "ec2:DescribeFlowLogs", "ec2:CreateFlowLogs");
    if (!replaced.isEmpty()) {
      plan.addIamActions("ec2:DeleteFlowLogs");
    }
    return plan.fingerprint(context.fingerprint(canonical.toString())).build();
  }

  private boolean isCompliant(FlowLog log) {
    if (!"ACTIVE".equals(log.flowLogStatus())
        || !trafficType.name().equals(log.trafficTypeAsString())) {
      return false;
    }
    if (logFormat != null && !logFormat.equals(log.logFormat())) {
      return false;
    }
    if (maxAggregationInterval != null
        && !maxAggregationInterval.equals(log.maxAggregationInterval())) {
      return false;
    }
    if (s3Bucket != null) {
      return "s3".equals(log.logDestinationTypeAsString())
          && stripSlash(s3Destination()).equals(stripSlash(log.logDestination()));
    }
    return "cloud-watch-logs".equals(log.logDestinationTypeAsString())
        && (Objects.equals(logGroup, log.logGroupName())
            || (log.logDestination() != null && stripSlash(log.logDestination())
                .endsWith(":log-group:" + logGroup)));
  }

  private static String stripSlash(@Nullable String s) {
    if (s == null) {
      return "";
    }
    String t = s.endsWith(":*") ? s.substring(0, s.length() - 2) : s;
    return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
  }

  private static String describe(FlowLog f) {
    return f.flowLogId() + " " + f.trafficTypeAsString() + " " + describeDestination(f) + " "
        + f.flowLogStatus() + " " + f.logFormat() + " " + f.maxAggregationInterval();
  }

  private static String describeDestination(FlowLog f) {
    return f.logDestinationTypeAsString() + ":" + (f.logDestination() != null ? f.logDestination()
        : f.logGroupName());
  }

  private String destinationText() {
    return s3Bucket != null ? s3Destination() : "log group " + logGroup;
  }

  /** @return {@code arn:aws:s3:::bucket} or {@code arn:aws:s3:::bucket/prefix/} */
  String s3Destination() {
    return "arn:aws:s3:::" + s3Bucket + (s3Prefix == null ? "" : "/" + s3Prefix + "/");
  }

  // S3 destination: bucket (optionally created) and its delivery policy, merged by Sid.

  private void planBucket(RemediationContext context, List<Step> steps, StringBuilder canonical,
      ImmutablePlan.Builder plan) {
    S3Client s3 = context.scope().client(S3Client.class, S3Client::builder);
    String bucketArn = "arn:aws:s3:::" + s3Bucket;
    String policy = null;
    boolean exists = true;
    try {
      policy = s3.getBucketPolicy(r -> r.bucket(s3Bucket)).policy();
    } catch (AwsServiceException e) {
      switch (errorCode(e)) {
        case "NoSuchBucketPolicy" -> policy = null;
        case "NoSuchBucket" -> exists = false;
        default -> throw e;
      }
    }
    canonical.append("bucket ").append(s3Bucket).append(exists ? " exists " : " missing ")
        .append(policy == null ? "-" : context.fingerprint(policy)).append('\n');
    plan.addIamActions("s3:GetBucketPolicy", "s3:PutBucketPolicy", "logs:CreateLogDelivery");
    if (!exists) {
      if (!createBucket) {
        throw new RemediationException("S3 bucket '" + s3Bucket + "' for flow logs does not exist;"
            + " create it, or call createBucketIfMissing()");
      }
      steps.add(Step.builder().kind("CreateBucket").action(Action.ADD).resource(bucketArn)
          .summary("create the flow-log bucket in " + context.region()).build());
      steps.add(Step.builder().kind("PutPublicAccessBlock").action(Action.CHANGE)
          .resource(bucketArn).summary("block every kind of public access")
          .after("all four settings true").build());
      steps.add(Step.builder().kind("PutBucketEncryption").action(Action.CHANGE)
          .resource(bucketArn).summary("encrypt objects by default (SSE-S3)")
          .after("AES256").build());
      plan.addIamActions("s3:CreateBucket", "s3:PutBucketPublicAccessBlock",
          "s3:PutEncryptionConfiguration");
    }
    List<IamStatement> wanted = bucketStatements(context.account(), context.region());
    Optional<String> merged = PolicyDocuments.merge(policy, wanted);
    if (merged.isPresent()) {
      List<String> sids = wanted.stream().map(IamStatement::sid).toList();
      steps.add(Step.builder().kind("PutBucketPolicy").action(exists ? Action.CHANGE : Action.ADD)
          .resource(bucketArn)
          .summary("let delivery.logs.amazonaws.com write flow logs (statements " + sids
              + " merged by Sid; other statements kept)")
          .before(PolicyDocuments.describe(policy, sids))
          .after(PolicyDocuments.write(wanted))
          .putParameters("policy", merged.get()).build());
    }
  }

  List<IamStatement> bucketStatements(String account, String region) {
    String suffix = camel(region) + (s3Prefix == null ? ""
        : "P" + Integer.toHexString(s3Prefix.hashCode() & 0x7fffffff));
    String sourceArn = "arn:aws:logs:" + region + ":" + account + ":*";
    String objects = "arn:aws:s3:::" + s3Bucket + (s3Prefix == null ? "" : "/" + s3Prefix)
        + "/AWSLogs/" + account + "/*";
    IamStatement write = IamStatement.builder().sid("RemediateFlowLogsWrite" + suffix)
        .effect(IamEffect.ALLOW)
        .addPrincipal(IamPrincipalType.SERVICE, "delivery.logs.amazonaws.com")
        .addAction("s3:PutObject").addResource(objects)
        .addCondition(IamConditionOperator.STRING_EQUALS, "s3:x-amz-acl",
            "bucket-owner-full-control")
        .addCondition(IamConditionOperator.STRING_EQUALS, "aws:SourceAccount", account)
        .addCondition(IamConditionOperator.ARN_LIKE, "aws:SourceArn", sourceArn)
        .build();
    IamStatement aclCheck = IamStatement.builder().sid("RemediateFlowLogsAclCheck" + suffix)
        .effect(IamEffect.ALLOW)
        .addPrincipal(IamPrincipalType.SERVICE, "delivery.logs.amazonaws.com")
        .addAction("s3:GetBucketAcl").addAction("s3:ListBucket")
        .addResource("arn:aws:s3:::" + s3Bucket)
        .addCondition(IamConditionOperator.STRING_EQUALS, "aws:SourceAccount", account)
        .addCondition(IamConditionOperator.ARN_LIKE, "aws:SourceArn", sourceArn)
        .build();
    return List.of(write, aclCheck);
  }

  private static String camel(String region) {
    StringBuilder out = new StringBuilder();
    for (String part : region.split("-")) {
      out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return out.toString();
  }

  // CloudWatch Logs destination: log group (created if missing) and the delivery role.

  private void planLogGroup(RemediationContext context, List<Step> steps, StringBuilder canonical,
      ImmutablePlan.Builder plan) {
    CloudWatchLogsClient logs =
        context.scope().client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder);
    LogGroup group = null;
    for (LogGroup g : logs.describeLogGroupsPaginator(r -> r.logGroupNamePrefix(logGroup))
        .logGroups()) {
      if (g.logGroupName().equals(logGroup)) {
        group = g;
        break;
      }
    }
    String groupArn = "arn:aws:logs:" + context.region() + ":" + context.account() + ":log-group:"
        + logGroup;
    canonical.append("log group ").append(group == null ? "missing"
        : group.retentionInDays() + " " + group.kmsKeyId()).append('\n');
    plan.addIamActions("logs:DescribeLogGroups", "iam:PassRole");
    if (group == null) {
      steps.add(Step.builder().kind("CreateLogGroup").action(Action.ADD).resource(groupArn)
          .summary("create the flow-log log group"
              + (logGroupKmsKey != null ? " encrypted with " + logGroupKmsKey : ""))
          .build());
      plan.addIamActions("logs:CreateLogGroup");
    } else if (logGroupKmsKey != null && !logGroupKmsKey.equals(group.kmsKeyId())) {
      plan.addWarnings("log group " + logGroup + " exists and is not encrypted with "
          + logGroupKmsKey + "; its encryption is left as it is");
    }
    if (retentionDays != null && (group == null
        || !retentionDays.equals(group.retentionInDays()))) {
      steps.add(Step.builder().kind("PutRetentionPolicy").action(Action.CHANGE).resource(groupArn)
          .summary("keep flow-log events for " + retentionDays + " days")
          .before(group == null || group.retentionInDays() == null ? "never expire"
              : group.retentionInDays() + " days")
          .after(retentionDays + " days").build());
      plan.addIamActions("logs:PutRetentionPolicy");
    }
    if (deliveryRoleName != null) {
      planRole(context, steps, canonical, plan);
    }
  }

  private void planRole(RemediationContext context, List<Step> steps, StringBuilder canonical,
      ImmutablePlan.Builder plan) {
    IamClient iam = context.scope().client(IamClient.class, IamClient::builder);
    String roleArn = roleArn(context.account());
    String trust = null;
    boolean exists = true;
    try {
      trust = iam.getRole(r -> r.roleName(deliveryRoleName)).role().assumeRolePolicyDocument();
    } catch (AwsServiceException e) {
      if (!"NoSuchEntity".equals(errorCode(e))) {
        throw e;
      }
      exists = false;
    }
    String permissions = null;
    if (exists) {
      try {
        permissions = iam.getRolePolicy(r -> r.roleName(deliveryRoleName)
            .policyName(ROLE_POLICY_NAME)).policyDocument();
      } catch (AwsServiceException e) {
        if (!"NoSuchEntity".equals(errorCode(e))) {
          throw e;
        }
      }
    }
    canonical.append("role ").append(deliveryRoleName).append(' ')
        .append(trust == null ? "-" : context.fingerprint(PolicyDocuments.decode(trust))).append(' ')
        .append(permissions == null ? "-" : context.fingerprint(PolicyDocuments.decode(permissions)))
        .append('\n');
    plan.addIamActions("iam:GetRole", "iam:GetRolePolicy");
    IamStatement trustStatement = trustStatement(context.account(), context.region());
    Optional<String> mergedTrust = PolicyDocuments.merge(trust, List.of(trustStatement));
    if (!exists) {
      steps.add(Step.builder().kind("CreateRole").action(Action.ADD).resource(roleArn)
          .summary("create the flow-log delivery role, trusted by vpc-flow-logs.amazonaws.com")
          .after(PolicyDocuments.write(List.of(trustStatement)))
          .putParameters("policy", PolicyDocuments.write(List.of(trustStatement))).build());
      plan.addIamActions("iam:CreateRole");
    } else if (mergedTrust.isPresent()) {
      steps.add(Step.builder().kind("UpdateAssumeRolePolicy").action(Action.CHANGE)
          .resource(roleArn)
          .summary("let vpc-flow-logs.amazonaws.com assume the role in " + context.region()
              + " (statement merged by Sid)")
          .before(PolicyDocuments.describe(trust, List.of(trustStatement.sid())))
          .after(PolicyDocuments.write(List.of(trustStatement)))
          .putParameters("policy", mergedTrust.get()).build());
      plan.addIamActions("iam:UpdateAssumeRolePolicy");
    }
    IamStatement deliver = deliveryStatement();
    Optional<String> mergedPermissions = PolicyDocuments.merge(permissions, List.of(deliver));
    if (mergedPermissions.isPresent()) {
      steps.add(Step.builder().kind("PutRolePolicy").action(permissions == null ? Action.ADD
              : Action.CHANGE).resource(roleArn)
          .summary("allow the role to write flow logs to CloudWatch Logs (inline policy "
              + ROLE_POLICY_NAME + ")")
          .after(PolicyDocuments.write(List.of(deliver)))
          .putParameters("policy", mergedPermissions.get()).build());
      plan.addIamActions("iam:PutRolePolicy");
    }
  }

  private String roleArn(String account) {
    return deliveryRoleArn != null ? deliveryRoleArn
        : "arn:aws:iam::" + account + ":role/" + deliveryRoleName;
  }

  static IamStatement trustStatement(String account, String region) {
    return IamStatement.builder().sid("RemediateVpcFlowLogsTrust" + camel(region))
        .effect(IamEffect.ALLOW)
        .addPrincipal(IamPrincipalType.SERVICE, "vpc-flow-logs.amazonaws.com")
        .addAction("sts:AssumeRole")
        .addCondition(IamConditionOperator.STRING_EQUALS, "aws:SourceAccount", account)
        .addCondition(IamConditionOperator.ARN_LIKE, "aws:SourceArn",
            "arn:aws:ec2:" + region + ":" + account + ":vpc-flow-log/*")
        .build();
  }

  static IamStatement deliveryStatement() {
    return IamStatement.builder().sid("RemediateVpcFlowLogsDelivery").effect(IamEffect.ALLOW)
        .addAction("logs:CreateLogGroup").addAction("logs:CreateLogStream")
        .addAction("logs:PutLogEvents").addAction("logs:DescribeLogGroups")
        .addAction("logs:DescribeLogStreams").addResource("*").build();
  }

  // ---------------------------------------------------------------- steps

  @Override
  public void execute(Step step, RemediationContext context) {
    switch (step.kind()) {
      case "CreateBucket" -> createBucket(context);
      case "PutPublicAccessBlock" -> s3(context).putPublicAccessBlock(r -> r.bucket(s3Bucket)
          .publicAccessBlockConfiguration(c -> c.blockPublicAcls(true).ignorePublicAcls(true)
              .blockPublicPolicy(true).restrictPublicBuckets(true)));
      case "PutBucketEncryption" -> s3(context).putBucketEncryption(r -> r.bucket(s3Bucket)
          .serverSideEncryptionConfiguration(c -> c.rules(rule -> rule
              .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)))));
      case "PutBucketPolicy" -> s3(context).putBucketPolicy(r -> r.bucket(s3Bucket)
          .policy(step.parameter("policy")));
      case "CreateLogGroup" -> createLogGroup(context);
      case "PutRetentionPolicy" -> logs(context).putRetentionPolicy(r -> r.logGroupName(logGroup)
          .retentionInDays(retentionDays));
      case "CreateRole" -> createRole(step, context);
      case "UpdateAssumeRolePolicy" -> iam(context).updateAssumeRolePolicy(r -> r
          .roleName(deliveryRoleName).policyDocument(step.parameter("policy")));
      case "PutRolePolicy" -> iam(context).putRolePolicy(r -> r.roleName(deliveryRoleName)
          .policyName(ROLE_POLICY_NAME).policyDocument(step.parameter("policy")));
      case "CreateFlowLogs" -> createFlowLogs(step, context);
      case "DeleteFlowLogs" -> deleteFlowLogs(step, context);
      default -> throw new RemediationException("EnableVpcFlowLogs has no step " + step.kind());
    }
  }

  private void createBucket(RemediationContext context) {
    try {
      s3(context).createBucket(r -> {
        r.bucket(s3Bucket);
        if (!"us-east-1".equals(context.region())) {
          r.createBucketConfiguration(c -> c.locationConstraint(
              BucketLocationConstraint.fromValue(context.region())));
        }
      });
    } catch (AwsServiceException e) {
      if (!"BucketAlreadyOwnedByYou".equals(errorCode(e))) {
        throw e;
      }
    }
  }

  private void createLogGroup(RemediationContext context) {
    try {
      logs(context).createLogGroup(r -> r.logGroupName(logGroup).kmsKeyId(logGroupKmsKey));
    } catch (AwsServiceException e) {
      if (!"ResourceAlreadyExistsException".equals(errorCode(e))) {
        throw e;
      }
    }
  }

  private void createRole(Step step, RemediationContext context) {
    try {
      iam(context).createRole(r -> r.roleName(deliveryRoleName)
          .assumeRolePolicyDocument(step.parameter("policy"))
          .description("Lets VPC flow logs deliver to CloudWatch Logs (created by remediate)"));
    } catch (AwsServiceException e) {
      if (!"EntityAlreadyExists".equals(errorCode(e))) {
        throw e;
      }
    }
  }

  /**
   * Creates the flow logs of this step's whole batch in one call the first time a step of the batch
   * runs; each step then reports its own VPC's outcome ({@code Unsuccessful} entries are per-VPC
   * failures, {@code FlowLogAlreadyExists} means done).
   */
  private void createFlowLogs(Step step, RemediationContext context) {
    String key = "CreateFlowLogs:" + step.resource();
    if (!context.outputs().containsKey(key)) {
      List<String> pending = splitCsv(step.parameter("batch")).stream()
          .filter(v -> !context.outputs().containsKey("CreateFlowLogs:" + v)).toList();
      CreateFlowLogsRequest.Builder request = CreateFlowLogsRequest.builder()
          .resourceIds(pending).resourceType(FlowLogsResourceType.VPC)
          .trafficType(trafficType.name())
          .clientToken(context.clientToken(step, csv(pending)))
          .logFormat(logFormat).maxAggregationInterval(maxAggregationInterval);
      if (s3Bucket != null) {
        request.logDestinationType(LogDestinationType.S3).logDestination(s3Destination());
      } else {
        request.logDestinationType(LogDestinationType.CLOUD_WATCH_LOGS).logGroupName(logGroup)
            .deliverLogsPermissionArn(roleArn(context.account()));
      }
      context.progress("creating flow logs for " + pending.size() + " VPC(s)", -1);
      Map<String, String> failures = failures(ec2(context).createFlowLogs(request.build())
          .unsuccessful());
      pending.forEach(v -> context.outputs().put("CreateFlowLogs:" + v,
          failures.getOrDefault(v, "ok")));
    }
    String outcome = context.outputs().get(key);
    if (!"ok".equals(outcome) && !outcome.startsWith("FlowLogAlreadyExists")) {
      throw new RemediationException("CreateFlowLogs failed for " + step.resource() + ": "
          + outcome);
    }
  }

  private void deleteFlowLogs(Step step, RemediationContext context) {
    String key = "DeleteFlowLogs:" + step.resource();
    if (!context.outputs().containsKey(key)) {
      List<String> pending = splitCsv(step.parameter("batch")).stream()
          .filter(v -> !context.outputs().containsKey("DeleteFlowLogs:" + v)).toList();
      Map<String, String> failures = failures(ec2(context).deleteFlowLogs(r -> r
          .flowLogIds(pending)).unsuccessful());
      pending.forEach(v -> context.outputs().put("DeleteFlowLogs:" + v,
          failures.getOrDefault(v, "ok")));
    }
    String outcome = context.outputs().get(key);
    if (!"ok".equals(outcome) && !outcome.startsWith("InvalidFlowLogId.NotFound")) {
      throw new RemediationException("DeleteFlowLogs failed for " + step.resource() + ": "
          + outcome);
    }
  }

  private static Map<String, String> failures(List<UnsuccessfulItem> unsuccessful) {
    Map<String, String> failures = new LinkedHashMap<>();
    for (UnsuccessfulItem item : unsuccessful) {
      String code = item.error() == null ? "Unknown" : item.error().code();
      String message = item.error() == null ? "" : item.error().message();
      failures.put(item.resourceId(), code + ": " + message);
    }
    return failures;
  }

  private static Ec2Client ec2(RemediationContext c) {
    return c.scope().client(Ec2Client.class, Ec2Client::builder);
  }

  private static S3Client s3(RemediationContext c) {
    return c.scope().client(S3Client.class, S3Client::builder);
  }

  private static CloudWatchLogsClient logs(RemediationContext c) {
    return c.scope().client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder);
  }

  private static IamClient iam(RemediationContext c) {
    return c.scope().client(IamClient.class, IamClient::builder);
  }

  // ---------------------------------------------------------------- value


  /** Builds an {@link EnableVpcFlowLogs}; exactly one destination is required. */
  public static final class Builder {
    private @Nullable List<String> vpcIds;
    private final boolean every;
    private @Nullable String s3Bucket;
    private @Nullable String s3Prefix;
    private boolean createBucket;
    private @Nullable String logGroup;
    private @Nullable String deliveryRoleArn;
    private @Nullable String deliveryRoleName;
    private @Nullable Integer retentionDays;
    private @Nullable String logGroupKmsKey;
    private TrafficType trafficType = TrafficType.ALL;
    private @Nullable String logFormat;
    private @Nullable Integer maxAggregationInterval;
    private boolean replaceExisting;

    private Builder(@Nullable List<String> vpcIds, boolean every) {
      this.vpcIds = vpcIds;
      this.every = every;
    }

    /**
     * Delivers to an S3 bucket, at the bucket's root.
     *
     * @param bucket bucket name
     * @return this builder
     */
    public Builder toS3Bucket(String bucket) {
      this.s3Bucket = bucket;
      return this;
    }

    /**
     * Delivers to an S3 bucket under a key prefix.
     *
     * @param bucket bucket name
     * @param prefix key prefix without leading or trailing slash, e.g. {@code vpc-flow-logs}
     * @return this builder
     */
    public Builder toS3Bucket(String bucket, String prefix) {
      this.s3Bucket = bucket;
      this.s3Prefix = prefix;
      return this;
    }

    /**
     * Creates the S3 bucket when it does not exist, with public access blocked and default
     * encryption (SSE-S3). Without this, a missing bucket fails the plan.
     *
     * @return this builder
     */
    public Builder createBucketIfMissing() {
      this.createBucket = true;
      return this;
    }

    /**
     * Delivers to a CloudWatch Logs log group, created when missing.
     *
     * @param name log group name, e.g. {@code /vpc/flow-logs}
     * @return this builder
     */
    public Builder toLogGroup(String name) {
      this.logGroup = name;
      return this;
    }

    /**
     * Uses an existing delivery role for the CloudWatch Logs destination.
     *
     * @param roleArn e.g. {@code arn:aws:iam::123456789012:role/flow-logs}
     * @return this builder
     */
    public Builder deliveryRole(String roleArn) {
      this.deliveryRoleArn = roleArn;
      return this;
    }

    /**
     * Creates (or completes) a delivery role with this name for the CloudWatch Logs destination
     * (default {@value EnableVpcFlowLogs#DEFAULT_ROLE_NAME} when no role is given).
     *
     * @param roleName IAM role name
     * @return this builder
     */
    public Builder createDeliveryRole(String roleName) {
      this.deliveryRoleName = roleName;
      return this;
    }

    /**
     * Sets the retention of a log group destination.
     *
     * @param days one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ... 3653)
     * @return this builder
     */
    public Builder retentionDays(int days) {
      this.retentionDays = days;
      return this;
    }

    /**
     * Encrypts a log group this remediation creates with a KMS key.
     *
     * @param keyArn KMS key ARN
     * @return this builder
     */
    public Builder logGroupKmsKey(String keyArn) {
      this.logGroupKmsKey = keyArn;
      return this;
    }

    /**
     * Sets the traffic recorded (default {@link TrafficType#ALL}).
     *
     * @param trafficType the traffic type
     * @return this builder
     */
    public Builder trafficType(TrafficType trafficType) {
      this.trafficType = Objects.requireNonNull(trafficType, "trafficType");
      return this;
    }

    /**
     * Sets a custom log format (default: AWS's default format, and any format is accepted as
     * compliant).
     *
     * @param format e.g. {@code ${version} ${account-id} ${interface-id} ...}
     * @return this builder
     */
    public Builder logFormat(String format) {
      this.logFormat = format;
      return this;
    }

    /**
     * Sets the maximum aggregation interval.
     *
     * @param seconds 60 or 600
     * @return this builder
     */
    public Builder maxAggregationInterval(int seconds) {
      this.maxAggregationInterval = seconds;
      return this;
    }

    /**
     * Replaces other flow logs of the VPCs concerned: the new one is created first, then the others
     * are deleted. Flagged {@link Flag#DESTRUCTIVE}.
     *
     * @return this builder
     */
    public Builder replaceExisting() {
      this.replaceExisting = true;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the remediation
     * @throws InvalidRemediationException naming the bad value
     */
    public EnableVpcFlowLogs build() {
      if (!every) {
        vpcIds = NetworkSupport.requireIds(vpcIds, VPC_ID, "VPC");
      }
      if ((s3Bucket == null) == (logGroup == null)) {
        throw new InvalidRemediationException("EnableVpcFlowLogs needs exactly one destination: "
            + "toS3Bucket(...) or toLogGroup(...)");
      }
      if (s3Bucket != null) {
        if (!BUCKET.matcher(s3Bucket).matches() || s3Bucket.contains("..")
            || s3Bucket.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
          throw new InvalidRemediationException("'" + s3Bucket + "' is not a valid S3 bucket name");
        }
        if (s3Prefix != null && (s3Prefix.isEmpty() || s3Prefix.startsWith("/")
            || s3Prefix.endsWith("/") || s3Prefix.startsWith("AWSLogs")
            || s3Prefix.length() > 512)) {
          throw new InvalidRemediationException("S3 prefix '" + s3Prefix + "' must be 1-512 "
              + "characters, not start or end with '/', and not start with 'AWSLogs'");
        }
        if (deliveryRoleArn != null || deliveryRoleName != null || retentionDays != null
            || logGroupKmsKey != null) {
          throw new InvalidRemediationException("deliveryRole, createDeliveryRole, retentionDays "
              + "and logGroupKmsKey apply to a log group destination, not to S3 bucket '"
              + s3Bucket + "'");
        }
      } else {
        if (!LOG_GROUP.matcher(logGroup).matches()) {
          throw new InvalidRemediationException("'" + logGroup + "' is not a valid log group name");
        }
        if (createBucket) {
          throw new InvalidRemediationException("createBucketIfMissing() applies to an S3 "
              + "destination, not to log group '" + logGroup + "'");
        }
        if (deliveryRoleArn != null && deliveryRoleName != null) {
          throw new InvalidRemediationException("Give either deliveryRole('" + deliveryRoleArn
              + "') or createDeliveryRole('" + deliveryRoleName + "'), not both");
        }
        if (deliveryRoleArn != null) {
          requireRoleArn(deliveryRoleArn);
        }
        if (deliveryRoleName != null && !ROLE_NAME.matcher(deliveryRoleName).matches()) {
          throw new InvalidRemediationException("'" + deliveryRoleName
              + "' is not a valid IAM role name");
        }
        if (retentionDays != null && !RETENTION_DAYS.contains(retentionDays)) {
          throw new InvalidRemediationException("retentionDays " + retentionDays
              + " is not one CloudWatch Logs accepts: " + new TreeSet<>(RETENTION_DAYS));
        }
        if (logGroupKmsKey != null) {
          requireArn(logGroupKmsKey, "kms", "KMS key");
        }
      }
      if (maxAggregationInterval != null && maxAggregationInterval != 60
          && maxAggregationInterval != 600) {
        throw new InvalidRemediationException("maxAggregationInterval must be 60 or 600, was "
            + maxAggregationInterval);
      }
      if (logFormat != null && (logFormat.isBlank() || !logFormat.contains("${"))) {
        throw new InvalidRemediationException("logFormat '" + logFormat
            + "' must list fields like ${version} ${srcaddr}");
      }
      return new EnableVpcFlowLogs(this);
    }

    private static void requireRoleArn(String arn) {
      Arn parsed = requireArn(arn, "iam", "IAM role");
      if (!parsed.resourceAsString().startsWith("role/")) {
        throw new InvalidRemediationException("'" + arn + "' is not an IAM role ARN");
      }
    }

    private static Arn requireArn(String arn, String service, String what) {
      try {
        Arn parsed = Arn.fromString(arn);
        if (!service.equals(parsed.service())) {
          throw new InvalidRemediationException("'" + arn + "' is not a " + what + " ARN");
        }
        return parsed;
      } catch (IllegalArgumentException e) {
        throw new InvalidRemediationException("'" + arn + "' is not a " + what + " ARN", e);
      }
    }
  }

  /** The catalog entry of {@link EnableVpcFlowLogs}. */
  public static final class Type extends AbstractRemediationType {
    /** Creates the type (service loader). */
    public Type() {
      super(ID, "VPC flow logs to S3 or CloudWatch Logs for one, several or every VPC of a region",
          CONTROLS, IAM_ACTIONS, EnumSet.of(Flag.DESTRUCTIVE));
    }

    @Override
    public Remediation fromSpec(RemediationSpec spec) {
      String vpcs = spec.require("vpcs");
      Builder b = EVERY.equals(vpcs) ? forEveryVpc() : forVpcs(splitCsv(vpcs));
      Map<String, String> p = spec.parameters();
      if (p.containsKey("s3Bucket")) {
        b.s3Bucket = p.get("s3Bucket");
        b.s3Prefix = p.get("s3Prefix");
      }
      b.createBucket = Boolean.parseBoolean(p.get("createBucket"));
      b.logGroup = p.get("logGroup");
      b.deliveryRoleArn = p.get("deliveryRoleArn");
      b.deliveryRoleName = p.get("deliveryRoleName");
      b.retentionDays = integer(spec, "retentionDays");
      b.logGroupKmsKey = p.get("logGroupKmsKey");
      b.trafficType = trafficType(spec.get("trafficType", "ALL"));
      b.logFormat = p.get("logFormat");
      b.maxAggregationInterval = integer(spec, "maxAggregationInterval");
      b.replaceExisting = Boolean.parseBoolean(p.get("replaceExisting"));
      return b.build();
    }

    /**
     * Flow logs for every VPC of the region, to {@code flowLogs.s3Bucket} (with
     * {@code flowLogs.prefix}) or to {@code flowLogs.logGroup} (with a created delivery role), with
     * {@code flowLogs.trafficType} (default ALL).
     */
    @Override
    public Optional<Remediation> forRegion(Map<String, String> settings) {
      return withSettings(forEveryVpc(), settings).map(Builder::build);
    }

    /**
     * Applies scan settings to a builder: {@code flowLogs.s3Bucket} (with {@code flowLogs.prefix})
     * or {@code flowLogs.logGroup} (with a created delivery role), and {@code flowLogs.trafficType}.
     *
     * @return the builder, or empty when no destination is set
     */
    static Optional<Builder> withSettings(Builder b, Map<String, String> settings) {
      String bucket = blankToNull(settings.get("flowLogs.s3Bucket"));
      String group = blankToNull(settings.get("flowLogs.logGroup"));
      if (bucket == null && group == null) {
        return Optional.empty();
      }
      String prefix = blankToNull(settings.get("flowLogs.prefix"));
      if (bucket != null) {
        b = prefix == null ? b.toS3Bucket(bucket) : b.toS3Bucket(bucket, prefix);
      } else {
        b.toLogGroup(group);
      }
      String traffic = blankToNull(settings.get("flowLogs.trafficType"));
      if (traffic != null) {
        b.trafficType(trafficType(traffic));
      }
      return Optional.of(b);
    }

    private static @Nullable String blankToNull(@Nullable String s) {
      return s == null || s.isBlank() ? null : s.trim();
    }

    private static TrafficType trafficType(String value) {
      try {
        return TrafficType.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidRemediationException("trafficType '" + value
            + "' must be ALL, ACCEPT or REJECT", e);
      }
    }

    private static @Nullable Integer integer(RemediationSpec spec, String key) {
      String value = spec.parameters().get(key);
      if (value == null) {
        return null;
      }
      try {
        return Integer.valueOf(value);
      } catch (NumberFormatException e) {
        throw new InvalidRemediationException(key + " '" + value + "' is not a number", e);
      }
    }
  }
}
