package dev.remediate.core.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Records as people feed them: fields missing, times in other forms, values of other types. */
class LenientReadingTest {
  private static final String A = CloudTrailReaderTest.record("a");

  @ParameterizedTest
  @ValueSource(strings = {"\"eventID\":\"a\",", "\"eventType\":\"AwsApiCall\",",
      "\"eventVersion\":\"1.09\",", "\"requestID\":\"r-a\","})
  void read_fieldCloudTrailAlwaysWritesMissing_recordReadFieldAbsent(String field) {
    assertTrue(A.contains(field), field);
    CloudTrailEvent e = CloudTrailReaderTest.read(A.replace(field, "")).get(0);
    assertEquals("CreateVpc", e.eventName());
    assertTrue(e.isRoutable());
    String name = field.substring(1, field.indexOf('"', 1));
    Optional<String> value = switch (name) {
      case "eventID" -> e.eventId();
      case "eventType" -> e.eventType();
      case "eventVersion" -> e.eventVersion();
      default -> e.requestId();
    };
    assertEquals(Optional.empty(), value, name);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2025-01-21 17:49:47.000000000|2025-01-21T17:49:47Z",
      "2025-01-21T17:49:47.123456Z|2025-01-21T17:49:47.123456Z",
      "2025-01-21T17:49:47.1234567891234Z|2025-01-21T17:49:47.123456789Z",
      "2025-01-21T17:49:47+02:00|2025-01-21T15:49:47Z",
      "2025-01-21T17:49:47-0530|2025-01-21T23:19:47Z",
      "2025-01-21 17:49:47 UTC|2025-01-21T17:49:47Z",
      "2025-01-21T17:49:47|2025-01-21T17:49:47Z",
      "2025-01-21T17:49Z|2025-01-21T17:49:00Z"})
  void read_eventTimeVariants_parsedToTheInstant(String written, String expected) {
    CloudTrailEvent e = CloudTrailReaderTest.read(A.replace("2024-05-01T10:00:00Z", written)).get(0);
    assertEquals(Optional.of(Instant.parse(expected)), e.eventTime());
    assertEquals(Optional.of(written), e.eventTimeText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"yesterday", "2025-13-01T00:00:00Z", "2025-02-30 10:00:00", "1737481787"})
  void read_unparseableEventTime_rawTextKept(String written) {
    CloudTrailEvent e = CloudTrailReaderTest.read(A.replace("2024-05-01T10:00:00Z", written)).get(0);
    assertEquals(Optional.empty(), e.eventTime());
    assertEquals(Optional.of(written), e.eventTimeText());
    assertEquals(written, EventSummaries.summary(e).get("eventTime").asText());
  }

  @Test
  void read_valuesOfOtherTypes_scalarsAsTextStructuresAbsent() {
    CloudTrailEvent e = CloudTrailReaderTest.read(A
        .replace("\"recipientAccountId\":\"111122223333\"", "\"recipientAccountId\":111122223333")
        .replace("\"readOnly\":false", "\"readOnly\":\"maybe\"")
        .replace("\"userAgent\":\"aws-cli/2.15\"", "\"userAgent\":{\"x\":1}")).get(0);
    assertEquals(Optional.of("111122223333"), e.recipientAccountId());
    assertEquals(Optional.empty(), e.readOnly());
    assertEquals(Optional.empty(), e.userAgent());
    assertEquals(Optional.of("a"), e.eventId());
  }

  @Test
  void read_recordWithoutEventSourceOrName_readAndCountedUnroutable() {
    List<CloudTrailEvent> events = CloudTrailReaderTest.read("[" + A + ","
        + A.replace("\"eventSource\":\"ec2.amazonaws.com\",", "") + ","
        + A.replace("\"eventName\":\"CreateVpc\",", "") + "]");
    assertEquals(3, events.size());
    EventSummaries.Tally tally = EventSummaries.tally();
    events.forEach(tally::add);
    assertEquals(3, tally.total());
    assertEquals(2, tally.unroutable());
    assertEquals(1, tally.count(EventKey.of("ec2.amazonaws.com", "CreateVpc")));
    assertFalse(events.get(1).isRoutable());
    assertEquals("", events.get(1).eventSource());
    assertTrue(EventRouter.builder().build().route(events.get(1)).isEmpty());
  }

  @Test
  void strict_afterReadingStarted_refused() {
    try (CloudTrailReader reader = CloudTrailReader.open(new ByteArrayInputStream(A.getBytes(UTF_8)),
        "x")) {
      reader.hasNext();
      assertThrows(IllegalStateException.class, reader::strict);
    }
  }

  @Test
  void read_corpus_strictAndLenientAgree() {
    for (java.nio.file.Path file : Corpus.plainFiles()) {
      try (CloudTrailReader strict = CloudTrailReader.open(file).strict();
          CloudTrailReader lenient = CloudTrailReader.open(file)) {
        assertEquals(strict.stream().toList(), lenient.stream().toList(), file.toString());
      }
    }
  }
}
