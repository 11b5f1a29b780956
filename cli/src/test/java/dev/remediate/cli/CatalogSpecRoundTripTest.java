package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationType;
import dev.remediate.core.plan.RemediationSpec;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One test over the whole catalog: every remediation a type builds from scan settings (its
 * region-wide form, its forms for chosen resources) is rebuilt from its spec into an equal
 * remediation with the same spec, as a saved plan is rebuilt in another process.
 */
class CatalogSpecRoundTripTest {
  static Stream<String> types() {
    return CatalogForms.types();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void everyFormOfEveryType_roundTripsThroughItsSpec(String id) {
    RemediationType type = RemediationCatalog.load().require(id);
    for (Remediation remediation : CatalogForms.of(type)) {
      RemediationSpec spec = remediation.spec();
      assertEquals(id, spec.id());
      Remediation rebuilt = type.fromSpec(spec);
      assertEquals(spec, rebuilt.spec(), "spec of the rebuilt " + remediation);
      assertEquals(remediation, rebuilt, "rebuilt from " + spec);
      assertEquals(rebuilt, RemediationCatalog.load().fromSpec(RemediationSpec.of(spec.id(),
          spec.parameters())), "through the catalog");
    }
  }
}
