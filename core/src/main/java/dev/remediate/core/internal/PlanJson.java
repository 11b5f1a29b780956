package dev.remediate.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediate.core.InvalidRemediationException;
import dev.remediate.core.plan.Action;
import dev.remediate.core.plan.Flag;
import dev.remediate.core.plan.Plan;
import dev.remediate.core.plan.PlanSet;
import dev.remediate.core.plan.RemediationSpec;
import dev.remediate.core.plan.Skip;
import dev.remediate.core.plan.Step;
import dev.remediate.core.plan.Target;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The plan JSON format. Version {@code 2.x}: one plan per target, with {@code requires} and
 * {@code provides}; apply compares steps, not fingerprints. Readers ignore unknown fields (added by
 * later minor versions) and refuse other major versions, {@code 1.x} included ("plan again").
 */
public final class PlanJson {
  /** Identifies the document type. */
  public static final String FORMAT = "remediate-plan";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PlanJson() {}

  /** @return the shared mapper (configured, thread-safe) */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Writes a plan.
   *
   * @param plan the plan
   * @return JSON text
   */
  public static String write(Plan plan) {
    try {
      return MAPPER.writeValueAsString(toTree(plan));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Plan could not be written as JSON", e);
    }
  }

  /**
   * Converts a plan into a JSON tree.
   *
   * @param plan the plan
   * @return the tree
   */
  public static ObjectNode toTree(Plan plan) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("formatVersion", Plan.FORMAT_VERSION);
    ObjectNode remediation = root.putObject("remediation");
    remediation.put("id", plan.remediation().id());
    putMap(remediation.putObject("parameters"), plan.remediation().parameters());
    ObjectNode target = root.putObject("target");
    target.put("type", plan.target().type());
    target.put("id", plan.target().id());
    target.put("region", plan.target().region());
    target.put("account", plan.target().account());
    root.put("fingerprint", plan.fingerprint());
    root.put("observedAt", plan.observedAt().toString());
    ArrayNode steps = root.putArray("steps");
    for (Step step : plan.steps()) {
      ObjectNode s = steps.addObject();
      s.put("kind", step.kind());
      s.put("action", step.action().name());
      s.put("resource", step.resource());
      s.put("summary", step.summary());
      step.before().ifPresent(v -> s.put("before", v));
      step.after().ifPresent(v -> s.put("after", v));
      ArrayNode flags = s.putArray("flags");
      step.flags().forEach(f -> flags.add(f.name()));
      putMap(s.putObject("parameters"), step.parameters());
    }
    ArrayNode warnings = root.putArray("warnings");
    plan.warnings().forEach(warnings::add);
    ArrayNode skipped = root.putArray("skipped");
    for (Skip skip : plan.skipped()) {
      skipped.addObject().put("resource", skip.resource()).put("reason", skip.reason());
    }
    ArrayNode iam = root.putArray("iamActions");
    plan.iamActions().forEach(iam::add);
    ArrayNode controls = root.putArray("controls");
    plan.controls().forEach(controls::add);
    ArrayNode requires = root.putArray("requires");
    plan.requires().forEach(requires::add);
    ArrayNode provides = root.putArray("provides");
    plan.provides().forEach(provides::add);
    return root;
  }

  private static void putMap(ObjectNode node, Map<String, String> map) {
    new TreeMap<>(map).forEach(node::put);
  }

  /**
   * Reads a plan.
   *
   * @param json JSON text
   * @return the plan
   */
  public static Plan read(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidRemediationException(
          "Not a plan document: invalid JSON at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
    }
    return fromTree(root);
  }

  /**
   * Reads a plan from a JSON tree.
   *
   * @param root the tree
   * @return the plan
   */
  public static Plan fromTree(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new InvalidRemediationException("Not a plan document: expected a JSON object");
    }
    String format = text(root, "format", "");
    if (!FORMAT.equals(format)) {
      throw new InvalidRemediationException(
          "Not a plan document: format is '" + format + "', expected '" + FORMAT + "'");
    }
    String version = text(root, "formatVersion", "");
    if (version.equals("1") || version.startsWith("1.")) {
      throw new InvalidRemediationException("Plan format version '" + version + "' was written by "
          + "an earlier version of Remediate, whose plans covered a whole region and whose steps "
          + "mean something else now (since 2.0: one plan per target, compared step by step). "
          + "Plan again.");
    }
    if (!version.equals("2") && !version.startsWith("2.")) {
      throw new InvalidRemediationException("Plan format version '" + version
          + "' is not supported: this library reads 2.x (writes " + Plan.FORMAT_VERSION + ")");
    }
    JsonNode rem = object(root, "remediation");
    JsonNode target = object(root, "target");
    Plan.Builder plan = Plan.builder()
        .remediation(RemediationSpec.of(text(rem, "id", null), map(rem.get("parameters"))))
        .target(Target.of(text(target, "type", null), text(target, "id", null),
            text(target, "region", null), text(target, "account", null)))
        .fingerprint(text(root, "fingerprint", null))
        .observedAt(instant(text(root, "observedAt", null)));
    for (JsonNode s : array(root, "steps")) {
      var step = Step.builder()
          .kind(text(s, "kind", null))
          .action(enumValue(Action::valueOf, text(s, "action", null), "action"))
          .resource(text(s, "resource", null))
          .summary(text(s, "summary", null))
          .parameters(map(s.get("parameters")));
      if (s.hasNonNull("before")) {
        step.before(s.get("before").asText());
      }
      if (s.hasNonNull("after")) {
        step.after(s.get("after").asText());
      }
      for (JsonNode f : array(s, "flags")) {
        step.addFlags(enumValue(Flag::valueOf, f.asText(), "flag"));
      }
      plan.addSteps(step.build());
    }
    array(root, "warnings").forEach(w -> plan.addWarnings(w.asText()));
    for (JsonNode s : array(root, "skipped")) {
      plan.addSkipped(Skip.of(text(s, "resource", null), text(s, "reason", null)));
    }
    array(root, "iamActions").forEach(a -> plan.addIamActions(a.asText()));
    array(root, "controls").forEach(c -> plan.addControls(c.asText()));
    array(root, "requires").forEach(r -> plan.addRequires(r.asText()));
    array(root, "provides").forEach(r -> plan.addProvides(r.asText()));
    return plan.build();
  }

  private static String text(JsonNode node, String field, String defaultValue) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (defaultValue == null) {
        throw new InvalidRemediationException("Plan document lacks field '" + field + "'");
      }
      return defaultValue;
    }
    if (!value.isTextual()) {
      throw new InvalidRemediationException(
          "Plan document field '" + field + "' must be a string, not " + value.getNodeType());
    }
    return value.asText();
  }

  private static JsonNode object(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isObject()) {
      throw new InvalidRemediationException("Plan document lacks object '" + field + "'");
    }
    return value;
  }

  private static Iterable<JsonNode> array(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new InvalidRemediationException("Plan document field '" + field + "' must be an array");
    }
    return value;
  }

  private static Map<String, String> map(JsonNode node) {
    Map<String, String> map = new TreeMap<>();
    if (node == null || node.isNull()) {
      return map;
    }
    if (!node.isObject()) {
      throw new InvalidRemediationException("Plan document: parameters must be an object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      map.put(e.getKey(), e.getValue().asText());
    }
    return map;
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidRemediationException("Plan document: observedAt '" + text
          + "' is not an ISO-8601 instant", e);
    }
  }

  private static <E extends Enum<E>> E enumValue(Function<String, E> valueOf, String text,
      String what) {
    try {
      return valueOf.apply(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidRemediationException("Plan document: unknown " + what + " '" + text + "'", e);
    }
  }

  /**
   * What a plan file holds.
   *
   * @param plans the plans, in document order
   * @param scanned the remediations the scan covered ({@code "scanned"}; since 2.1), empty when
   *     the document has none
   */
  public record SetDocument(List<Plan> plans, List<PlanSet.Scanned> scanned) {}

  /**
   * Reads plans: a plan set ({@code {"format": "remediate-plan-set", "plans": [...]}}), a JSON array
   * of plans, or one plan.
   *
   * @param json JSON text
   * @return the plans, in document order, and what the scan covered
   * @throws InvalidRemediationException naming the problem and the plan's position
   */
  public static SetDocument readSet(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidRemediationException("Not a plan file: invalid JSON at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": "
          + e.getOriginalMessage(), e);
    }
    List<JsonNode> nodes = new ArrayList<>();
    List<PlanSet.Scanned> scanned = new ArrayList<>();
    if (root != null && root.isArray()) {
      root.forEach(nodes::add);
    } else if (root != null && root.isObject() && root.has("plans")) {
      checkSetHeader(root);
      root.get("plans").forEach(nodes::add);
      scanned.addAll(scanned(root));
    } else if (root != null && root.isObject()) {
      nodes.add(root);
    } else {
      throw new InvalidRemediationException(
          "Not a plan file: expected a plan set, an array of plans or one plan");
    }
    List<Plan> plans = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      try {
        plans.add(fromTree(nodes.get(i)));
      } catch (InvalidRemediationException e) {
        throw new InvalidRemediationException("plan " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return new SetDocument(plans, scanned);
  }

  /**
   * The set's {@code scanned} remediations:
   * {@code [{"account": ..., "region": ..., "id": ..., "parameters": {...}}, ...]}.
   */
  private static List<PlanSet.Scanned> scanned(JsonNode root) {
    JsonNode node = root.get("scanned");
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new InvalidRemediationException("Not a plan file: 'scanned' must be an array");
    }
    List<PlanSet.Scanned> specs = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode spec = node.get(i);
      try {
        if (!spec.isObject()) {
          throw new InvalidRemediationException(
              "expected an object with 'account', 'region', 'id' and 'parameters'");
        }
        specs.add(new PlanSet.Scanned(text(spec, "account", null), text(spec, "region", null),
            RemediationSpec.of(text(spec, "id", null), map(spec.get("parameters")))));
      } catch (InvalidRemediationException e) {
        throw new InvalidRemediationException("scanned " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return specs;
  }

  private static void checkSetHeader(JsonNode root) {
    if (!root.get("plans").isArray()) {
      throw new InvalidRemediationException("Not a plan file: 'plans' must be an array");
    }
    JsonNode format = root.get("format");
    if (format != null && !format.isNull() && !PlanSet.FORMAT.equals(format.asText())) {
      throw new InvalidRemediationException("Not a plan file: format is '" + format.asText()
          + "', expected '" + PlanSet.FORMAT + "'");
    }
    JsonNode version = root.get("formatVersion");
    if (version == null || version.isNull()) {
      return;
    }
    String text = version.isValueNode() ? version.asText().strip() : version.toString();
    if (!version.isValueNode() || !(text.matches("2(\\..*)?"))) {
      throw new InvalidRemediationException("Plan file format version '" + text
          + "' is not supported: this library reads 2.x (writes " + Plan.FORMAT_VERSION
          + "); plan again");
    }
  }

  /**
   * Writes plans as a plan set document.
   *
   * @param plans the plans
   * @param scanned the remediations the scan covered, and where, written as {@code "scanned"}
   * @return JSON text ending with a newline
   */
  public static String writeSet(List<Plan> plans, List<PlanSet.Scanned> scanned) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", PlanSet.FORMAT);
    root.put("formatVersion", Plan.FORMAT_VERSION);
    ArrayNode array = root.putArray("plans");
    plans.forEach(p -> array.add(toTree(p)));
    ArrayNode forms = root.putArray("scanned");
    for (PlanSet.Scanned scan : scanned) {
      ObjectNode form = forms.addObject();
      form.put("account", scan.account());
      form.put("region", scan.region());
      form.put("id", scan.remediation().id());
      putMap(form.putObject("parameters"), scan.remediation().parameters());
    }
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Plans could not be written as JSON", e);
    }
  }
}
