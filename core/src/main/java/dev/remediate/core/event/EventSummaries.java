package dev.remediate.core.event;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * Short JSON views of CloudTrail records, for command-line tools and logs: one line per record, or
 * counts by event source and name.
 *
 * <pre>{@code
 * try (CloudTrailReader reader = CloudTrailReader.open(file)) {
 *   reader.forEachRemaining(e -> System.out.println(EventSummaries.line(e)));
 * }
 * }</pre>
 */
public final class EventSummaries {
  private EventSummaries() {}

  /**
   * The summary of one record: {@code eventTime}, {@code eventSource}, {@code eventName},
   * {@code awsRegion}, {@code recipientAccountId}, {@code principalArn} (the caller's ARN),
   * {@code errorCode} (absent values as {@code null}), and {@code resources}, the
   * {@link ResourceExtractor} view of what the record touched.
   *
   * @param event the record
   * @return a new JSON object, fields in that order
   */
  public static ObjectNode summary(CloudTrailEvent event) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("eventTime", event.eventTime().toString());
    node.put("eventSource", event.eventSource());
    node.put("eventName", event.eventName());
    node.put("awsRegion", event.awsRegion());
    node.put("recipientAccountId", event.recipientAccountId().orElse(null));
    node.put("principalArn", event.userIdentity().arn().orElse(null));
    node.put("errorCode", event.errorCode().orElse(null));
    ArrayNode resources = node.putArray("resources");
    for (ResourceRef ref : ResourceExtractor.extract(event)) {
      resources.addObject()
          .put("service", ref.service())
          .put("type", ref.type())
          .put("id", ref.id())
          .put("region", ref.region())
          .put("account", ref.account().orElse(null));
    }
    return node;
  }

  /**
   * The summary of one record as one line of JSON, without a line break.
   *
   * @param event the record
   * @return the line
   */
  public static String line(CloudTrailEvent event) {
    return summary(event).toString();
  }

  /** @return an empty tally of records by event source and name */
  public static Tally tally() {
    return new Tally();
  }

  /** Counts records by event source and, within each source, by event name. Not thread-safe. */
  public static final class Tally {
    private final Map<String, Map<String, Long>> counts = new TreeMap<>();
    private long total;

    private Tally() {}

    /**
     * Counts a record.
     *
     * @param event the record
     * @return this tally
     */
    public Tally add(CloudTrailEvent event) {
      counts.computeIfAbsent(event.eventSource(), s -> new TreeMap<>())
          .merge(event.eventName(), 1L, Long::sum);
      total++;
      return this;
    }

    /** @return how many records were counted */
    public long total() {
      return total;
    }

    /**
     * Returns the count of one event.
     *
     * @param key the event source and name
     * @return how many records of that event were counted
     */
    public long count(EventKey key) {
      return counts.getOrDefault(key.eventSource(), Map.of()).getOrDefault(key.eventName(), 0L);
    }

    /**
     * The counts as JSON: {@code {"total":n,"eventSources":{"ec2.amazonaws.com":{"total":n,
     * "eventNames":{"CreateVpc":n}}}}}, sources and names sorted.
     *
     * @return a new JSON object
     */
    public ObjectNode toJson() {
      ObjectNode node = Json.MAPPER.createObjectNode();
      node.put("total", total);
      ObjectNode sources = node.putObject("eventSources");
      counts.forEach((source, names) -> {
        ObjectNode perSource = sources.putObject(source);
        perSource.put("total", names.values().stream().mapToLong(Long::longValue).sum());
        ObjectNode perName = perSource.putObject("eventNames");
        names.forEach(perName::put);
      });
      return node;
    }

    @Override
    public String toString() {
      return toJson().toString();
    }
  }
}
