package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationType;
import dev.remediate.core.plan.RemediationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One test over the whole catalog: every remediation a type builds from scan settings (its
 * region-wide form, its forms for chosen resources) is rebuilt from its spec into an equal
 * remediation with the same spec, as a saved plan is rebuilt in another process.
 */
class CatalogSpecRoundTripTest {
  private static final String ACCOUNT = "111122223333";
  /** Settings as a configuration file gives them, enough for every type's forms. */
  private static final Map<String, String> SETTINGS = Map.ofEntries(
      Map.entry("flowLogs.s3Bucket", "org-flow-logs"),
      Map.entry("securityGroups.ports", "22,3389"),
      Map.entry("encryption.kmsKey",
          "arn:aws:kms:us-east-1:" + ACCOUNT + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"),
      Map.entry("trail.s3Bucket", "org-trail"),
      Map.entry("trail.name", "org-trail"),
      Map.entry("trail.cloudWatchLogs", "true"),
      Map.entry("config.s3Bucket", "org-config"),
      Map.entry("alarms.snsTopic", "security-alarms"),
      Map.entry("blockIp.address", "203.0.113.7"),
      Map.entry("unblockIp.address", "203.0.113.7"),
      Map.entry("resize.instanceType", "t3.large"));
  /** One resource of each kind a type may be given with --target. */
  private static final List<String> TARGETS = List.of("vpc-0abc1234", "sg-0abc1234",
      "subnet-0abc1234", "i-0abc1234def567890", "vol-0abc1234", "AKIAIOSFODNN7EXAMPLE",
      "alice");

  static Stream<String> types() {
    return RemediationCatalog.load().types().stream().map(RemediationType::id).sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void everyFormOfEveryType_roundTripsThroughItsSpec(String id) {
    RemediationType type = RemediationCatalog.load().require(id);
    List<Remediation> forms = new ArrayList<>();
    type.forRegion(SETTINGS).ifPresent(forms::add);
    for (String target : TARGETS) {
      type.forTarget(target, SETTINGS).ifPresent(forms::add);
    }
    assertFalse(forms.isEmpty(), id + " has neither a region-wide form nor a form for one of "
        + TARGETS + " with the settings " + SETTINGS.keySet());
    for (Remediation remediation : forms) {
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
