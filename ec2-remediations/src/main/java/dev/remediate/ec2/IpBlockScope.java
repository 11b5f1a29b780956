package dev.remediate.ec2;

import static dev.remediate.ec2.NetworkSupport.csv;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationException;
import dev.remediate.core.Setting;
import dev.remediate.core.aws.AwsNames;
import dev.remediate.core.plan.SpecKind;
import dev.remediate.core.plan.SpecTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;

/**
 * Where a block applies: one CIDR, and either a VPC or a set of subnets. The checks and reads
 * shared by {@link BlockIpAddress} and {@link UnblockIpAddress}, which hold these values and give
 * them here ({@code scope()}); a record, so that none of this becomes part of their public API.
 *
 * @param cidr the CIDR, normalised (a bare address is /32 or /128)
 * @param vpcId the VPC, or null when subnets are named
 * @param subnetIds the subnets, sorted, or empty when a VPC is named
 */
record IpBlockScope(String cidr, @Nullable String vpcId, List<String> subnetIds) {
  /**
   * Checks a scope's values: a CIDR, and either a VPC or subnets, each a well-formed id.
   *
   * @return the normalised scope
   * @throws InvalidRemediationException naming the bad value
   */
  static IpBlockScope checked(@Nullable String cidr, @Nullable String vpcId,
      List<String> subnetIds) {
    String normal = NetworkSupport.requireCidr(cidr, "Address to block");
    if ((vpcId == null) == subnetIds.isEmpty()) {
      throw new InvalidRemediationException("Name either a VPC (inVpc) or subnets (inSubnets) "
          + "for address " + cidr + ", not both and not neither");
    }
    if (vpcId != null) {
      return new IpBlockScope(normal, AwsNames.vpcId(vpcId), List.of());
    }
    return new IpBlockScope(normal, null,
        NetworkSupport.requireIds(subnetIds, AwsNames::subnetId, "subnet"));
  }

  /**
   * The spec parameters of a scope, shared by {@link BlockIpAddress} and
   * {@link UnblockIpAddress}: {@code address}, and {@code vpc} or {@code subnets}.
   */
  static <R extends Remediation, B> SpecTable.Builder<R, B> spec(String id,
      Function<R, IpBlockScope> scope, Function<String, B> of, BiConsumer<B, String> inVpc,
      BiConsumer<B, String[]> inSubnets) {
    return SpecTable.<R, B>of(id)
        .start("address", SpecKind.aws(AwsNames::cidr), r -> scope.apply(r).cidr(), of)
        .optional("vpc", SpecKind.aws(AwsNames::vpcId), r -> scope.apply(r).vpcId(), inVpc)
        .optional("subnets", SpecKind.list(SpecKind.aws(AwsNames::subnetId)),
            r -> scope.apply(r).vpcId() != null ? null : scope.apply(r).subnetIds(),
            (b, subnets) -> inSubnets.accept(b, subnets.toArray(String[]::new)));
  }

  String targetId() {
    return vpcId != null ? vpcId : csv(subnetIds);
  }

  /**
   * The address setting for a {@code --target}: empty when the id is not a VPC or subnet id, or
   * when the setting is absent; the CIDR (checked with {@link AwsNames#cidr}) otherwise.
   *
   * @throws InvalidRemediationException naming the setting or the id when one is malformed
   */
  static Optional<String> targetCidr(String resourceId, Setting address,
      Map<String, String> settings) {
    if (!resourceId.startsWith("vpc-") && !resourceId.startsWith("subnet-")) {
      return Optional.empty();
    }
    if (resourceId.startsWith("vpc-")) {
      AwsNames.vpcId(resourceId);
    } else {
      AwsNames.subnetId(resourceId);
    }
    return address.valueIn(settings, AwsNames::cidr);
  }

  String tagKey() {
    return BlockIpAddress.TAG_PREFIX + cidr;
  }

  boolean ipv6() {
    return NetworkSupport.isIpv6(cidr);
  }

  /** The ACLs associated with the VPC's subnets or with the given subnets: one call, paginated. */
  List<NetworkAcl> describeAcls(Ec2Client ec2) {
    List<NetworkAcl> acls = new ArrayList<>();
    if (vpcId != null) {
      ec2.describeNetworkAclsPaginator(r -> r.filters(NetworkSupport.filter("vpc-id",
          List.of(vpcId)))).networkAcls().forEach(acls::add);
      acls.removeIf(a -> a.associations().isEmpty());
      if (acls.isEmpty()) {
        throw new RemediationException("VPC " + vpcId + " has no network ACL associated with a "
            + "subnet (or does not exist)");
      }
    } else {
      ec2.describeNetworkAclsPaginator(r -> r.filters(NetworkSupport.filter(
          "association.subnet-id", subnetIds))).networkAcls().forEach(acls::add);
      Set<String> missing = new TreeSet<>(subnetIds);
      acls.forEach(a -> a.associations().forEach(s -> missing.remove(s.subnetId())));
      if (!missing.isEmpty()) {
        throw new RemediationException("Subnet(s) " + missing + " not found (no network ACL is "
            + "associated with them)");
      }
    }
    acls.sort(Comparator.comparing(NetworkAcl::networkAclId));
    return acls;
  }

  boolean matches(NetworkAclEntry e) {
    return cidr.equals(ipv6() ? normalise(e.ipv6CidrBlock()) : normalise(e.cidrBlock()));
  }

  static @Nullable String normalise(@Nullable String cidr) {
    return cidr == null ? null : NetworkSupport.requireCidr(cidr, "ACL entry");
  }
}
