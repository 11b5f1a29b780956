package dev.remediate.cloudtrail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.InvalidRemediationException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParametersTest {
  @ParameterizedTest
  @ValueSource(strings = {"ture", "flase", "1", "0", "yes", "", "truee", "t"})
  void bool_notTrueOrFalse_refusedNamingParameterAndValue(String value) {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> Parameters.bool("validation", value, true));
    assertTrue(e.getMessage().contains("'validation'") && e.getMessage().contains("'" + value
        + "'"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "TRUE", "True"})
  void bool_true_anyCase(String value) {
    assertTrue(Parameters.bool("p", value, false));
    assertFalse(Parameters.bool("p", value.replace("rue", "alse").replace("RUE", "ALSE")
        .replace("T", "F").replace("t", "f"), true));
    assertTrue(Parameters.bool("p", null, true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ture", "treu", "tru", "flase", "fasle", "fals", "yes", "no", "off"})
  void nameOrBoolean_mistypedBoolean_refused(String value) {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> Parameters.nameOrBoolean(Map.of("k", value), "k", "default"));
    assertTrue(e.getMessage().contains("'k'") && e.getMessage().contains("'" + value + "'"),
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"CloudTrail/audit", "trail-logs", "audit", "truthful", "falsehood"})
  void nameOrBoolean_name_isTheName(String value) {
    assertEquals(Optional.of(value), Parameters.nameOrBoolean(Map.of("k", value), "k", "d"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", " TRUE "})
  void nameOrBoolean_true_isTheDefault(String value) {
    assertEquals(Optional.of("d"), Parameters.nameOrBoolean(Map.of("k", value), "k", "d"));
    assertEquals(Optional.empty(), Parameters.nameOrBoolean(Map.of("k", "false"), "k", "d"));
    assertEquals(Optional.empty(), Parameters.nameOrBoolean(Map.of(), "k", "d"));
  }
}
