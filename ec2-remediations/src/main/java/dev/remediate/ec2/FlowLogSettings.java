package dev.remediate.ec2;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.ec2.EnableVpcFlowLogs.TrafficType;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.arns.Arn;
import software.amazon.awssdk.services.ec2.model.FlowLog;

/**
 * What every flow log of an {@link EnableVpcFlowLogs} must be and where it goes: the destination (an
 * S3 bucket and prefix, or a log group with its delivery role) and the flow-log options, as that
 * remediation's attributes hold them ({@code EnableVpcFlowLogs.settings()}). Validated once, by
 * {@link #validate()} in the remediation's check; its spec parameters are declared in
 * {@link FlowLogSpec}.
 */
record FlowLogSettings(
    @Nullable String s3Bucket,
    @Nullable String s3Prefix,
    boolean createBucket,
    @Nullable String logGroup,
    @Nullable String deliveryRoleArn,
    @Nullable String deliveryRoleName,
    @Nullable Integer retentionDays,
    @Nullable String logGroupKmsKey,
    TrafficType trafficType,
    @Nullable String logFormat,
    @Nullable Integer maxAggregationInterval,
    boolean replaceExisting) {
  static final Set<Integer> RETENTION_DAYS = Set.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365,
      400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);

  FlowLogSettings {
    if (trafficType == null) {
      throw new InvalidRemediationException("trafficType is required: ALL, ACCEPT or REJECT");
    }
    if (logGroup != null && deliveryRoleArn == null && deliveryRoleName == null) {
      deliveryRoleName = EnableVpcFlowLogs.DEFAULT_ROLE_NAME;
    }
  }

  boolean toS3() {
    return s3Bucket != null;
  }

  /** @return {@code arn:aws:s3:::bucket} or {@code arn:aws:s3:::bucket/prefix/} */
  String s3Destination() {
    return "arn:aws:s3:::" + s3Bucket + (s3Prefix == null ? "" : "/" + s3Prefix + "/");
  }

  /** @return the ARN of the destination, as the destination's plan provides it */
  String destinationArn(String region, String account) {
    return toS3() ? s3Destination() : logGroupArn(region, account);
  }

  String logGroupArn(String region, String account) {
    return "arn:aws:logs:" + region + ":" + account + ":log-group:" + logGroup;
  }

  /** @return the delivery role of a log group destination */
  String roleArn(String account) {
    return deliveryRoleArn != null ? deliveryRoleArn
        : "arn:aws:iam::" + account + ":role/" + deliveryRoleName;
  }

  /** @return the destination as a person reads it in a plan */
  String destinationText() {
    return toS3() ? s3Destination() : "log group " + logGroup;
  }

  /** @return true when this flow log is the one wanted: traffic, destination, options, ACTIVE */
  boolean isSatisfiedBy(FlowLog log) {
    if (!"ACTIVE".equals(log.flowLogStatus())
        || !trafficType.name().equals(log.trafficTypeAsString())
        || (logFormat != null && !logFormat.equals(log.logFormat()))
        || (maxAggregationInterval != null
            && !maxAggregationInterval.equals(log.maxAggregationInterval()))) {
      return false;
    }
    if (toS3()) {
      return "s3".equals(log.logDestinationTypeAsString())
          && stripSlash(s3Destination()).equals(stripSlash(log.logDestination()));
    }
    return "cloud-watch-logs".equals(log.logDestinationTypeAsString())
        && (Objects.equals(logGroup, log.logGroupName()) || (log.logDestination() != null
            && stripSlash(log.logDestination()).endsWith(":log-group:" + logGroup)));
  }

  private static String stripSlash(@Nullable String s) {
    if (s == null) {
      return "";
    }
    String t = s.endsWith(":*") ? s.substring(0, s.length() - 2) : s;
    return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
  }

  /** @return a flow log's destination as a person reads it */
  static String describeDestination(FlowLog f) {
    return f.logDestinationTypeAsString() + ":" + (f.logDestination() != null ? f.logDestination()
        : f.logGroupName());
  }

  /** @return the traffic type of a setting, any case */
  static TrafficType trafficType(String value) {
    try {
      return TrafficType.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidRemediationException("trafficType '" + value
          + "' must be ALL, ACCEPT or REJECT", e);
    }
  }

  // ---------------------------------------------------------------- validation

  /**
   * Checks the settings as a whole.
   *
   * @return these settings
   * @throws InvalidRemediationException naming the bad value
   */
  FlowLogSettings validate() {
    if (s3Prefix != null && s3Bucket == null) {
      throw new InvalidRemediationException("S3 prefix '" + s3Prefix + "': it needs 's3Bucket'");
    }
    if ((s3Bucket == null) == (logGroup == null)) {
      throw new InvalidRemediationException("EnableVpcFlowLogs needs exactly one destination: "
          + "toS3Bucket(...) or toLogGroup(...)");
    }
    if (toS3()) {
      validateS3();
    } else {
      validateLogGroup();
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
    return this;
  }

  private void validateS3() {
    AwsNames.bucket(s3Bucket);
    if (s3Prefix != null && (s3Prefix.isEmpty() || s3Prefix.startsWith("/")
        || s3Prefix.endsWith("/") || s3Prefix.startsWith("AWSLogs") || s3Prefix.length() > 512)) {
      throw new InvalidRemediationException("S3 prefix '" + s3Prefix + "' must be 1-512 "
          + "characters, not start or end with '/', and not start with 'AWSLogs'");
    }
    if (deliveryRoleArn != null || deliveryRoleName != null || retentionDays != null
        || logGroupKmsKey != null) {
      throw new InvalidRemediationException("deliveryRole, createDeliveryRole, retentionDays "
          + "and logGroupKmsKey apply to a log group destination, not to S3 bucket '"
          + s3Bucket + "'");
    }
  }

  private void validateLogGroup() {
    AwsNames.logGroup(logGroup);
    if (createBucket) {
      throw new InvalidRemediationException("createBucketIfMissing() applies to an S3 "
          + "destination, not to log group '" + logGroup + "'");
    }
    if (deliveryRoleArn != null && deliveryRoleName != null) {
      throw new InvalidRemediationException("Give either deliveryRole('" + deliveryRoleArn
          + "') or createDeliveryRole('" + deliveryRoleName + "'), not both");
    }
    if (deliveryRoleArn != null) {
      AwsNames.roleArn(deliveryRoleArn);
    }
    if (deliveryRoleName != null) {
      AwsNames.roleName(deliveryRoleName);
    }
    if (retentionDays != null && !RETENTION_DAYS.contains(retentionDays)) {
      throw new InvalidRemediationException("retentionDays " + retentionDays
          + " is not one CloudWatch Logs accepts: " + new TreeSet<>(RETENTION_DAYS));
    }
    if (logGroupKmsKey != null) {
      requireArn(logGroupKmsKey, "kms", "KMS key");
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
