package dev.remediate.ec2;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.ec2.EnableVpcFlowLogs.Builder;
import dev.remediate.ec2.EnableVpcFlowLogs.Part;
import dev.remediate.ec2.EnableVpcFlowLogs.TrafficType;
import java.util.Optional;

/**
 * The spec parameters of {@link EnableVpcFlowLogs}, declared once: the VPC forms' table and the
 * destination-only form's, both with the destination's parameters.
 */
final class FlowLogSpec {
  private FlowLogSpec() {}

  /** The spec of flow logs of VPCs: the VPCs, the destination, the flow-log options. */
  static final SpecTable<EnableVpcFlowLogs, Builder> VPCS = destination(
      SpecTable.<EnableVpcFlowLogs, Builder>of(EnableVpcFlowLogs.ID)
          .startAllOr("vpcs", SpecKind.aws(AwsNames::vpcId),
              r -> Optional.ofNullable(r.vpcIds()), EnableVpcFlowLogs::forVpcs,
              EnableVpcFlowLogs::forEveryVpc))
      .withDefault("trafficType", SpecKind.oneOf(TrafficType.values()), TrafficType.ALL,
          r -> r.settings().trafficType(), Builder::trafficType)
      .optional("logFormat", SpecKind.text(), r -> r.settings().logFormat(), Builder::logFormat)
      .optional("maxAggregationInterval", SpecKind.integer(),
          r -> r.settings().maxAggregationInterval(), Builder::maxAggregationInterval)
      .optional("replaceExisting", SpecKind.bool(), false, r -> r.settings().replaceExisting(),
          (b, replace) -> {
            if (replace) {
              b.replaceExisting();
            }
          })
      .optional("part", SpecKind.word(Part.FLOW_LOGS.parameter),
          r -> r.part().parameter, (b, part) -> b.flowLogsOnly())
      .build(Builder::build);

  /** The spec of the destination's plan: the destination alone. */
  static final SpecTable<EnableVpcFlowLogs, Builder> DESTINATION = destination(
      SpecTable.<EnableVpcFlowLogs, Builder>of(EnableVpcFlowLogs.ID)
          .start(EnableVpcFlowLogs::forDestinationOnly))
      .required("part", SpecKind.word(Part.DESTINATION.parameter),
          r -> Part.DESTINATION.parameter,
          (b, part) -> { })
      .build(Builder::build);


  /**
   * Declares the destination's parameters (all a destination plan depends on): an S3 bucket and
   * prefix, or a log group, its delivery role, retention and key.
   */
  private static SpecTable.Builder<EnableVpcFlowLogs, Builder> destination(
      SpecTable.Builder<EnableVpcFlowLogs, Builder> table) {
    return table
        .optional("s3Bucket", SpecKind.aws(AwsNames::bucket), r -> r.settings().s3Bucket(),
            Builder::toS3Bucket)
        .optional("s3Prefix", SpecKind.text(), r -> r.settings().s3Prefix(), (b, prefix) -> {
          if (b.s3Bucket == null) {
            throw new InvalidRemediationException("it needs 's3Bucket'");
          }
          b.toS3Bucket(b.s3Bucket, prefix);
        })
        .optional("createBucket", SpecKind.bool(), false, r -> r.settings().createBucket(),
            (b, create) -> {
              if (create) {
                b.createBucketIfMissing();
              }
            })
        .optional("logGroup", SpecKind.aws(AwsNames::logGroup), r -> r.settings().logGroup(),
            Builder::toLogGroup)
        .optional("deliveryRoleArn", SpecKind.aws(AwsNames::roleArn),
            r -> r.settings().deliveryRoleArn(), Builder::deliveryRole)
        .optional("deliveryRoleName", SpecKind.aws(AwsNames::roleName),
            r -> r.settings().deliveryRoleName(), Builder::createDeliveryRole)
        .optional("retentionDays", SpecKind.integer(), r -> r.settings().retentionDays(),
            Builder::retentionDays)
        .optional("logGroupKmsKey", SpecKind.text(), r -> r.settings().logGroupKmsKey(),
            Builder::logGroupKmsKey);
  }
}
