package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanSettingsTest {
  @TempDir
  Path dir;

  @Test
  void load_yaml_flattensNestedKeysAndJoinsLists() throws Exception {
    Path file = dir.resolve("remediate.yaml");
    Files.writeString(file, """
        flowLogs:
          s3Bucket: my-flow-logs
          trafficType: REJECT
        securityGroups:
          ports: [22, 3389]
          allowedSources:
            - 10.0.0.0/8
            - 192.168.0.0/16
        trail:
          s3Bucket: trail-bucket
          cloudWatchLogs: true
        """);
    assertEquals(Map.of("flowLogs.s3Bucket", "my-flow-logs", "flowLogs.trafficType", "REJECT",
        "securityGroups.ports", "22,3389",
        "securityGroups.allowedSources", "10.0.0.0/8,192.168.0.0/16",
        "trail.s3Bucket", "trail-bucket", "trail.cloudWatchLogs", "true"),
        ScanSettings.load(file));
  }

  @Test
  void load_json_readsTheSameKeys() throws Exception {
    Path file = dir.resolve("remediate.json");
    Files.writeString(file, "{\"config\":{\"s3Bucket\":\"cfg\"},\"alarms\":{\"snsTopic\":"
        + "\"arn:aws:sns:us-east-1:123456789012:alarms\"},\"encryption\":{\"kmsKey\":null}}");
    assertEquals(Map.of("config.s3Bucket", "cfg",
        "alarms.snsTopic", "arn:aws:sns:us-east-1:123456789012:alarms"), ScanSettings.load(file));
  }

  @Test
  void load_malformedYaml_namesFileAndLine() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "flowLogs:\n  s3Bucket: [unclosed\n");
    CliException e = assertThrows(CliException.class, () -> ScanSettings.load(file));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().startsWith("config " + file + " is not valid YAML (line "),
        e.getMessage());
  }

  @Test
  void load_listOfObjects_isRejectedNamingTheKey() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"securityGroups\":{\"ports\":[{\"from\":22}]}}");
    CliException e = assertThrows(CliException.class, () -> ScanSettings.load(file));
    assertTrue(e.getMessage().contains("'securityGroups.ports' must be a list of plain values"));
  }

  @Test
  void load_missingFile_isBadInput() {
    CliException e = assertThrows(CliException.class,
        () -> ScanSettings.load(dir.resolve("nope.yaml")));
    assertEquals("no such file: " + dir.resolve("nope.yaml") + " (--config)", e.getMessage());
  }

  @Test
  void resolve_flagsOverrideFileAndUnknownKeysWarn() throws Exception {
    Path file = dir.resolve("r.yaml");
    Files.writeString(file, "flowLogs:\n  s3Bucket: from-file\n  prefix: vpc/\nflowlogs:\n"
        + "  typo: x\n");
    ScanSettings settings = new ScanSettings();
    settings.config = file;
    settings.flowLogsBucket = "from-flag";
    StringWriter warnings = new StringWriter();
    Map<String, String> resolved = settings.resolve(new PrintWriter(warnings, true));
    assertEquals(Map.of("flowLogs.s3Bucket", "from-flag", "flowLogs.prefix", "vpc/",
        "flowlogs.typo", "x"), resolved);
    assertTrue(warnings.toString().startsWith("remediate: warning: unknown setting "
        + "'flowlogs.typo'"), warnings.toString());
  }
}
