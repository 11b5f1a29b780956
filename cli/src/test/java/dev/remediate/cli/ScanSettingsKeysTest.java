package dev.remediate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every settings flag and every settings-file key maps to its stable dotted key (issue 7), with
 * its exact value. The table must name every flag {@link ScanSettings} declares and every key of
 * {@link ScanSettings#KNOWN_KEYS}.
 */
class ScanSettingsKeysTest {
  /** One setting: its flag, the key it sets, the value given and the value stored. */
  record Setting(String flag, String key, String given, String stored, String yaml,
      String json) {
    @Override
    public String toString() {
      return flag + " -> " + key;
    }
  }

  private static final List<Setting> TABLE = List.of(
      plain("--flow-logs-bucket", "flowLogs.s3Bucket", "my-flow-logs"),
      plain("--flow-logs-prefix", "flowLogs.prefix", "vpc/logs/"),
      plain("--flow-logs-traffic-type", "flowLogs.trafficType", "REJECT"),
      plain("--flow-logs-log-group", "flowLogs.logGroup", "/vpc/flow-logs"),
      list("--sg-ports", "securityGroups.ports", "22", "3389"),
      list("--sg-allowed-sources", "securityGroups.allowedSources", "10.0.0.0/8",
          "192.168.0.0/16"),
      plain("--kms-key", "encryption.kmsKey", "alias/ebs-key"),
      plain("--trail-bucket", "trail.s3Bucket", "my-trail-bucket"),
      plain("--trail-name", "trail.name", "org-trail"),
      plain("--trail-kms-key", "trail.kmsKey",
          "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
      plain("--trail-cloudwatch-logs", "trail.cloudWatchLogs", "trail-log-group"),
      plain("--config-bucket", "config.s3Bucket", "my-config-bucket"),
      plain("--alarms-sns-topic", "alarms.snsTopic",
          "arn:aws:sns:us-east-1:123456789012:cis-alarms"));

  @TempDir
  Path dir;

  private static Setting plain(String flag, String key, String value) {
    return new Setting(flag, key, value, value, "\"" + value + "\"", "\"" + value + "\"");
  }

  private static Setting list(String flag, String key, String first, String second) {
    return new Setting(flag, key, first + "," + second, first + "," + second,
        "[\"" + first + "\", \"" + second + "\"]", "[\"" + first + "\",\"" + second + "\"]");
  }

  static Stream<Setting> table() {
    return TABLE.stream();
  }

  private static Map<String, String> resolve(ScanSettings settings, String... args) {
    new CommandLine(settings).parseArgs(args);
    StringWriter warnings = new StringWriter();
    Map<String, String> resolved = settings.resolve(new PrintWriter(warnings, true));
    assertEquals("", warnings.toString(), "a stable key must not warn");
    return resolved;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void flag_setsExactlyItsStableKey(Setting setting) {
    assertEquals(Map.of(setting.key(), setting.stored()),
        resolve(new ScanSettings(), setting.flag(), setting.given()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void yamlFile_setsExactlyItsStableKey(Setting setting) throws Exception {
    String[] parts = setting.key().split("\\.");
    Path file = dir.resolve("remediate.yaml");
    Files.writeString(file, parts[0] + ":\n  " + parts[1] + ": " + setting.yaml() + "\n");
    assertEquals(Map.of(setting.key(), setting.stored()), ScanSettings.load(file));
    ScanSettings settings = new ScanSettings();
    assertEquals(Map.of(setting.key(), setting.stored()),
        resolve(settings, "--config", file.toString()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void jsonFile_setsExactlyItsStableKey(Setting setting) throws Exception {
    String[] parts = setting.key().split("\\.");
    Path file = dir.resolve("remediate.json");
    Files.writeString(file, "{\"" + parts[0] + "\":{\"" + parts[1] + "\":" + setting.json()
        + "}}");
    assertEquals(Map.of(setting.key(), setting.stored()), ScanSettings.load(file));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void flag_overridesTheFileValue(Setting setting) throws Exception {
    String[] parts = setting.key().split("\\.");
    Path file = dir.resolve("remediate.yaml");
    Files.writeString(file, parts[0] + ":\n  " + parts[1] + ": from-file\n");
    assertEquals(Map.of(setting.key(), setting.stored()), resolve(new ScanSettings(),
        "--config", file.toString(), setting.flag(), setting.given()));
  }

  @Test
  void listFlags_repeatedOrCommaSeparated_joinInOrder() {
    assertEquals(Map.of("securityGroups.ports", "22,3389,443"),
        resolve(new ScanSettings(), "--sg-ports", "22,3389", "--sg-ports", "443"));
  }

  @Test
  void table_coversEveryFlagAndEveryKnownKey() {
    Set<String> declared = new CommandLine(new ScanSettings()).getCommandSpec().options()
        .stream().map(OptionSpec::longestName)
        .filter(name -> !name.equals("--config") && !name.equals("--set"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(declared, TABLE.stream().map(Setting::flag)
        .collect(Collectors.toCollection(TreeSet::new)), "flags in the table");
    Set<String> flagged = TABLE.stream().map(Setting::key)
        .collect(Collectors.toCollection(TreeSet::new));
    assertTrue(ScanSettings.KNOWN_KEYS.containsAll(flagged), "stable keys in the table");
    // the catalog's other settings have no flag of their own: each is given with --set
    Map<String, dev.remediate.core.Setting> declaredSettings =
        ScanSettings.declared(dev.remediate.core.RemediationCatalog.load());
    for (String key : ScanSettings.KNOWN_KEYS) {
      if (!flagged.contains(key)) {
        String value = switch (declaredSettings.get(key).kind()) {
          case BOOLEAN -> "true";
          case INTEGER -> "7";
          default -> "sample";
        };
        assertEquals(Map.of(key, value), resolve(new ScanSettings(), "--set", key + "=" + value),
            key);
      }
    }
    List<String> keys = new ArrayList<>(Arrays.asList("flowLogs.s3Bucket", "flowLogs.prefix",
        "flowLogs.trafficType", "flowLogs.logGroup", "securityGroups.ports",
        "securityGroups.allowedSources", "encryption.kmsKey", "trail.s3Bucket", "trail.name",
        "trail.kmsKey", "trail.cloudWatchLogs", "config.s3Bucket", "alarms.snsTopic"));
    assertTrue(ScanSettings.KNOWN_KEYS.containsAll(keys) && keys.size() == TABLE.size(),
        "the stable keys of issue 7");
  }

  @Test
  void everyFlagTogether_givesEveryStableKey() {
    // flow logs go to a bucket or a log group, not both: the log group is given on its own
    List<String> args = new ArrayList<>();
    for (Setting setting : TABLE) {
      if (!setting.flag().equals("--flow-logs-log-group")) {
        args.add(setting.flag());
        args.add(setting.given());
      }
    }
    Map<String, String> expected = TABLE.stream()
        .filter(setting -> !setting.flag().equals("--flow-logs-log-group"))
        .collect(Collectors.toMap(Setting::key, Setting::stored));
    assertEquals(expected, resolve(new ScanSettings(), args.toArray(String[]::new)));
    assertEquals(Map.of("flowLogs.logGroup", "/vpc/flow-logs"),
        resolve(new ScanSettings(), "--flow-logs-log-group", "/vpc/flow-logs"));
  }
}
