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
   * The summary of one record: {@code eventTime} (ISO-8601 UTC, or as written when it does not
   * parse), {@code eventSource}, {@code eventName},
   * {@code awsRegion}, {@code recipientAccountId}, {@code principalArn} (the caller's ARN),
   * {@code errorCode} (absent values as {@code null}), and {@code resources}, the
   * {@link ResourceExtractor} view of what the record touched.
   *
   * @param event the record
   * @return a new JSON object, fields in that order
   */
  public static ObjectNode summary(CloudTrailEvent event) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("eventTime", event.eventTime().map(Object::toString)
        .orElse(event.eventTimeText().orElse(null)));
    node.put("eventSource", emptyAsNull(event.eventSource()));
    node.put("eventName", emptyAsNull(event.eventName()));
    node.put("awsRegion", emptyAsNull(event.awsRegion()));
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

  private static @org.jspecify.annotations.Nullable String emptyAsNull(String text) {
    return text.isEmpty() ? null : text;
  }

  /**
   * The summary of a record ({@link #summary(CloudTrailEvent)}) or of a finding:
   * {@code finding} ({@code GuardDuty}, {@code SecurityHub} or {@code Signal}), {@code type},
   * {@code id}, {@code region}, {@code account}, and {@code resources}, the ids it names.
   *
   * @param event the record or finding
   * @return a new JSON object
   */
  public static ObjectNode summary(SecurityEvent event) {
    if (event instanceof CloudTrailEvent record) {
      return summary(record);
    }
    Finding finding = (Finding) event;
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("finding", kind(finding));
    node.put("type", finding.type());
    node.put("id", finding.id());
    node.put("region", emptyAsNull(finding.region()));
    node.put("account", finding.account().orElse(null));
    ArrayNode resources = node.putArray("resources");
    if (finding instanceof GuardDutyFinding g) {
      g.instanceId().ifPresent(resources::add);
      g.accessKeyId().ifPresent(resources::add);
    } else if (finding instanceof SecurityHubFinding h) {
      h.resources().forEach(r -> resources.add(r.id()));
    } else if (finding instanceof Signal signal) {
      resources.add(signal.key());
    }
    return node;
  }

  private static String kind(Finding finding) {
    return finding instanceof GuardDutyFinding ? "GuardDuty"
        : finding instanceof SecurityHubFinding ? "SecurityHub" : "Signal";
  }

  /**
   * The summary of a record or finding as one line of JSON, without a line break.
   *
   * @param event the record or finding
   * @return the line
   */
  public static String line(SecurityEvent event) {
    return summary(event).toString();
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

  /**
   * Counts records by event source and, within each source, by event name, and the records that
   * cannot be routed (no {@code eventSource}, {@code eventName} or region). Not thread-safe.
   */
  public static final class Tally {
    private final Map<String, Map<String, Long>> counts = new TreeMap<>();
    private final Map<String, Long> findings = new TreeMap<>();
    private long total;
    private long unroutable;

    private Tally() {}

    /**
     * Counts a record.
     *
     * @param event the record
     * @return this tally
     */
    public Tally add(CloudTrailEvent event) {
      if (!event.isRoutable()) {
        unroutable++;
      }
      if (!event.eventSource().isEmpty() && !event.eventName().isEmpty()) {
        counts.computeIfAbsent(event.eventSource(), s -> new TreeMap<>())
            .merge(event.eventName(), 1L, Long::sum);
      }
      total++;
      return this;
    }

    /**
     * Counts a record, or a finding by kind and type ({@code GuardDuty Recon:EC2/PortProbeUnprotectedPort}).
     *
     * @param event the record or finding
     * @return this tally
     */
    public Tally add(SecurityEvent event) {
      if (event instanceof CloudTrailEvent record) {
        return add(record);
      }
      Finding finding = (Finding) event;
      findings.merge(kind(finding) + " " + finding.type(), 1L, Long::sum);
      total++;
      return this;
    }

    /** @return findings counted, by kind and type, sorted */
    public Map<String, Long> findings() {
      return java.util.Collections.unmodifiableMap(findings);
    }

    /**
     * Adds the counts of another tally (e.g. of another file read on another thread).
     *
     * @param other the other tally
     * @return this tally
     */
    public Tally addAll(Tally other) {
      other.counts.forEach((source, names) -> names.forEach((name, n) ->
          counts.computeIfAbsent(source, s -> new TreeMap<>()).merge(name, n, Long::sum)));
      other.findings.forEach((type, n) -> findings.merge(type, n, Long::sum));
      total += other.total;
      unroutable += other.unroutable;
      return this;
    }

    /**
     * @return how many records lack {@code eventSource}, {@code eventName} or region, so that no
     *     rule can route them (counted in {@link #total()}, not by source and name)
     */
    public long unroutable() {
      return unroutable;
    }

    /** @return how many records and findings were counted */
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
     * The counts as JSON: {@code {"total":n,"unroutable":n,"eventSources":{"ec2.amazonaws.com":
     * {"total":n,"eventNames":{"CreateVpc":n}}}}}, sources and names sorted.
     *
     * @return a new JSON object
     */
    public ObjectNode toJson() {
      ObjectNode node = Json.MAPPER.createObjectNode();
      node.put("total", total);
      node.put("unroutable", unroutable);
      ObjectNode sources = node.putObject("eventSources");
      counts.forEach((source, names) -> {
        ObjectNode perSource = sources.putObject(source);
        perSource.put("total", names.values().stream().mapToLong(Long::longValue).sum());
        ObjectNode perName = perSource.putObject("eventNames");
        names.forEach(perName::put);
      });
      if (!findings.isEmpty()) {
        ObjectNode byType = node.putObject("findings");
        findings.forEach(byType::put);
      }
      return node;
    }

    @Override
    public String toString() {
      return toJson().toString();
    }
  }
}
