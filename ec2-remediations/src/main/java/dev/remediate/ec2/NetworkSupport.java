package dev.remediate.ec2;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.aws.AwsNames;
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
   * Validates and normalises an address or CIDR block (IPv4 or IPv6) with
   * {@link AwsNames#network}: a bare address gets /32 or /128, host bits are cleared.
   *
   * @param value e.g. {@code 203.0.113.7}, {@code 10.0.0.0/8}, {@code 2001:db8::/32}
   * @param what what the value is, for the message
   * @return the CIDR with its network address, e.g. {@code 10.0.0.0/8}
   * @throws InvalidRemediationException naming what the value is and the value
   */
  static String requireCidr(@Nullable String value, String what) {
    try {
      return AwsNames.network(value);
    } catch (InvalidRemediationException e) {
      throw new InvalidRemediationException(what + ": " + e.getMessage(), e);
    }
  }

  static boolean isIpv6(String cidr) {
    return cidr.contains(":");
  }
}
