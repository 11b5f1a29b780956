package dev.remediate.cli;

import dev.remediate.core.Setting;
import dev.remediate.core.RemediationType;
import dev.remediate.core.RemediationCatalog;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.SettingsDocument;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The settings region-wide remediations need ({@code RemediationType.forRegion(settings)}), from a
 * configuration file ({@code --config}, JSON or YAML) overridden by flags. Keys are dotted paths
 * into the file; lists are comma-separated.
 *
 * <pre>{@code
 * # remediate.yaml
 * flowLogs:
 *   s3Bucket: my-flow-logs
 *   trafficType: REJECT
 * securityGroups:
 *   ports: [22, 3389]
 *   allowedSources: [10.0.0.0/8]
 * trail:
 *   s3Bucket: my-trail-bucket
 * }</pre>
 */
public final class ScanSettings {
  /**
   * Every setting the remediations on the class path declare ({@code RemediationType.settings()});
   * others are reported as unknown.
   */
  public static final Set<String> KNOWN_KEYS = declared(RemediationCatalog.load()).keySet();

  /**
   * The settings a catalog's types declare, by key, and those of react's signal counting.
   *
   * @param catalog the catalog
   * @return the declared settings, sorted by key
   */
  public static Map<String, Setting> declared(RemediationCatalog catalog) {
    return SettingsDocument.declared(catalog);
  }

  /**
   * The settings a catalog remediation needs for its region-wide form, as a person reads them
   * (key and flag); a remediation named with {@code --only} without them is bad input.
   */
  static final Map<String, String> REQUIRED = Map.of(
      "ec2.vpc-flow-logs",
      "flowLogs.s3Bucket (--flow-logs-bucket) or flowLogs.logGroup (--flow-logs-log-group)",
      "cloudtrail.trail", "trail.s3Bucket (--trail-bucket)",
      "config.recorder", "config.s3Bucket (--config-bucket)",
      "cloudwatch.cis-alarms",
      "trail.cloudWatchLogs (--trail-cloudwatch-logs) and alarms.snsTopic (--alarms-sns-topic)");

  /**
   * What a remediation lacks to be planned region-wide.
   *
   * @param id the catalog id
   * @param settings the resolved settings
   * @return one line naming the missing keys, or saying to choose a resource with --target
   */
  static String missing(String id, Map<String, String> settings) {
    String required = REQUIRED.get(id);
    if (required == null) {
      return id + " has no region-wide form: choose a resource with --target (and --set its "
          + "parameters)";
    }
    return id + " is not configured: it needs " + required;
  }

  @Option(names = "--config", paramLabel = "FILE",
      description = "Settings file, JSON or YAML (keys: flowLogs.s3Bucket, trail.s3Bucket, ...).")
  @Nullable Path config;

  @Option(names = "--flow-logs-bucket", paramLabel = "BUCKET",
      description = "S3 bucket for VPC flow logs (flowLogs.s3Bucket).")
  @Nullable String flowLogsBucket;

  @Option(names = "--flow-logs-prefix", paramLabel = "PREFIX",
      description = "Key prefix in the flow-log bucket (flowLogs.prefix).")
  @Nullable String flowLogsPrefix;

  @Option(names = "--flow-logs-traffic-type", paramLabel = "TYPE",
      description = "ALL, ACCEPT or REJECT (flowLogs.trafficType).")
  @Nullable String flowLogsTrafficType;

  @Option(names = "--flow-logs-log-group", paramLabel = "NAME",
      description = "CloudWatch Logs group for VPC flow logs instead of S3 (flowLogs.logGroup).")
  @Nullable String flowLogsLogGroup;

  @Option(names = "--sg-ports", split = ",", paramLabel = "PORT",
      description = "Ports that must not be open to the world (securityGroups.ports).")
  List<String> sgPorts = new ArrayList<>();

  @Option(names = "--sg-allowed-sources", split = ",", paramLabel = "CIDR",
      description = "CIDRs allowed to reach those ports (securityGroups.allowedSources).")
  List<String> sgAllowedSources = new ArrayList<>();

  @Option(names = "--kms-key", paramLabel = "KEY",
      description = "KMS key for EBS encryption (encryption.kmsKey).")
  @Nullable String kmsKey;

  @Option(names = "--trail-bucket", paramLabel = "BUCKET",
      description = "S3 bucket for the CloudTrail trail (trail.s3Bucket).")
  @Nullable String trailBucket;

  @Option(names = "--trail-name", paramLabel = "NAME", description = "Trail name (trail.name).")
  @Nullable String trailName;

  @Option(names = "--trail-kms-key", paramLabel = "KEY",
      description = "KMS key for the trail's log files (trail.kmsKey).")
  @Nullable String trailKmsKey;

  @Option(names = "--trail-cloudwatch-logs", paramLabel = "LOG_GROUP",
      description = "CloudWatch Logs group the trail delivers to, where the CIS alarms' metric "
          + "filters go (trail.cloudWatchLogs).")
  @Nullable String trailCloudWatchLogs;

