package dev.remediate.ec2;

import dev.remediate.core.RemediationContext;
import dev.remediate.core.RemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Step;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateFlowLogsRequest;
import software.amazon.awssdk.services.ec2.model.FlowLog;
import software.amazon.awssdk.services.ec2.model.FlowLogsResourceType;
import software.amazon.awssdk.services.ec2.model.UnsuccessfulItem;

/**
 * The steps of {@link EnableVpcFlowLogs} on VPCs: {@code CreateFlowLogs} (one per VPC, carried out
 * for many VPCs with one call) and, when replacing, {@code DeleteFlowLogs} of the old flow log (per
 * VPC, after the new one exists).
 */
final class FlowLogSteps {
  static final String CREATE = "CreateFlowLogs";
  static final String DELETE = "DeleteFlowLogs";
  private static final String VPC_ID = "vpcId";

  private FlowLogSteps() {}

  /**
   * The creation of one VPC's flow log. Its parameters are exactly what the call needs, so steps of
   * VPCs with equal settings differ only in {@code vpcId}.
   */
  static Step create(FlowLogSettings s, String vpcId, String account) {
    Map<String, String> p = new TreeMap<>();
    p.put(VPC_ID, vpcId);
    p.put("trafficType", s.trafficType().name());
    if (s.toS3()) {
      p.put("destinationType", "s3");
      p.put("destination", s.s3Destination());
    } else {
      p.put("destinationType", "cloud-watch-logs");
      p.put("logGroupName", s.logGroup());
      p.put("deliverLogsPermissionArn", s.roleArn(account));
    }
    if (s.logFormat() != null) {
      p.put("logFormat", s.logFormat());
    }
    if (s.maxAggregationInterval() != null) {
      p.put("maxAggregationInterval", s.maxAggregationInterval().toString());
    }
    return Step.builder().kind(CREATE).action(Action.ADD).resource(vpcId)
        .summary("create a flow log of " + s.trafficType() + " traffic to " + s.destinationText())
        .after(s.trafficType() + " -> " + s.destinationText()).putAllParameters(p).build();
  }

  /** The deletion of a flow log that the new one replaces; destructive. */
  static Step delete(FlowLog old) {
    return Step.builder().kind(DELETE).action(Action.REMOVE).resource(old.flowLogId())
        .summary("delete the flow log it replaces on " + old.resourceId())
        .before(old.trafficTypeAsString() + " -> " + FlowLogSettings.describeDestination(old))
        .addFlags(Flag.DESTRUCTIVE).putParameters(VPC_ID, old.resourceId()).build();
  }

  /** @return for a creation, every parameter but the VPC id; deletions run alone */
  static Optional<String> batchKey(Step step) {
    if (!CREATE.equals(step.kind())) {
      return Optional.empty();
    }
    Map<String, String> rest = new TreeMap<>(step.parameters());
    rest.remove(VPC_ID);
    return Optional.of(rest.toString());
  }

  /**
   * Creates the flow logs of steps sharing a batch key: one call per
   * {@value EnableVpcFlowLogs#MAX_VPCS_PER_CALL} VPCs, with a client token from the steps.
   * {@code Unsuccessful} entries fail their VPC's step only; {@code FlowLogAlreadyExists} is done.
   */
  static Map<Step, RuntimeException> createAll(List<Step> steps, RemediationContext context) {
    Map<Step, RuntimeException> failures = new HashMap<>();
    for (List<Step> chunk : NetworkSupport.chunks(steps, EnableVpcFlowLogs.MAX_VPCS_PER_CALL)) {
      Map<String, Step> byVpc = new LinkedHashMap<>();
      chunk.forEach(s -> byVpc.put(s.parameter(VPC_ID), s));
      context.progress("creating flow logs for " + byVpc.size() + " VPC(s)", -1);
      List<UnsuccessfulItem> unsuccessful = ec2(context).createFlowLogs(
          request(chunk.get(0), List.copyOf(byVpc.keySet()), context.batchToken(chunk)))
          .unsuccessful();
      for (UnsuccessfulItem item : unsuccessful) {
        String code = item.error() == null ? "Unknown" : item.error().code();
        Step step = byVpc.get(item.resourceId());
        if (step != null && !"FlowLogAlreadyExists".equals(code)) {
          failures.put(step, new RemediationException("CreateFlowLogs failed for "
              + item.resourceId() + ": " + code + ": "
              + (item.error() == null ? "" : item.error().message())));
        }
      }
    }
    return failures;
  }

  private static CreateFlowLogsRequest request(Step first, List<String> vpcIds, String token) {
    Map<String, String> p = first.parameters();
    CreateFlowLogsRequest.Builder request = CreateFlowLogsRequest.builder().resourceIds(vpcIds)
        .resourceType(FlowLogsResourceType.VPC).trafficType(p.get("trafficType"))
        .logDestinationType(p.get("destinationType")).clientToken(token)
        .logFormat(p.get("logFormat"))
        .maxAggregationInterval(p.containsKey("maxAggregationInterval")
            ? Integer.valueOf(p.get("maxAggregationInterval")) : null);
    if (p.containsKey("destination")) {
      request.logDestination(p.get("destination"));
    } else {
      request.logGroupName(p.get("logGroupName"))
          .deliverLogsPermissionArn(p.get("deliverLogsPermissionArn"));
    }
    return request.build();
  }

  /** Deletes one replaced flow log; one already gone is done. */
  static void delete(Step step, RemediationContext context) {
    for (UnsuccessfulItem item : ec2(context).deleteFlowLogs(r -> r.flowLogIds(step.resource()))
        .unsuccessful()) {
      String code = item.error() == null ? "Unknown" : item.error().code();
      if (!code.startsWith("InvalidFlowLogId.NotFound")) {
        throw new RemediationException("DeleteFlowLogs failed for " + step.resource() + ": "
            + code + ": " + (item.error() == null ? "" : item.error().message()));
      }
    }
  }

  private static Ec2Client ec2(RemediationContext c) {
    return c.scope().client(Ec2Client.class, Ec2Client::builder);
  }
}
