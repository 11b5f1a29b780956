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

  @Override
  public String toString() {
    return id() + parameters();
  }
}
