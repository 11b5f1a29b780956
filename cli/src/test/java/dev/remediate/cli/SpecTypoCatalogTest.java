package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.Remediation;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.RemediationType;
import dev.remediate.core.plan.RemediationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One test over the whole catalog: in a valid spec of every type (its region-wide form and its
 * forms for chosen resources), a typo in any boolean, whole-number, id, ARN or CIDR parameter, as a
 * person editing a saved plan makes it, is refused with a message naming the parameter and the
 * value; so is a parameter name the type does not know.
 */
class SpecTypoCatalogTest {
  private static final String ACCOUNT = "111122223333";
  /** Settings as a configuration file gives them, enough for every type's forms. */
  private static final Map<String, String> SETTINGS = Map.ofEntries(
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
  private static final List<String> TARGETS = List.of("vpc-0abc1234", "sg-0abc1234",
      "subnet-0abc1234", "i-0abc1234def567890", "vol-0abc1234", "AKIAIOSFODNN7EXAMPLE",
      "alice");
  private static final Pattern BOOLEAN = Pattern.compile("true|false");
  private static final Pattern NUMBER = Pattern.compile("\\d+");
  private static final Pattern EC2_IDS =
      Pattern.compile("[a-z]+-[0-9a-f]{8,17}(,[a-z]+-[0-9a-f]{8,17})*");
  private static final Pattern ACCESS_KEY = Pattern.compile("(AKIA|ASIA)[A-Z0-9]{16}");
  private static final Pattern CIDRS =
      Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+(,\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+)*");

  static Stream<String> types() {
    return RemediationCatalog.load().types().stream().map(RemediationType::id).sorted();
  }

  /** @return the specs of every form of a type built from the settings and targets */
  private static List<RemediationSpec> validSpecs(RemediationType type) {
    List<Remediation> forms = new ArrayList<>();
    type.forRegion(SETTINGS).ifPresent(forms::add);
    for (String target : TARGETS) {
      type.forTarget(target, SETTINGS).ifPresent(forms::add);
    }
    assertFalse(forms.isEmpty(), type.id() + " has no form with the settings and targets");
    return forms.stream().map(Remediation::spec).toList();
  }

  /**
   * A typo of a value as a person makes it, or empty when the value is of no kind checked here
   * (a free name, a word).
   */
  static Optional<String> typo(String value) {
    if (BOOLEAN.matcher(value).matches()) {
      return Optional.of(value.equals("true") ? "ture" : "flase");
    }
    if (NUMBER.matcher(value).matches()) {
      return Optional.of(value + "O");
    }
    if (EC2_IDS.matcher(value).matches()) {
      return Optional.of(value + "g");
    }
    if (ACCESS_KEY.matcher(value).matches()) {
      return Optional.of(value.toLowerCase(java.util.Locale.ROOT));
    }
    if (value.startsWith("arn:")) {
      return Optional.of("arm:" + value.substring(4));
    }
    if (CIDRS.matcher(value).matches()) {
      return Optional.of(value.replaceFirst("^\\d+", "300"));
    }
    return Optional.empty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void aTypoInAnyCheckedParameter_isRefusedNamingTheParameterAndTheValue(String id) {
    RemediationType type = RemediationCatalog.load().require(id);
    for (RemediationSpec spec : validSpecs(type)) {
      type.fromSpec(spec); // the valid spec is accepted
      for (Map.Entry<String, String> parameter : spec.parameters().entrySet()) {
        Optional<String> typo = typo(parameter.getValue());
        if (typo.isEmpty()) {
          continue;
        }
        Map<String, String> edited = new TreeMap<>(spec.parameters());
        edited.put(parameter.getKey(), typo.get());
        String message = assertThrows(InvalidRemediationException.class,
            () -> type.fromSpec(RemediationSpec.of(id, edited)),
            parameter.getKey() + "=" + typo.get() + " in " + spec).getMessage();
        assertTrue(message.contains("'" + parameter.getKey() + "'")
            && message.contains("'" + typo.get() + "'"), message);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("types")
  void anUnknownParameterName_isRefusedNamingIt(String id) {
    RemediationType type = RemediationCatalog.load().require(id);
    for (RemediationSpec spec : validSpecs(type)) {
      Map<String, String> edited = new TreeMap<>(spec.parameters());
      edited.put("unknownParameter", "x");
      String message = assertThrows(InvalidRemediationException.class,
          () -> type.fromSpec(RemediationSpec.of(id, edited)), "unknownParameter in " + spec)
          .getMessage();
      assertTrue(message.contains("'unknownParameter'") && message.contains(id), message);
    }
  }

  /** The test above is not vacuous: the catalog's specs hold values of every kind typed here. */
  @Test
  void theCatalogsSpecs_holdEveryKindOfValueTyped() {
    List<String> typos = new ArrayList<>();
    for (RemediationType type : RemediationCatalog.load().types()) {
      for (RemediationSpec spec : validSpecs(type)) {
        spec.parameters().values().forEach(v -> typo(v).ifPresent(typos::add));
      }
    }
    for (String kind : List.of("ture", "flase", "O", "g", "arm:", "akia", "300.")) {
      assertTrue(typos.stream().anyMatch(t -> t.contains(kind)), kind + " in " + typos);
    }
  }
}
