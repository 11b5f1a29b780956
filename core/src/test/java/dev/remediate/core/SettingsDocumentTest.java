package dev.remediate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsDocumentTest {
  @Test
  void parseJson_nestedObjectsAndLists_becomeDottedKeysAndCommaSeparatedValues() {
    assertEquals(Map.of("flowLogs.s3Bucket", "my-flow-logs", "flowLogs.trafficType", "REJECT",
        "securityGroups.ports", "22,3389", "dryRun", "true"),
        SettingsDocument.parseJson("{\"flowLogs\": {\"s3Bucket\": \"my-flow-logs\", "
            + "\"trafficType\": \"REJECT\", \"logGroup\": null}, \"securityGroups\": "
            + "{\"ports\": [22, 3389]}, \"dryRun\": true}", "REMEDIATE_SETTINGS"));
  }

  @Test
  void parseJson_emptyOrNull_isNoSettings() {
    assertEquals(Map.of(), SettingsDocument.parseJson("null", "S"));
    assertEquals(Map.of(), SettingsDocument.parseJson("", "S"));
    assertEquals(Map.of(), SettingsDocument.parseJson("{}", "S"));
  }

  @Test
  void parseJson_damaged_namesSourceLineAndColumn() {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> SettingsDocument.parseJson("{\"flowLogs\": {\"s3Bucket\": }", "REMEDIATE_SETTINGS"));
    assertTrue(e.getMessage().startsWith("REMEDIATE_SETTINGS is not valid JSON (line 1, column "),
        e.getMessage());
  }

  @Test
  void parseJson_notAnObject_isRefusedWithAnExample() {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> SettingsDocument.parseJson("[1, 2]", "REMEDIATE_SETTINGS"));
    assertEquals("REMEDIATE_SETTINGS must be an object of settings, e.g. "
        + "{\"flowLogs\": {\"s3Bucket\": \"my-bucket\"}}", e.getMessage());
  }

  @Test
  void parseJson_listOfObjects_isRefusedNamingTheKey() {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> SettingsDocument.parseJson("{\"securityGroups\": {\"ports\": [{\"p\": 22}]}}",
            "config remediate.json"));
    assertEquals("config remediate.json: 'securityGroups.ports' must be a list of plain values",
        e.getMessage());
  }

  @Test
  void declared_includesSignalSettings() {
    Map<String, Setting> declared = SettingsDocument.declared(RemediationCatalog.load());
    dev.remediate.core.event.SignalDetector.SETTINGS
        .forEach(s -> assertTrue(declared.containsKey(s.key()), s.key()));
  }
}
