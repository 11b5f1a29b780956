package dev.remediate.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.internal.PlanJson;
import dev.remediate.core.plan.Plan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes files of saved plans: a JSON array of plans in the plan format
 * ({@link Plan#toJson()}). Reading also accepts one plan, or an object with a {@code plans} array
 * (and, optionally, a {@code formatVersion}, which must then be 1.x).
 *
 * <pre>{@code
 * PlanFiles.write(Path.of("plans.json"), plans);
 * List<Plan> again = PlanFiles.read(Path.of("plans.json"));
 * }</pre>
 */
public final class PlanFiles {
  private PlanFiles() {}

  /**
   * Renders plans as a JSON array.
   *
   * @param plans the plans
   * @return JSON text ending with a newline
   */
  public static String toJson(List<Plan> plans) {
    ArrayNode array = PlanJson.mapper().createArrayNode();
    plans.forEach(p -> array.add(PlanJson.toTree(p)));
    try {
      return PlanJson.mapper().writeValueAsString(array) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Plans could not be written as JSON", e);
    }
  }

  /**
   * Saves plans.
   *
   * @param file the file
   * @param plans the plans
   * @throws CliException when the file cannot be written
   */
  public static void write(Path file, List<Plan> plans) {
    try {
      Files.writeString(file, toJson(plans), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CliException.badInput("cannot write " + file + ": " + describe(e));
    }
  }

  /**
   * Reads saved plans from a file, or standard input for {@code -}.
   *
   * @param name the file name or {@code -}
   * @param stdin standard input
   * @return the plans, in file order
   * @throws CliException when the file cannot be read or is not a plan file of a supported version
   */
  public static List<Plan> read(String name, InputStream stdin) {
    String text;
    try {
      text = name.equals("-") ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CliException.badInput("cannot read " + name + ": " + describe(e));
    }
    return parse(text, name);
  }

  /**
   * Parses saved plans.
   *
   * @param text the JSON text
   * @param source the file name, for messages
   * @return the plans
   * @throws CliException naming the file and what is wrong
   */
  public static List<Plan> parse(String text, String source) {
    JsonNode root;
    try {
      root = PlanJson.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw CliException.badInput(source + " is not valid JSON (line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "): "
          + e.getOriginalMessage());
    }
    List<JsonNode> nodes = new ArrayList<>();
    if (root != null && root.isArray()) {
      root.forEach(nodes::add);
    } else if (root != null && root.isObject() && root.path("plans").isArray()) {
      checkWrapperVersion(root, source);
      root.path("plans").forEach(nodes::add);
    } else if (root != null && root.isObject()) {
      nodes.add(root);
    } else {
      throw CliException.badInput(source + " holds no plans: expected a plan object or an array "
          + "of plans");
    }
    List<Plan> plans = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      try {
        plans.add(Plan.fromJson(nodes.get(i).toString()));
      } catch (InvalidRemediationException e) {
        throw CliException.badInput(source + ", plan " + (i + 1) + ": " + e.getMessage());
      }
    }
    return plans;
  }

  /**
   * Refuses a wrapper object ({@code {"formatVersion": ..., "plans": [...]}}) of another major
   * format version than the plans': its plans may not mean what this version reads. A wrapper
   * without {@code formatVersion} is read as before.
   */
  private static void checkWrapperVersion(JsonNode wrapper, String source) {
    JsonNode version = wrapper.get("formatVersion");
    if (version == null || version.isNull()) {
      return;
    }
    String text = version.isValueNode() ? version.asText().strip() : version.toString();
    if (!version.isValueNode() || !(text.equals("1") || text.startsWith("1."))) {
      throw CliException.badInput(source + ": plan file format version '" + text
          + "' is not supported: this tool reads 1.x (writes " + Plan.FORMAT_VERSION + ")");
    }
  }

  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.charset.CharacterCodingException) {
      return "not UTF-8 text";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
