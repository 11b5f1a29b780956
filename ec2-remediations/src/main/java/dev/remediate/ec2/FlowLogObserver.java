package dev.remediate.ec2;

import dev.remediate.core.RemediationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.FlowLog;
import software.amazon.awssdk.services.ec2.model.Vpc;

/**
 * The reads of {@link EnableVpcFlowLogs} about VPCs: the VPCs ({@code DescribeVpcs}, 1000 a page,
 * filtered by id for a short list) and their flow logs (one paginated {@code DescribeFlowLogs},
 * filtered by {@code resource-id} for a short list, else for the whole region).
 */
final class FlowLogObserver {
  private FlowLogObserver() {}

  /** What was read: each VPC with its tags and flow logs, by VPC id. */
  record Observation(List<VpcState> vpcs) {
    Observation {
      vpcs = vpcs.stream().sorted(Comparator.comparing(VpcState::vpcId)).toList();
    }
  }

  /** One VPC as read. */
  record VpcState(String vpcId, Map<String, String> tags, List<FlowLog> flowLogs) {
    VpcState {
      tags = Map.copyOf(tags);
      flowLogs = List.copyOf(flowLogs);
    }
  }

  /**
   * Reads the VPCs and their flow logs.
   *
   * @param ec2 the client
   * @param vpcIds the VPCs, or null for every VPC of the region
   * @return the observation
   * @throws RemediationException when a listed VPC does not exist
   */
  static Observation observe(Ec2Client ec2, @Nullable List<String> vpcIds) {
    List<Vpc> vpcs = describeVpcs(ec2, vpcIds);
    Map<String, List<FlowLog>> logs = describeFlowLogs(ec2, vpcIds);
    return new Observation(vpcs.stream().map(v -> new VpcState(v.vpcId(),
        NetworkSupport.tags(v.tags()), logs.getOrDefault(v.vpcId(), List.of()))).toList());
  }

  private static List<Vpc> describeVpcs(Ec2Client ec2, @Nullable List<String> vpcIds) {
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

  private static Map<String, List<FlowLog>> describeFlowLogs(Ec2Client ec2,
      @Nullable List<String> vpcIds) {
    Map<String, List<FlowLog>> byVpc = new TreeMap<>();
    boolean regionWide = vpcIds == null || vpcIds.size() > NetworkSupport.FILTER_VALUES;
    ec2.describeFlowLogsPaginator(r -> {
      r.maxResults(1000);
      if (!regionWide) {
        r.filter(NetworkSupport.filter("resource-id", vpcIds));
      }
    }).flowLogs().forEach(f -> byVpc.computeIfAbsent(f.resourceId(), k -> new ArrayList<>())
        .add(f));
    return byVpc;
  }
}
