package dev.remediate.core.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of real records: each input either parses or throws
 * {@link CloudTrailParseException}; nothing else, and none takes a second.
 */
class CloudTrailReaderFuzzTest {
  private static final long SEED = 20261127L;
  private static final int INPUTS = 10_000;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Kinds of input: six mutations (0 to 5), then the unmutated record. */
  private static final int KINDS = 7;
  private static final int UNMUTATED = 6;
  private static final int SHAPES = 5;
  private static final int PARSED = 0;
  private static final int REFUSED = 1;
  private static final int OTHER = 2;

  @Test
  void read_tenThousandMutations_parseOrThrowParseExceptionOnly() throws IOException {
    List<JsonNode> records = corpusRecords();
    Random random = new Random(SEED);
    // Outcomes by kind of mutation: [kind][PARSED | REFUSED | OTHER].
    int[][] outcomes = new int[KINDS][3];
    List<String> unmutatedRefused = new ArrayList<>();
    List<String> others = new ArrayList<>();
    long[] slowest = new long[1];
    assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
      for (int i = 0; i < INPUTS; i++) {
        JsonNode record = records.get(random.nextInt(records.size())).deepCopy();
        int kind = random.nextInt(KINDS);
        Mutation mutation;
        try {
          mutation = mutate(kind, record, random);
        } catch (IOException e) {
          throw new AssertionError("mutation " + i + " failed to build", e);
        }
        String what = "input " + i + " (kind " + kind + ", seed " + SEED + ")";
        long start = System.nanoTime();
        int read = 0;
        try (CloudTrailReader reader = CloudTrailReader.open(new ByteArrayInputStream(mutation.bytes), "fuzz")) {
          while (reader.hasNext()) {
            CloudTrailEvent event = reader.next();
            // Opaque parts become trees on first access: that must not fail either.
            event.requestParameters();
            event.responseElements();
            event.additionalEventData();
            read++;
          }
          outcomes[kind][PARSED]++;
          if (kind == UNMUTATED && read != mutation.records) {
            unmutatedRefused.add(what + " read " + read + " records of " + mutation.records);
          }
        } catch (CloudTrailParseException expected) {
          Throwable cause = expected.getCause();
          if (cause instanceof RuntimeException && !(cause instanceof RecordParser.Malformed)) {
            // The reader's safety net turned an unforeseen exception (a bug) into a parse exception.
            outcomes[kind][OTHER]++;
            others.add(what + " refused through the safety net: " + cause);
          } else {
            outcomes[kind][REFUSED]++;
          }
          if (!expected.getMessage().startsWith("fuzz")) {
            others.add(what + ": message does not name the source: " + expected.getMessage());
          }
          if (kind == UNMUTATED) {
            unmutatedRefused.add(what + " refused: " + expected.getMessage());
          }
        } catch (Throwable unexpected) {
          outcomes[kind][OTHER]++;
          others.add(what + " threw " + unexpected);
        }
        long elapsed = System.nanoTime() - start;
        slowest[0] = Math.max(slowest[0], elapsed);
        if (elapsed > 1_000_000_000L) {
          fail(what + " took " + elapsed / 1_000_000 + " ms");
        }
      }
    });
    String table = java.util.Arrays.deepToString(outcomes) + " ([kind][parsed, refused, other])";
    assertEquals(List.of(), others, "inputs that threw something other than a parse exception: " + table);
    assertEquals(List.of(), unmutatedRefused, "unmutated records must parse whole: " + table);
    int total = 0;
    for (int kind = 0; kind < KINDS; kind++) {
      total += outcomes[kind][PARSED] + outcomes[kind][REFUSED] + outcomes[kind][OTHER];
      // Every kind must be drawn often enough to mean something.
      assertTrue(outcomes[kind][PARSED] + outcomes[kind][REFUSED] > INPUTS / KINDS / 2,
          "kind " + kind + " drawn too rarely: " + table);
    }
    assertEquals(INPUTS, total, table);
    // The unmutated inputs all parse (checked above); the mutations must refuse often, or they are
    // not doing their job, and must leave some inputs parseable, or they only test refusal.
    int mutatedParsed = 0;
    int mutatedRefused = 0;
    for (int kind = 0; kind < UNMUTATED; kind++) {
      mutatedParsed += outcomes[kind][PARSED];
      mutatedRefused += outcomes[kind][REFUSED];
    }
    assertTrue(mutatedRefused > 500 && mutatedParsed > 500, table);
  }

  /** Every corpus record, unchanged, in each shape the reader accepts (plain and gzip), parses whole. */
  @Test
  void read_everyCorpusRecordInEveryShape_parses() throws IOException {
    List<JsonNode> records = corpusRecords();
    List<String> failures = new ArrayList<>();
    for (int n = 0; n < records.size(); n++) {
      JsonNode record = records.get(n);
      String eventId = record.get("eventID").asText();
      for (int shape = 0; shape < SHAPES; shape++) {
        byte[] plain = wrap(record, shape);
        byte[] input = (n + shape) % 4 == 0 ? CloudTrailReaderTest.gzip(plain) : plain;
        try (CloudTrailReader reader = CloudTrailReader.open(new ByteArrayInputStream(input), "corpus")) {
          List<String> ids = new ArrayList<>();
          reader.forEachRemaining(e -> ids.add(e.eventId().orElseThrow()));
          List<String> expected = shape == 1 || shape == 2 ? List.of(eventId, eventId) : List.of(eventId);
          if (!ids.equals(expected)) {
            failures.add(eventId + " shape " + shape + ": read " + ids);
          }
        } catch (CloudTrailParseException e) {
          failures.add(eventId + " shape " + shape + ": " + e.getMessage());
        }
      }
    }
    assertEquals(Corpus.RECORDS, records.size());
    assertEquals(List.of(), failures);
  }

  private static List<JsonNode> corpusRecords() throws IOException {
    List<JsonNode> records = new ArrayList<>();
    for (Path file : Corpus.plainFiles()) {
      JsonNode root = MAPPER.readTree(file.toFile());
      (root.isArray() ? root : root.get("Records")).forEach(records::add);
    }
    return records;
  }

  /** A fuzz input and, when it is unmutated, the number of records it holds. */
  private record Mutation(byte[] bytes, int records) {
    Mutation(byte[] bytes) {
      this(bytes, -1);
    }
  }

  private static Mutation mutate(int kind, JsonNode record, Random random) throws IOException {
    if (kind == UNMUTATED) { // in a random shape, possibly gzip: must parse whole
      int shape = random.nextInt(SHAPES);
      return new Mutation(maybeGzip(wrap(record, shape), random), shape == 1 || shape == 2 ? 2 : 1);
    }
    return new Mutation(mutated(kind, record, random));
  }

  private static byte[] mutated(int kind, JsonNode record, Random random) throws IOException {
    switch (kind) {
      case 0: { // truncation, possibly of gzip
        byte[] bytes = maybeGzip(wrap(record, random), random);
        return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
      }
      case 1: { // byte flips
        byte[] bytes = maybeGzip(wrap(record, random), random);
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return bytes;
      }
      case 2: { // type swaps at any depth
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          swapType(record, random);
        }
        return wrap(record, random);
      }
      case 3: { // deep nesting
        int depth = 50 + random.nextInt(5_000);
        String deep = "[".repeat(depth) + "]".repeat(depth);
        String text = new String(wrap(record, random), UTF_8);
        int at = text.indexOf("\"requestParameters\":");
        return (at < 0 ? deep : text.substring(0, at) + "\"requestParameters\":" + deep + ","
            + text.substring(at + "\"requestParameters\":".length()).replaceFirst("^null,|^\\{", "{"))
            .getBytes(UTF_8);
      }
      case 4: { // very long strings
        int length = random.nextInt(8) != 0
            ? 1_000 + random.nextInt(50_000)
            : (random.nextBoolean() ? Json.MAX_STRING : Recorder.MAX_CAPTURE) + random.nextInt(1000);
        ((ObjectNode) record).put(randomField(record, random), "y".repeat(length));
        return wrap(record, random);
      }
      case 5: { // invalid UTF-8
        byte[] bytes = wrap(record, random);
        byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        int at = random.nextInt(bytes.length);
        int n = 1 + random.nextInt(3);
        for (int k = 0; k < n && at + k < bytes.length; k++) {
          bytes[at + k] = bad[random.nextInt(bad.length)];
        }
        return maybeGzip(bytes, random);
      }
      default:
        throw new IllegalArgumentException("kind " + kind);
    }
  }

  private static String randomField(JsonNode record, Random random) {
    List<String> names = new ArrayList<>();
    record.fieldNames().forEachRemaining(names::add);
    return names.get(random.nextInt(names.size()));
  }

  private static void swapType(JsonNode node, Random random) {
    JsonNode current = node;
    while (true) {
      if (!current.isContainerNode() || current.isEmpty()) {
        return;
      }
      if (current.isObject()) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = current.fields();
        it.forEachRemaining(fields::add);
        Map.Entry<String, JsonNode> field = fields.get(random.nextInt(fields.size()));
        if (random.nextInt(3) == 0 || !field.getValue().isContainerNode()) {
          ((ObjectNode) current).set(field.getKey(), other(field.getValue(), random));
          return;
        }
        current = field.getValue();
      } else {
        current = current.get(random.nextInt(current.size()));
      }
    }
  }

  private static JsonNode other(JsonNode value, Random random) {
    switch (random.nextInt(6)) {
      case 0: return NODES.numberNode(random.nextLong());
      case 1: return NODES.booleanNode(random.nextBoolean());
      case 2: return NODES.nullNode();
      case 3: return NODES.arrayNode().add(value);
      case 4: return NODES.objectNode().set("v", value);
      default: return NODES.textNode(value.toString());
    }
  }

  private static byte[] wrap(JsonNode record, Random random) throws IOException {
    return wrap(record, random.nextInt(SHAPES));
  }

  /** Shapes: 0 S3 log file, 1 JSON array of two, 2 NDJSON of two, 3 EventBridge, 4 lookup-events. */
  private static byte[] wrap(JsonNode record, int shape) throws IOException {
    String json = MAPPER.writeValueAsString(record);
    switch (shape) {
      case 0: return ("{\"Records\":[" + json + "]}").getBytes(UTF_8);
      case 1: return ("[" + json + "," + json + "]").getBytes(UTF_8);
      case 2: return (json + "\n" + json + "\n").getBytes(UTF_8);
      case 3: return ("{\"version\":\"0\",\"detail-type\":\"AWS API Call via CloudTrail\","
          + "\"account\":\"111122223333\",\"region\":\"eu-west-1\",\"detail\":" + json + "}").getBytes(UTF_8);
      default: return ("{\"Events\":[{\"CloudTrailEvent\":" + MAPPER.writeValueAsString(json) + "}]}")
          .getBytes(UTF_8);
    }
  }

  private static byte[] maybeGzip(byte[] bytes, Random random) {
    return random.nextInt(4) == 0 ? CloudTrailReaderTest.gzip(bytes) : bytes;
  }
}
