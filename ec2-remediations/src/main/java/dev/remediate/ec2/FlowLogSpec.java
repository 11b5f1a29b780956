package dev.remediate.ec2;

import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import dev.remediate.ec2.EnableVpcFlowLogs.Builder;
import dev.remediate.ec2.EnableVpcFlowLogs.TrafficType;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The spec parameters of {@link EnableVpcFlowLogs}, declared once: the VPC forms' table and the
 * destination-only form's, both with the destination's parameters.
 */
final class FlowLogSpec {
  private FlowLogSpec() {}

  /** Which plans this remediation makes: spec parameter {@code part}. */
  enum Part {
    /** The VPCs' plans and, when needed, the destination's (no {@code part} parameter). */
    ALL(null),
    /** Only the VPCs' plans: how apply observes them again. */
    FLOW_LOGS("flowLogs"),
    /** Only the destination's plan. */
    DESTINATION("destination");

    final @Nullable String parameter;

    Part(@Nullable String parameter) {
      this.parameter = parameter;
    }
  }

  /** The spec of flow logs of VPCs: the VPCs, the destination, the flow-log options. */
  static final SpecTable<EnableVpcFlowLogs, Builder> VPCS = destination(
      SpecTable.<EnableVpcFlowLogs, Builder>of(EnableVpcFlowLogs.ID)
          .startAllOr("vpcs", SpecKind.aws(AwsNames::vpcId),
              r -> Optional.ofNullable(r.vpcIds()), EnableVpcFlowLogs::forVpcs,
              EnableVpcFlowLogs::forEveryVpc))
      .withDefault("trafficType", SpecKind.oneOf(TrafficType.values()), TrafficType.ALL,
          EnableVpcFlowLogs::trafficType, Builder::trafficType)
      .optional("logFormat", SpecKind.text(), EnableVpcFlowLogs::logFormat, Builder::logFormat)
      .optional("maxAggregationInterval", SpecKind.integer(),
          EnableVpcFlowLogs::maxAggregationInterval, Builder::maxAggregationInterval)
      .optional("replaceExisting", SpecKind.bool(), false, EnableVpcFlowLogs::replaceExisting,
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
        .optional("s3Bucket", SpecKind.aws(AwsNames::bucket), EnableVpcFlowLogs::s3Bucket,
            Builder::toS3Bucket)
        .optional("s3Prefix", SpecKind.text(), EnableVpcFlowLogs::s3Prefix, Builder::s3Prefix)
        .optional("createBucket", SpecKind.bool(), false, EnableVpcFlowLogs::createBucket,
            (b, create) -> {
              if (create) {
                b.createBucketIfMissing();
              }
            })
        .optional("logGroup", SpecKind.aws(AwsNames::logGroup), EnableVpcFlowLogs::logGroup,
            Builder::toLogGroup)
        .optional("deliveryRoleArn", SpecKind.aws(AwsNames::roleArn),
            EnableVpcFlowLogs::deliveryRoleArn, Builder::deliveryRole)
        .optional("deliveryRoleName", SpecKind.aws(AwsNames::roleName),
            EnableVpcFlowLogs::deliveryRoleName, Builder::createDeliveryRole)
        .optional("retentionDays", SpecKind.integer(), EnableVpcFlowLogs::retentionDays,
            Builder::retentionDays)
        .optional("logGroupKmsKey", SpecKind.text(), EnableVpcFlowLogs::logGroupKmsKey,
            Builder::logGroupKmsKey);
  }
}
