package dev.remediate.core.event;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remediate.core.event.RecordParser.Malformed;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads CloudTrail records and security findings one at a time from data in any shape AWS delivers
 * them, detecting the shape by itself:
 * <ul>
 *   <li>an S3 log file {@code {"Records":[...]}};</li>
 *   <li>a JSON array of records (or findings);</li>
 *   <li>NDJSON (one record per line), or simply one record;</li>
 *   <li>EventBridge events ({@code detail-type} "AWS API Call via CloudTrail", "AWS Console Sign In
 *       via CloudTrail", ...), whose {@code region} and {@code account} fill a record's missing
 *       {@code awsRegion} and {@code recipientAccountId};</li>
 *   <li>the CLI's {@code aws cloudtrail lookup-events} output (records as JSON strings under
 *       {@code Events[].CloudTrailEvent});</li>
 *   <li>CloudWatch alarm state changes ({@link AlarmStateChange}): the EventBridge event of
 *       detail-type "CloudWatch Alarm State Change".</li>
 *   <li>GuardDuty findings ({@link GuardDutyFinding}): the finding JSON, the "GuardDuty Finding"
 *       EventBridge event, {@code aws guardduty get-findings} output;</li>
 *   <li>Security Hub findings ({@link SecurityHubFinding}, ASFF): one finding,
 *       {@code aws securityhub get-findings} output {@code {"Findings":[...]}}, the "Security Hub
 *       Findings - Imported" EventBridge event;</li>
 *   <li>any of these gzip-compressed, recognised by the gzip magic bytes, not the file name.</li>
 * </ul>
 * Several of these may follow each other in one input, of mixed kinds (concatenated log files, an
 * array of EventBridge events of several detail-types, as an archive or a SIEM export holds). A
 * CloudTrail digest file is refused with a message saying so.
 *
 * <p>Lenient by default: a record field that is missing (even one CloudTrail always writes, such as
 * {@code eventID}), has the wrong type, or an {@code eventTime} in an unknown form is absent, never
 * a failure (see {@link CloudTrailEvent}). {@link #strict()} turns on the schema checks: required
 * fields, ISO-8601 times, value types. Damaged JSON is always an error.
 *
 * <p>Reading streams: memory does not grow with the input's size. Gzip input is decompressed on a
 * daemon thread ({@code remediate-gunzip <source>}) while the caller's thread parses (gzip files
 * under 1 MiB are inflated on the caller's thread: a thread costs more than it saves there);
 * {@link #close()} stops it. Malformed input (truncated gzip, invalid JSON, a top-level value of the wrong type,
 * nesting deeper than 128 levels, a string longer than 1 MiB, a {@code requestParameters},
 * {@code responseElements} or {@code additionalEventData} part longer than 2 MiB) throws a
 * {@link CloudTrailParseException} naming the source and the position, from {@link #hasNext()} or
 * {@link #next()}, after every item before the fault has been handed out; the reader then ends.
 * No {@link IOException} or Jackson exception escapes.
 *
 * <pre>{@code
 * try (SecurityEventReader reader = SecurityEventReader.open(Path.of("findings.json"))) {
 *   while (reader.hasNext()) {
 *     SecurityEvent event = reader.next();
 *     if (event instanceof GuardDutyFinding finding) {
 *       System.out.println(finding.type());
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class SecurityEventReader implements Iterator<SecurityEvent>, AutoCloseable {
  private static final int BUFFER = 1 << 16;
  private static final Set<String> ENVELOPE_FIELDS = Set.of(
      "version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail");
  private static final Set<String> DIGEST_FIELDS = Set.of("awsAccountId", "digestStartTime",
      "digestEndTime", "digestS3Bucket", "digestS3Object", "digestPublicKeyFingerprint",
      "digestSignatureAlgorithm", "logFiles", "previousDigestS3Bucket");

  /** Fields a GuardDuty finding may start with (the finding JSON has no fixed order). */
  private static final Set<String> GUARDDUTY_FIELDS = Set.of("schemaVersion", "accountId",
      "partition", "arn", "type", "resource", "service", "severity", "createdAt", "updatedAt",
      "title", "description");

  /** What an array holds. */
  private enum Holds { RECORDS, LOOKUP_EVENTS, FINDINGS }

  /** An array being read: of records, the {@code Events} of lookup-events output, findings. */
  private static final class Frame {
    final Holds holds;
    final boolean insideObject;

    Frame(Holds holds, boolean insideObject) {
      this.holds = holds;
      this.insideObject = insideObject;
    }
  }

  private final String source;
  private final InputStream input;
  private final boolean gzip;
  private final Recorder recorder;
  private final JsonParser parser;
  private final Deque<Frame> frames = new ArrayDeque<>();
  /** Items already parsed and not yet handed out (the findings of one envelope). */
  private final Deque<SecurityEvent> queued = new ArrayDeque<>();
  private RecordParser records = RecordParser.LENIENT;
  private boolean started;
  private @Nullable SecurityEvent pending;
  private boolean done;
  private long count;

  private SecurityEventReader(String source, InputStream input, boolean gzip) throws IOException {
    this.source = source;
    this.input = input;
    this.gzip = gzip;
    this.recorder = new Recorder(input);
    this.parser = Json.FACTORY.createParser(recorder);
  }

  /**
   * Opens a file.
   *
   * @param file the file, plain or gzip-compressed
   * @return a reader; close it
   * @throws CloudTrailParseException when the file cannot be opened or its first bytes not read
   */
  public static SecurityEventReader open(Path file) {
    InputStream in;
    long size;
    try {
      in = Files.newInputStream(file);
      size = Files.size(file);
    } catch (IOException e) {
      throw new CloudTrailParseException(file.toString(), -1, -1, -1,
          "cannot open: " + e, e);
    }
    return open(in, file.toString(), size >= SMALL_GZIP);
  }

  /**
   * Reads a stream. The reader closes it.
   *
   * @param in the data, plain or gzip-compressed
   * @param sourceName how messages name the stream, e.g. a file name or {@code <stdin>}
   * @return a reader; close it
   * @throws CloudTrailParseException when the first bytes cannot be read
   */
  public static SecurityEventReader open(InputStream in, String sourceName) {
    return open(in, sourceName, true);
  }

  /** Gzip files smaller than this are inflated on the caller's thread: a thread costs more. */
  private static final long SMALL_GZIP = 1 << 20;

  private static SecurityEventReader open(InputStream in, String sourceName, boolean background) {
    PushbackInputStream head = new PushbackInputStream(in, 2);
    boolean gzip = false;
    try {
      byte[] magic = head.readNBytes(2);
      head.unread(magic);
      gzip = magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
      InputStream data = !gzip ? head : background
          ? new BackgroundGunzip(new GZIPInputStream(head, BUFFER), sourceName)
          : new GZIPInputStream(head, BUFFER);
      return new SecurityEventReader(sourceName, data, gzip);
    } catch (IOException e) {
      closeQuietly(head);
      throw new CloudTrailParseException(sourceName, -1, -1, 0,
          (gzip ? "corrupt gzip header: " : "cannot read: ") + e, e);
    }
  }

  /** @return the name messages give the input */
  public String source() {
    return source;
  }

  /** @return how many items {@link #next()} has handed out */
  public long count() {
    return count;
  }

  /**
   * Turns on the schema checks of CloudTrail records: every field CloudTrail always writes
   * ({@code eventVersion}, {@code eventTime}, {@code eventSource}, {@code eventName},
   * {@code awsRegion}, {@code eventID}, {@code eventType}) present, {@code eventTime} ISO-8601,
   * {@code eventVersion} a version number, every known field of its type. A record that fails them
   * is malformed input. Call before reading.
   *
   * @return this reader
   * @throws IllegalStateException when reading has started
   */
  public SecurityEventReader strict() {
    if (started) {
      throw new IllegalStateException("strict() must be called before reading " + source);
    }
    records = RecordParser.STRICT;
    return this;
  }

  /**
   * Reads ahead to the next record.
   *
   * @return true when there is one
   * @throws CloudTrailParseException when the input is malformed at this point; the reader ends
   */
  @Override
  public boolean hasNext() {
    if (pending != null) {
      return true;
    }
    if (done) {
      return false;
    }
    started = true;
    try {
      pending = advance();
    } catch (Malformed e) {
      throw fail(e.getMessage(), null, e);
    } catch (JsonProcessingException e) {
      throw fail(e.getOriginalMessage(), e.getLocation(), e);
    } catch (IOException e) {
      String what = gzip ? "truncated or corrupt gzip data: " : "cannot read: ";
      throw fail(what + e.getMessage(), null, e);
    } catch (RuntimeException e) {
      // Guards against a record the model rejects in a way the parser did not foresee.
      throw fail("not a valid record or finding: " + e.getMessage(), null, e);
    }
    if (pending == null) {
      done = true;
      close();
    }
    return pending != null;
  }

  /**
   * Returns the next record or finding.
   *
   * @return the record or finding
   * @throws NoSuchElementException when there are no more records
   * @throws CloudTrailParseException when the input is malformed at this point; the reader ends
   */
  @Override
  public SecurityEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException("No more records in " + source);
    }
    SecurityEvent event = pending;
    pending = null;
    count++;
    return event;
  }

  /**
   * The remaining records as a sequential stream; closing the stream closes the reader.
   *
   * @return the stream
   */
  public Stream<SecurityEvent> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this,
        Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(this::close);
  }

  /** Closes the input. Idempotent; never throws. */
  @Override
  public void close() {
    done = true;
    try {
      parser.close();
    } catch (IOException | RuntimeException e) {
      // Nothing left to read; a failure to close a read-only stream loses nothing.
    }
    closeQuietly(input);
  }

  private CloudTrailParseException fail(@Nullable String problem, @Nullable JsonLocation at,
      Throwable cause) {
    JsonLocation location = at != null && at.getLineNr() > 0 ? at : parser.currentLocation();
    close();
    return new CloudTrailParseException(source, location.getLineNr(), location.getColumnNr(),
        location.getByteOffset(), problem == null ? cause.toString() : problem, cause);
  }

  private @Nullable SecurityEvent advance() throws IOException {
    while (true) {
      if (!queued.isEmpty()) {
        return queued.poll();
      }
      JsonToken t = parser.nextToken();
      Frame frame = frames.peek();
      if (frame == null) {
        if (t == null) {
          return null;
        }
        if (t == JsonToken.START_ARRAY) {
          frames.push(new Frame(Holds.RECORDS, false));
          continue;
        }
        if (t != JsonToken.START_OBJECT) {
          throw new Malformed("expected a CloudTrail record, log file, finding or array of them, "
              + "found " + RecordParser.describe(t));
        }
      } else if (t == JsonToken.END_ARRAY) {
        frames.pop();
        if (frame.insideObject) {
          skipRestOfObject();
        }
        continue;
      } else if (t != JsonToken.START_OBJECT) {
        throw new Malformed((frame.holds == Holds.LOOKUP_EVENTS ? "an Events[] entry"
            : frame.holds == Holds.FINDINGS ? "a Findings[] entry" : "an array element")
            + " must be an object, found " + RecordParser.describe(t));
      } else if (frame.holds == Holds.LOOKUP_EVENTS) {
        return lookupEntry();
      } else if (frame.holds == Holds.FINDINGS) {
        return FindingParser.parse(Json.tree(parser), null, null);
      }
      SecurityEvent event = object();
      if (event != null) {
        return event;
      }
    }
  }

  /**
   * Reads an object: a record, an envelope, a finding, or the start of a log file, lookup-events
   * or get-findings output.
   */
  private @Nullable SecurityEvent object() throws IOException {
    JsonToken t = parser.nextToken();
    if (t == JsonToken.END_OBJECT) {
      throw new Malformed("an empty object is neither a CloudTrail record nor a finding");
    }
    String first = parser.currentName();
    if ("Records".equals(first) || "Events".equals(first) || "Findings".equals(first)) {
      JsonToken value = parser.nextToken();
      if (value != JsonToken.START_ARRAY) {
        throw RecordParser.wrongType(first, "an array", value);
      }
      frames.push(new Frame("Records".equals(first) ? Holds.RECORDS
          : "Events".equals(first) ? Holds.LOOKUP_EVENTS : Holds.FINDINGS, true));
      return null;
    }
    if (DIGEST_FIELDS.contains(first)) {
      throw new Malformed("this is a CloudTrail digest file (hashes of log files, field '" + first
          + "'), not a log file: read the log files it lists instead");
    }
    if (ENVELOPE_FIELDS.contains(first) || GUARDDUTY_FIELDS.contains(first)
        || Character.isUpperCase(first.charAt(0))) {
      return tree(first);
    }
    return records.parse(parser, null, null, recorder);
  }

  /**
   * Reads an object whose first field is not a record's as a tree: an EventBridge envelope, a
   * finding, or a record after all.
   */
  private SecurityEvent tree(String first) throws IOException {
    ObjectNode node = Json.MAPPER.createObjectNode();
    for (String name = first; name != null; name = parser.nextFieldName()) {
      parser.nextToken();
      node.set(name, Json.tree(parser));
    }
    JsonNode detail = node.get("detail");
    if (detail == null) {
      if (FindingParser.isAsff(node) || FindingParser.isGuardDuty(node)) {
        return FindingParser.parse(node, null, null);
      }
      return fromTree(node, null, null);
    }
    String type = node.path("detail-type").asText("");
    String region = textOrNull(node.get("region"));
    String account = textOrNull(node.get("account"));
    if (!detail.isObject()) {
      throw RecordParser.wrongType("detail", "an object", detail.asToken());
    }
    if (type.endsWith("via CloudTrail")) {
      return fromTree(detail, region, account);
    }
    if (type.equals("GuardDuty Finding") || type.startsWith("Security Hub Findings")) {
      JsonNode findings = detail.get("findings");
      if (findings == null) {
        return FindingParser.parse(detail, region, account);
      }
      if (!findings.isArray() || findings.isEmpty()) {
        throw new Malformed("detail.findings of a '" + type + "' event must be a non-empty array");
      }
      for (JsonNode finding : findings) {
        queued.add(FindingParser.parse(finding, region, account));
      }
      return queued.poll();
    }
    if (type.equals(AlarmStateChange.DETAIL_TYPE)) {
      JsonNode resources = node.path("resources");
      return AlarmStateChange.parse(detail, region, account,
          resources.isArray() && !resources.isEmpty() ? textOrNull(resources.get(0)) : null);
    }
    throw new Malformed("an EventBridge event of detail-type '" + RecordParser.shorten(type)
        + "' carries neither a CloudTrail record, a GuardDuty or Security Hub finding nor a "
        + "CloudWatch alarm state change");
  }

  private static @Nullable String textOrNull(@Nullable JsonNode node) {
    return node != null && node.isTextual() ? node.asText() : null;
  }

  private CloudTrailEvent fromTree(JsonNode record, @Nullable String region,
      @Nullable String account) throws IOException {
    try (JsonParser p = record.traverse()) {
      p.nextToken();
      return records.parse(p, region, account, null);
    }
  }

  /** Reads one {@code Events[]} entry of lookup-events output; its record is a JSON string. */
  private CloudTrailEvent lookupEntry() throws IOException {
    CloudTrailEvent event = null;
    for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
      JsonToken value = parser.nextToken();
      if (!"CloudTrailEvent".equals(name)) {
        parser.skipChildren();
        continue;
      }
      if (value != JsonToken.VALUE_STRING) {
        throw RecordParser.wrongType("Events[].CloudTrailEvent", "a string of JSON", value);
      }
      try (JsonParser embedded = Json.FACTORY.createParser(parser.getText())) {
        if (embedded.nextToken() != JsonToken.START_OBJECT) {
          throw new Malformed("Events[].CloudTrailEvent must hold a JSON object");
        }
        event = records.parse(embedded, null, null, null);
      } catch (JsonProcessingException e) {
        throw new Malformed("invalid JSON in Events[].CloudTrailEvent: " + e.getOriginalMessage());
      }
    }
    if (event == null) {
      throw new Malformed("an Events[] entry has no CloudTrailEvent");
    }
    return event;
  }

  private void skipRestOfObject() throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      parser.nextToken();
      parser.skipChildren();
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Read-only: nothing is lost.
    }
  }
}
