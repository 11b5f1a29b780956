package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.InvalidRemediationException;
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
  private static final Pattern BOOLEAN = Pattern.compile("true|false");
  private static final Pattern NUMBER = Pattern.compile("\\d+");
  private static final Pattern EC2_IDS =
      Pattern.compile("[a-z]+-[0-9a-f]{8,17}(,[a-z]+-[0-9a-f]{8,17})*");
  private static final Pattern ACCESS_KEY = Pattern.compile("(AKIA|ASIA)[A-Z0-9]{16}");
  private static final Pattern CIDRS =
      Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+(,\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+)*");

  static Stream<String> types() {
    return CatalogForms.types();
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
    for (RemediationSpec spec : CatalogForms.specs(type)) {
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
    for (RemediationSpec spec : CatalogForms.specs(type)) {
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
      for (RemediationSpec spec : CatalogForms.specs(type)) {
        spec.parameters().values().forEach(v -> typo(v).ifPresent(typos::add));
      }
    }
    for (String kind : List.of("ture", "flase", "O", "g", "arm:", "akia", "300.")) {
      assertTrue(typos.stream().anyMatch(t -> t.contains(kind)), kind + " in " + typos);
    }
  }
}
