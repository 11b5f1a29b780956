package dev.remediate.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings as a document (a JSON object, or the tree of a YAML file read by Jackson): nested
 * objects become dotted keys, lists comma-separated values, as {@link Setting} keys and
 * {@link RemediationType#forRegion} expect. The command-line tool's {@code --config} file and the
 * Lambda adapter's {@code REMEDIATE_SETTINGS} variable are read with it.
 *
 * <pre>{@code
 * Map<String, String> settings = SettingsDocument.parseJson(
 *     "{\"flowLogs\": {\"s3Bucket\": \"my-flow-logs\"}, \"securityGroups\": {\"ports\": [22, 3389]}}",
 *     "REMEDIATE_SETTINGS");
 * // {flowLogs.s3Bucket=my-flow-logs, securityGroups.ports=22,3389}
 * }</pre>
 */
public final class SettingsDocument {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SettingsDocument() {}

  /**
   * Parses JSON settings.
   *
   * @param json the document
   * @param source how messages name the document, e.g. {@code REMEDIATE_SETTINGS}
   * @return settings by dotted key, sorted
   * @throws InvalidRemediationException naming the source, the line and column, and what is wrong
   */
  public static Map<String, String> parseJson(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw notParsed(source, "JSON", e);
    }
    return flatten(root, source);
  }

  /**
   * The message of a document Jackson cannot parse: where and why, in one line.
   *
   * @param source how the message names the document
   * @param format {@code JSON} or {@code YAML}
   * @param e Jackson's error
   * @return the exception to throw
   */
  public static InvalidRemediationException notParsed(String source, String format,
      JsonProcessingException e) {
    String where = e.getLocation() == null ? ""
        : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
            + ")";
    return new InvalidRemediationException(source + " is not valid " + format + where + ": "
        + e.getOriginalMessage().lines().findFirst().orElse(""), e);
  }

  /**
   * Flattens a parsed document.
   *
   * @param root the document's root; null, missing or JSON null is an empty document
   * @param source how messages name the document
   * @return settings by dotted key, sorted
   * @throws InvalidRemediationException when the root is not an object, or a list holds objects
   */
  public static Map<String, String> flatten(JsonNode root, String source) {
    Map<String, String> settings = new TreeMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return Collections.unmodifiableMap(settings);
    }
    if (!root.isObject()) {
      throw new InvalidRemediationException(source + " must be an object of settings, e.g. "
          + "{\"flowLogs\": {\"s3Bucket\": \"my-bucket\"}}");
    }
    flatten("", root, settings, source);
    return Collections.unmodifiableMap(settings);
  }

  /**
   * The settings a catalog's types declare, by key, with those of react's signal counting
   * ({@link dev.remediate.core.event.SignalDetector#SETTINGS}), which is not a catalog type.
   *
   * @param catalog the catalog
   * @return the declared settings, sorted by key
   */
  public static Map<String, Setting> declared(RemediationCatalog catalog) {
    Map<String, Setting> declared = new TreeMap<>();
    for (RemediationType type : catalog.types()) {
      type.settings().forEach(setting -> declared.putIfAbsent(setting.key(), setting));
    }
    dev.remediate.core.event.SignalDetector.SETTINGS
        .forEach(setting -> declared.putIfAbsent(setting.key(), setting));
    return Collections.unmodifiableMap(declared);
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> into,
      String source) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject()) {
        flatten(key, value, into, source);
      } else if (value.isArray()) {
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
          if (!item.isValueNode()) {
            throw new InvalidRemediationException(source + ": '" + key
                + "' must be a list of plain values");
          }
          items.add(item.asText());
        }
        into.put(key, String.join(",", items));
      } else if (!value.isNull()) {
        into.put(key, value.asText());
      }
    }
  }
}
