package dev.remediate.ec2;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.aws.AwsNames;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Tag;

/** Helpers shared by the network remediations of this package: ids, CIDRs, tags, error codes. */
final class NetworkSupport {
  /** EC2 accepts up to 200 values in one filter. */
  static final int FILTER_VALUES = 200;

  private NetworkSupport() {}

  /**
   * Checks ids with one of {@link AwsNames}' checks, e.g. {@code AwsNames::vpcId}.
   *
   * @return the ids, sorted, without duplicates
   */
  static List<String> requireIds(@Nullable Collection<String> ids,
      java.util.function.UnaryOperator<String> check, String what) {
    if (ids == null || ids.isEmpty()) {
      throw new InvalidRemediationException("At least one " + what + " id is needed");
    }
    Set<String> sorted = new TreeSet<>();
    for (String id : ids) {
      sorted.add(check.apply(id));
    }
    return List.copyOf(sorted);
  }

  static Map<String, String> tags(@Nullable List<Tag> tags) {
    Map<String, String> map = new TreeMap<>();
    if (tags != null) {
      tags.forEach(t -> map.put(t.key(), t.value() == null ? "" : t.value()));
    }
    return map;
  }

  static Filter filter(String name, Collection<String> values) {
    return Filter.builder().name(name).values(values).build();
  }

  static <T> List<List<T>> chunks(List<T> items, int size) {
    List<List<T>> chunks = new ArrayList<>();
    for (int i = 0; i < items.size(); i += size) {
      chunks.add(items.subList(i, Math.min(items.size(), i + size)));
    }
    return chunks;
  }

  static String csv(Collection<String> values) {
    return String.join(",", values);
  }

  static List<String> splitCsv(@Nullable String csv) {
    if (csv == null || csv.isBlank()) {
      return List.of();
    }
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toList());
  }

  /**
   * Validates and normalises a CIDR block (IPv4 or IPv6). A bare address gets /32 or /128.
   *
   * @param value e.g. {@code 203.0.113.7}, {@code 10.0.0.0/8}, {@code 2001:db8::/32}
   * @param what what the value is, for the message
   * @return the CIDR with its network address, e.g. {@code 10.0.0.0/8}
   */
  static String requireCidr(@Nullable String value, String what) {
    if (value == null || value.isBlank()) {
      throw new InvalidRemediationException(what + " must be an IPv4 or IPv6 address or CIDR, was '"
          + value + "'");
    }
    String address = value;
    int prefix = -1;
    int slash = value.indexOf('/');
    if (slash >= 0) {
      address = value.substring(0, slash);
      try {
        prefix = Integer.parseInt(value.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new InvalidRemediationException(what + " '" + value + "' has a bad prefix length");
      }
    }
    boolean v6 = address.contains(":");
    boolean v4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    if (!v4 && !(v6 && address.matches("[0-9A-Fa-f:.]+"))) {
      throw new InvalidRemediationException(what + " '" + value
          + "' is not an IPv4 or IPv6 address or CIDR");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new InvalidRemediationException(what + " '" + value + "' is not a valid address", e);
    }
    int bits = bytes.length * 8;
    if ((v4 && bytes.length != 4) || (v6 && bytes.length != 16)) {
      throw new InvalidRemediationException(what + " '" + value + "' is not a valid address");
    }
    if (prefix == -1) {
      prefix = bits;
    }
    if (prefix < 0 || prefix > bits) {
      throw new InvalidRemediationException(what + " '" + value + "' has prefix length " + prefix
          + ", outside 0-" + bits);
    }
    for (int i = 0; i < bytes.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      bytes[i] = (byte) (bytes[i] & (0xff << (8 - keep)));
    }
    try {
      String network = InetAddress.getByAddress(bytes).getHostAddress();
      if (v6) {
        network = compressIpv6(network);
      }
      return network + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new InvalidRemediationException(what + " '" + value + "' is not a valid address", e);
    }
  }

  static boolean isIpv6(String cidr) {
    return cidr.contains(":");
  }

  /** Java prints 2001:db8:0:0:0:0:0:0; AWS and people write 2001:db8::. */
  private static String compressIpv6(String full) {
    String[] parts = full.split(":");
    int bestStart = -1;
    int bestLength = 0;
    for (int i = 0; i < parts.length; i++) {
      int j = i;
      while (j < parts.length && parts[j].equals("0")) {
        j++;
      }
      if (j - i > bestLength && j - i > 1) {
        bestStart = i;
        bestLength = j - i;
      }
      i = Math.max(i, j);
    }
    if (bestStart < 0) {
      return full;
    }
    String head = String.join(":", Arrays.asList(parts).subList(0, bestStart));
    String tail = String.join(":", Arrays.asList(parts).subList(bestStart + bestLength,
        parts.length));
    return head + "::" + tail;
  }
}
