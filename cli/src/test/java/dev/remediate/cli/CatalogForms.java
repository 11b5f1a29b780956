package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationType;
import dev.remediate.core.plan.RemediationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every form of every catalog type a scan can build: its region-wide form and its forms for chosen
 * resources, from settings as a configuration file gives them and one resource of each kind
 * {@code --target} takes. The catalog-wide spec tests run over them.
 */
final class CatalogForms {
  private static final String ACCOUNT = "111122223333";
  /** Settings as a configuration file gives them, enough for every type's forms. */
  static final Map<String, String> SETTINGS = Map.ofEntries(
      Map.entry("flowLogs.s3Bucket", "org-flow-logs"),
      Map.entry("securityGroups.ports", "22,3389"),
      Map.entry("securityGroups.allowedSources", "10.0.0.0/8"),
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
  static final List<String> TARGETS = List.of("vpc-0abc1234", "sg-0abc1234",
      "subnet-0abc1234", "i-0abc1234def567890", "vol-0abc1234", "AKIAIOSFODNN7EXAMPLE",
      "alice");

  private CatalogForms() {}

  /** @return every catalog id, sorted (a parameterised test's source) */
  static Stream<String> types() {
    return RemediationCatalog.load().types().stream().map(RemediationType::id).sorted();
  }

  /**
   * @param type a catalog type
   * @return its forms built from {@link #SETTINGS} and {@link #TARGETS}; fails when there is none
   */
  static List<Remediation> of(RemediationType type) {
    List<Remediation> forms = new ArrayList<>();
    type.forRegion(SETTINGS).ifPresent(forms::add);
    for (String target : TARGETS) {
      type.forTarget(target, SETTINGS).ifPresent(forms::add);
    }
    assertFalse(forms.isEmpty(), type.id() + " has neither a region-wide form nor a form for one "
        + "of " + TARGETS + " with the settings " + SETTINGS.keySet());
    return forms;
  }

  /**
   * @param type a catalog type
   * @return the specs of its forms ({@link #of})
   */
  static List<RemediationSpec> specs(RemediationType type) {
    return of(type).stream().map(Remediation::spec).toList();
  }
}
