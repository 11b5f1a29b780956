package dev.remediate.core.plan;

import java.util.Map;
import org.immutables.value.Value;

/**
 * The serialisable description of a remediation: its catalog id and the parameters that rebuild it.
 * A plan carries its spec so that it can be applied in another process
 * ({@link dev.remediate.core.RemediationCatalog#fromSpec(RemediationSpec)}).
 *
 * <pre>{@code
 * RemediationSpec spec = RemediationSpec.of("ec2.default-security-group",
 *     Map.of("vpcId", "vpc-0abc1234"));
 * String vpcId = spec.require("vpcId");
 * Remediation remediation = RemediationCatalog.load().fromSpec(spec);
 * }</pre>
 */
@Value.Immutable
public abstract class RemediationSpec {
  /** @return the stable catalog id, e.g. {@code ec2.default-security-group} */
  public abstract String id();

  /** @return the parameters, by name; list values are comma-separated */
  @Value.NaturalOrder
  public abstract java.util.SortedMap<String, String> parameters();

  /**
   * Creates a spec.
   *
   * @param id catalog id
   * @param parameters parameters by name
   * @return the spec
   */
  public static RemediationSpec of(String id, Map<String, String> parameters) {
    return ImmutableRemediationSpec.builder().id(id).putAllParameters(parameters).build();
  }

  /**
   * Returns a parameter or fails naming it.
   *
   * @param name parameter name
   * @return its value
   * @throws dev.remediate.core.InvalidRemediationException when absent
   */
  public String require(String name) {
    String value = parameters().get(name);
    if (value == null) {
      throw new dev.remediate.core.InvalidRemediationException(
          "Remediation spec " + id() + " lacks parameter '" + name + "'");
    }
    return value;
  }

  /**
   * Returns a parameter or a default.
   *
   * @param name parameter name
   * @param defaultValue value when absent
   * @return the value
   */
  public String get(String name, String defaultValue) {
    return parameters().getOrDefault(name, defaultValue);
  }

  /**
   * A boolean parameter, parsed strictly: only {@code true} or {@code false} (any case); a typo
   * such as {@code ture} is refused, never read as false.
   *
   * @param name parameter name
   * @param defaultValue value when absent
   * @return the value
   * @throws dev.remediate.core.InvalidRemediationException naming the parameter and the value
   */
  public boolean getBoolean(String name, boolean defaultValue) {
    String value = parameters().get(name);
    if (value == null) {
      return defaultValue;
    }
    return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(name, value, "true or false");
    };
  }

  /**
   * An integer parameter, parsed strictly.
   *
   * @param name parameter name
   * @param defaultValue value when absent
   * @return the value
   * @throws dev.remediate.core.InvalidRemediationException naming the parameter and the value
   */
  public int getInt(String name, int defaultValue) {
    String value = parameters().get(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw invalid(name, value, "a whole number");
    }
  }

  /**
   * A list parameter: comma-separated, each item stripped, empty items refused.
   *
   * @param name parameter name
   * @return the items; empty when the parameter is absent or empty
   * @throws dev.remediate.core.InvalidRemediationException naming the parameter and the value
   */
  public java.util.List<String> getList(String name) {
    String value = parameters().get(name);
    if (value == null || value.isBlank()) {
      return java.util.List.of();
    }
    java.util.List<String> items = new java.util.ArrayList<>();
    for (String item : value.split(",", -1)) {
      if (item.isBlank()) {
        throw invalid(name, value, "comma-separated values without empty items");
      }
      items.add(item.strip());
    }
    return java.util.List.copyOf(items);
  }

  private dev.remediate.core.InvalidRemediationException invalid(String name, String value,
      String expected) {
    return new dev.remediate.core.InvalidRemediationException("Remediation spec " + id()
        + ": parameter '" + name + "' is '" + value + "', expected " + expected);
  }

  @Override
  public String toString() {
    return id() + parameters();
  }
}
