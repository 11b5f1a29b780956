package dev.remediate.ec2;

import java.util.Locale;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

/**
 * One security group rule, inbound or outbound, as the restricting remediations reason about it:
 * one protocol, one port range, one source. Protocols are normalised ({@code 6} is {@code tcp});
 * ports of an all-traffic rule are 0-65535.
 */
record GroupRule(String id, String groupId, boolean egress, String protocol, int fromPort,
    int toPort, @Nullable String cidrIpv4, @Nullable String cidrIpv6, @Nullable String prefixListId,
    @Nullable String referencedGroupId) {

  static GroupRule of(SecurityGroupRule r) {
    String protocol = normaliseProtocol(r.ipProtocol());
    boolean ports = hasPorts(protocol);
    int from = ports && r.fromPort() != null && r.fromPort() >= 0 ? r.fromPort() : 0;
    int to = ports && r.toPort() != null && r.toPort() >= 0 ? r.toPort() : 65535;
    if (!ports && !"-1".equals(protocol)) {
      from = r.fromPort() == null ? -1 : r.fromPort();
      to = r.toPort() == null ? -1 : r.toPort();
    }
    return new GroupRule(r.securityGroupRuleId(), r.groupId(), Boolean.TRUE.equals(r.isEgress()),
        protocol, from, to, r.cidrIpv4(), r.cidrIpv6(), r.prefixListId(),
        r.referencedGroupInfo() == null ? null : r.referencedGroupInfo().groupId());
  }

  static String normaliseProtocol(@Nullable String protocol) {
    if (protocol == null) {
      return "-1";
    }
    return switch (protocol.toLowerCase(Locale.ROOT)) {
      case "6" -> "tcp";
      case "17" -> "udp";
      case "1" -> "icmp";
      case "58" -> "icmpv6";
      case "132" -> "sctp";
      case "all" -> "-1";
      default -> protocol.toLowerCase(Locale.ROOT);
    };
  }

  /** @return true for protocols whose rules carry a port range */
  static boolean hasPorts(String protocol) {
    return "tcp".equals(protocol) || "udp".equals(protocol) || "sctp".equals(protocol);
  }

  boolean allTraffic() {
    return "-1".equals(protocol);
  }

  /** @return true when the source is the whole IPv4 or IPv6 internet (any {@code /0} block) */
  boolean openToWorld() {
    return (cidrIpv4 != null && cidrIpv4.endsWith("/0"))
        || (cidrIpv6 != null && cidrIpv6.endsWith("/0"));
  }

  /** @return the single source: a CIDR, a prefix list or a group */
  String source() {
    if (cidrIpv4 != null) {
      return cidrIpv4;
    }
    if (cidrIpv6 != null) {
      return cidrIpv6;
    }
    return prefixListId != null ? prefixListId : String.valueOf(referencedGroupId);
  }

  String portText() {
    if (allTraffic()) {
      return "all traffic";
    }
    if (!hasPorts(protocol)) {
      return protocol;
    }
    return protocol + " " + (fromPort == toPort ? String.valueOf(fromPort) : fromPort + "-" + toPort);
  }

  /** @return a deterministic one-line description, for plans and fingerprints */
  String describe() {
    return id + " " + groupId + (egress ? " egress " : " ingress ") + portText() + " from "
        + source();
  }
}
