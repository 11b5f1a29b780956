package dev.remediate.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A CloudWatch alarm that changed state, from the EventBridge event of detail-type
 * "CloudWatch Alarm State Change" (source {@code aws.cloudwatch}). The alarm is the detector: a
 * rule routes an EC2 {@code CPUUtilization} alarm that went into {@code ALARM} to a resize of its
 * instance, when the instance asks for one with a {@code remediate:resize-to} tag.
 *
 * <pre>{@code
 * if (event instanceof AlarmStateChange alarm && alarm.isAlarm()) {
 *   System.out.println(alarm.alarmName() + " on " + alarm.dimensions().get("InstanceId"));
 * }
 * }</pre>
 *
 * @param id the alarm's ARN (the event's resource), else its name
 * @param alarmName the alarm's name
 * @param state the new state: {@code ALARM}, {@code OK} or {@code INSUFFICIENT_DATA}
 * @param previousState the state before, when the event says
 * @param namespace the metric's namespace, e.g. {@code AWS/EC2} (single-metric alarms)
 * @param metricName the metric's name, e.g. {@code CPUUtilization}
 * @param dimensions the metric's dimensions, e.g. {@code InstanceId}
 * @param region the alarm's region
 * @param account the alarm's account
 * @param json the event's {@code detail} as read
 */
public record AlarmStateChange(String id, String alarmName, String state,
    Optional<String> previousState, Optional<String> namespace, Optional<String> metricName,
    Map<String, String> dimensions, String region, Optional<String> account, JsonNode json)
    implements Finding {
  /** The event's detail-type. */
  public static final String DETAIL_TYPE = "CloudWatch Alarm State Change";

  /**
   * Creates the event (the reader does; tests may).
   *
   * @param id the id
   * @param alarmName the alarm's name
   * @param state the new state
   * @param previousState the state before
   * @param namespace the metric's namespace
   * @param metricName the metric's name
   * @param dimensions the metric's dimensions
   * @param region the region
   * @param account the account
   * @param json the detail
   */
  public AlarmStateChange {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(alarmName, "alarmName");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(region, "region");
    dimensions = Map.copyOf(dimensions);
    Objects.requireNonNull(json, "json");
  }

  /**
   * Reads the {@code detail} of a "CloudWatch Alarm State Change" event: {@code alarmName},
   * {@code state.value}, {@code previousState.value}, and the metric of a single-metric alarm
   * ({@code configuration.metrics[0].metricStat.metric}: {@code namespace}, {@code name},
   * {@code dimensions}).
   *
   * @param detail the event's detail
   * @param region the event's region
   * @param account the event's account
   * @param resource the event's first resource (the alarm ARN), if any
   * @return the state change
   */
  static AlarmStateChange parse(JsonNode detail, @Nullable String region,
      @Nullable String account, @Nullable String resource) {
    String name = text(detail.path("alarmName")).orElseThrow(() -> new RecordParser.Malformed(
        "a '" + DETAIL_TYPE + "' event without detail.alarmName"));
    String state = text(detail.path("state").path("value")).orElseThrow(() ->
        new RecordParser.Malformed("a '" + DETAIL_TYPE + "' event without detail.state.value"));
    JsonNode metrics = detail.path("configuration").path("metrics");
    JsonNode metric = metrics.size() == 1 ? metrics.get(0).path("metricStat").path("metric")
        : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    Map<String, String> dimensions = new TreeMap<>();
    metric.path("dimensions").fields().forEachRemaining(e -> text(e.getValue())
        .ifPresent(v -> dimensions.put(e.getKey(), v)));
    return new AlarmStateChange(resource != null ? resource : name, name, state,
        text(detail.path("previousState").path("value")), text(metric.path("namespace")),
        text(metric.path("name")), dimensions, region == null ? "" : region,
        Optional.ofNullable(account), detail);
  }

  private static Optional<String> text(JsonNode node) {
    return node.isValueNode() && !node.asText().isEmpty() ? Optional.of(node.asText())
        : Optional.empty();
  }

  /** @return true when the alarm went into {@code ALARM} */
  public boolean isAlarm() {
    return "ALARM".equals(state);
  }

  @Override
  public String type() {
    return DETAIL_TYPE;
  }

  @Override
  public String describe() {
    return "alarm " + alarmName + " " + previousState.map(p -> p + " -> ").orElse("") + state;
  }
}
