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
 * Where a block applies: one CIDR, and either a VPC or a set of subnets. The attributes, checks
 * and reads shared by {@link BlockIpAddress} and {@link UnblockIpAddress}, both of which are one.
 */
interface IpBlockScope {
  /** @return the CIDR, normalised (a bare address is /32 or /128) */
  String cidr();

  /** @return the VPC, or null when subnets are named */
  @Nullable String vpcId();

  /** @return the subnets, sorted, or empty when a VPC is named */
  List<String> subnetIds();

  /**
   * Checks a scope: a CIDR, and either a VPC or subnets, each a well-formed id.
   *
   * @param scope the value checked
   * @return {@code scope} itself when already normalised, else its normalised values
   * @throws InvalidRemediationException naming the bad value
   */
  static IpBlockScope normalised(IpBlockScope scope) {
    String cidr = NetworkSupport.requireCidr(scope.cidr(), "Address to block");
    String vpcId = scope.vpcId();
    if ((vpcId == null) == scope.subnetIds().isEmpty()) {
      throw new InvalidRemediationException("Name either a VPC (inVpc) or subnets (inSubnets) "
          + "for address " + scope.cidr() + ", not both and not neither");
    }
    List<String> subnets = vpcId != null ? List.of()
        : NetworkSupport.requireIds(scope.subnetIds(), AwsNames::subnetId, "subnet");
    if (vpcId != null) {
      AwsNames.vpcId(vpcId);
    }
    if (cidr.equals(scope.cidr()) && subnets.equals(scope.subnetIds())) {
      return scope;
    }
    return new Normalised(cidr, vpcId, subnets);
  }

  /** A scope's normalised values, to copy into a remediation's generated class. */
  record Normalised(String cidr, @Nullable String vpcId, List<String> subnetIds)
      implements IpBlockScope {}

  /**
   * The spec parameters of a scope, shared by {@link BlockIpAddress} and
   * {@link UnblockIpAddress}: {@code address}, and {@code vpc} or {@code subnets}.
   */
  static <R extends Remediation & IpBlockScope, B> SpecTable.Builder<R, B> spec(String id,
      Function<String, B> of, BiConsumer<B, String> inVpc, BiConsumer<B, String[]> inSubnets) {
    return SpecTable.<R, B>of(id)
        .start("address", SpecKind.aws(AwsNames::cidr), IpBlockScope::cidr, of)
        .optional("vpc", SpecKind.aws(AwsNames::vpcId), IpBlockScope::vpcId, inVpc)
        .optional("subnets", SpecKind.list(SpecKind.aws(AwsNames::subnetId)),
            r -> r.vpcId() != null ? null : r.subnetIds(),
            (b, subnets) -> inSubnets.accept(b, subnets.toArray(String[]::new)));
  }

  default String targetId() {
    String vpcId = vpcId();
    return vpcId != null ? vpcId : csv(subnetIds());
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

  default String tagKey() {
    return BlockIpAddress.TAG_PREFIX + cidr();
  }

  default boolean ipv6() {
    return NetworkSupport.isIpv6(cidr());
  }

  /** The ACLs associated with the VPC's subnets or with the given subnets: one call, paginated. */
  default List<NetworkAcl> describeAcls(Ec2Client ec2) {
    List<NetworkAcl> acls = new ArrayList<>();
    String vpcId = vpcId();
    List<String> subnetIds = subnetIds();
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

  default boolean matches(NetworkAclEntry e) {
    return cidr().equals(ipv6() ? normalise(e.ipv6CidrBlock()) : normalise(e.cidrBlock()));
  }

  static @Nullable String normalise(@Nullable String cidr) {
    return cidr == null ? null : NetworkSupport.requireCidr(cidr, "ACL entry");
  }
}
