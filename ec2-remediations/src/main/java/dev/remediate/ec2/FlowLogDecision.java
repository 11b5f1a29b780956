package dev.remediate.ec2;

import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Target;
import dev.remediate.ec2.FlowLogObserver.Observation;
import dev.remediate.ec2.FlowLogObserver.VpcState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.services.ec2.model.FlowLog;

/**
 * The decision of {@link EnableVpcFlowLogs}, without AWS calls: one plan per observed VPC. A VPC is
 * compliant when one of its flow logs has the wanted traffic type, destination (and log format and
 * aggregation interval, when given) and is {@code ACTIVE}; an opted-out VPC is skipped; otherwise its
 * plan creates the flow log and, when replacing, deletes the VPC's other flow logs afterwards.
 */
final class FlowLogDecision {
  /** Where and when the observation was made, and the opt-out rule in force. */
  record Facts(String region, String account, Instant observedAt, String optOutTagKey) {}

  private final FlowLogSettings settings;
  private final Facts facts;
  private final Function<String, RemediationSpec> specOfVpc;

  /**
   * @param settings what each flow log must be
   * @param facts region, account, time, opt-out tag
   * @param specOfVpc the spec of the remediation of one VPC, for that VPC's plan
   */
  FlowLogDecision(FlowLogSettings settings, Facts facts,
      Function<String, RemediationSpec> specOfVpc) {
    this.settings = settings;
    this.facts = facts;
    this.specOfVpc = specOfVpc;
  }

  /** @return one plan per VPC, in VPC-id order; compliant and opted-out VPCs as empty plans */
  List<Plan> decide(Observation observation) {
    return observation.vpcs().stream().map(this::decide).toList();
  }

  Plan decide(VpcState vpc) {
    var plan = Plan.builder().remediation(specOfVpc.apply(vpc.vpcId()))
        .target(Target.of("AWS::EC2::VPC", vpc.vpcId(), facts.region(), facts.account()))
        .observedAt(facts.observedAt());
    if (vpc.tags().containsKey(facts.optOutTagKey())) {
      return plan.addSkipped(Skip.of(vpc.vpcId(), "carries opt-out tag '" + facts.optOutTagKey()
          + "'")).build();
    }
    if (vpc.flowLogs().stream().anyMatch(settings::isSatisfiedBy)) {
      return plan.build();
    }
    plan.addAllControls(EnableVpcFlowLogs.CONTROLS)
        .addSteps(FlowLogSteps.create(settings, vpc.vpcId(), facts.account()))
        .addIamActions("ec2:DescribeVpcs", "ec2:DescribeFlowLogs", "ec2:CreateFlowLogs",
            settings.toS3() ? "logs:CreateLogDelivery" : "iam:PassRole");
    List<FlowLog> others = new ArrayList<>(vpc.flowLogs());
    others.sort(java.util.Comparator.comparing(FlowLog::flowLogId));
    for (FlowLog other : others) {
      if (settings.replaceExisting()) {
        plan.addSteps(FlowLogSteps.delete(other)).addIamActions("ec2:DeleteFlowLogs");
      } else {
        plan.addWarnings(vpc.vpcId() + " keeps its other flow log " + other.flowLogId() + " ("
            + FlowLogSettings.describeDestination(other) + "); to delete it once the new one "
            + "exists, " + EnableVpcFlowLogs.Type.REPLACE_EXISTING.advice("true",
                "replaceExisting()"));
      }
    }
    return plan.build();
  }
}