  @Option(names = "--config-bucket", paramLabel = "BUCKET",
      description = "S3 bucket for the AWS Config delivery channel (config.s3Bucket).")
  @Nullable String configBucket;

  @Option(names = "--alarms-sns-topic", paramLabel = "ARN",
      description = "SNS topic for the CIS alarms (alarms.snsTopic).")
  @Nullable String alarmsSnsTopic;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Any setting by its dotted key, e.g. --set flowLogs.trafficType=REJECT.")
  Map<String, String> extra = new LinkedHashMap<>();

  /** Creates empty settings (picocli fills them). */
  public ScanSettings() {}

  /**
   * The merged settings: file, then flags.
   *
   * @param warnings where unknown keys are reported
   * @return settings by dotted key, sorted
   * @throws CliException when the file cannot be read or parsed
   */
  public Map<String, String> resolve(PrintWriter warnings) {
    return resolve(warnings, RemediationCatalog.load());
  }

  /**
   * The merged settings: file, then flags; each declared setting's value checked by its kind.
   *
   * @param warnings where unknown keys are reported
   * @param catalog the catalog whose types declare the settings
   * @return settings by dotted key, sorted
   * @throws CliException when the file cannot be read or a value is not of its setting's kind
   */
  public Map<String, String> resolve(PrintWriter warnings, RemediationCatalog catalog) {
    Map<String, String> settings = new TreeMap<>();
    if (config != null) {
      settings.putAll(load(config));
    }
    put(settings, "flowLogs.s3Bucket", flowLogsBucket);
    put(settings, "flowLogs.prefix", flowLogsPrefix);
    put(settings, "flowLogs.trafficType", flowLogsTrafficType);
    put(settings, "flowLogs.logGroup", flowLogsLogGroup);
    put(settings, "securityGroups.ports", join(sgPorts));
    put(settings, "securityGroups.allowedSources", join(sgAllowedSources));
    put(settings, "encryption.kmsKey", kmsKey);
    put(settings, "trail.s3Bucket", trailBucket);
    put(settings, "trail.name", trailName);
    put(settings, "trail.kmsKey", trailKmsKey);
    put(settings, "trail.cloudWatchLogs", trailCloudWatchLogs);
    put(settings, "config.s3Bucket", configBucket);
    put(settings, "alarms.snsTopic", alarmsSnsTopic);
    settings.putAll(extra);
    if (settings.containsKey("flowLogs.s3Bucket") && settings.containsKey("flowLogs.logGroup")) {
      throw CliException.badInput("flowLogs.s3Bucket (--flow-logs-bucket) and flowLogs.logGroup "
          + "(--flow-logs-log-group) cannot both be set: flow logs go to one destination");
    }
    Map<String, Setting> declared = declared(catalog);
    for (Map.Entry<String, String> entry : settings.entrySet()) {
      Setting setting = declared.get(entry.getKey());
      if (setting == null) {
        warnings.println("remediate: warning: unknown setting '" + entry.getKey() + "' (known: "
            + String.join(", ", declared.keySet()) + ")");
        continue;
      }
      try {
        setting.check(entry.getValue());
      } catch (InvalidRemediationException e) {
        throw CliException.badInput(e.getMessage());
      }
    }
    return settings;
  }

  /**
   * Reads a settings file: JSON ({@code .json}) or YAML (anything else; YAML also reads JSON).
   *
   * @param file the file
   * @return settings by dotted key
   * @throws CliException naming the file and what is wrong
   */
  public static Map<String, String> load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw CliException.badInput("no such file: " + file + " (--config)");
    } catch (IOException e) {
      throw CliException.badInput("cannot read config " + file + ": " + PlanFiles.describe(e));
    }
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    return parse(text, json, "config " + file);
  }

  /**
   * Parses settings text: nested objects become dotted keys, lists comma-separated values.
   *
   * @param text the document
   * @param json true for JSON, false for YAML (which also reads JSON)
   * @param source how messages name the document, e.g. {@code config remediate.yaml}
   * @return settings by dotted key
   * @throws CliException naming the source and what is wrong
   */
  public static Map<String, String> parse(String text, boolean json, String source) {
    ObjectMapper mapper = json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
    try {
      return SettingsDocument.flatten(mapper.readTree(text), source);
    } catch (JsonProcessingException e) {
      throw CliException.badInput(
          SettingsDocument.notParsed(source, json ? "JSON" : "YAML", e).getMessage());
    } catch (InvalidRemediationException e) {
      throw CliException.badInput(e.getMessage());
    }
  }

  private static void put(Map<String, String> settings, String key, @Nullable String value) {
    if (value != null && !value.isBlank()) {
      settings.put(key, value);
    }
  }

  private static @Nullable String join(List<String> values) {
    return values.isEmpty() ? null : String.join(",", values);
  }
}
