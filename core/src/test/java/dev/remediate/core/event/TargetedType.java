package dev.remediate.core.event;

import dev.remediate.core.AbstractRemediationType;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationContext;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Step;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A test-only catalog type: {@code forTarget} takes ids with one of the given prefixes and keeps the
 * settings it was given whose keys start with {@code keep}, so routes and their settings can be
 * checked without the remediation modules.
 */
final class TargetedType extends AbstractRemediationType {
  private final List<String> prefixes;
  private final String keep;
  private final boolean regionWide;

  TargetedType(String id, List<String> controls, List<String> prefixes, String keep,
      boolean regionWide) {
    super(id, "test type " + id, controls, Set.of("test:Action"), EnumSet.noneOf(Flag.class));
    this.prefixes = prefixes;
    this.keep = keep;
    this.regionWide = regionWide;
  }

  static TargetedType of(String id, String... prefixes) {
    return new TargetedType(id, List.of(), List.of(prefixes), "-", false);
  }

  @Override
  public Remediation fromSpec(RemediationSpec spec) {
    return new Target(spec);
  }

  @Override
  public Optional<Remediation> forTarget(String resourceId, Map<String, String> settings) {
    if (prefixes.stream().noneMatch(resourceId::startsWith)) {
      return Optional.empty();
    }
    Map<String, String> parameters = new TreeMap<>();
    settings.forEach((k, v) -> {
      if (k.startsWith(keep)) {
        parameters.put(k, v);
      }
    });
    parameters.put("target", resourceId);
    return Optional.of(new Target(RemediationSpec.of(id(), parameters)));
  }

  @Override
  public Optional<Remediation> forRegion(Map<String, String> settings) {
    return regionWide ? Optional.of(new Target(RemediationSpec.of(id(), Map.of("target", "*"))))
        : Optional.empty();
  }

  /** A remediation equal by spec; never planned in these tests. */
  record Target(RemediationSpec spec) implements Remediation {
    @Override
    public String id() {
      return spec.id();
    }

    String target() {
      return spec.parameters().get("target");
    }

    @Override
    public Plan plan(RemediationContext context) {
      throw new UnsupportedOperationException("routing tests do not plan");
    }

    @Override
    public void execute(Step step, RemediationContext context) {
      throw new UnsupportedOperationException("routing tests do not apply");
    }
  }
}
