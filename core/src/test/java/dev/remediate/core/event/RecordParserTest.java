package dev.remediate.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordParserTest {
  @ParameterizedTest
  @ValueSource(strings = {"2023-07-10T11:54:42Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z",
      "2000-12-31T12:00:00Z", "9999-12-31T23:59:59Z"})
  void utcSeconds_cloudTrailForm_sameAsInstantParse(String text) {
    assertEquals(Instant.parse(text), RecordParser.utcSeconds(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2023-02-29T00:00:00Z", "2023-13-01T00:00:00Z", "2023-07-10T24:00:00Z",
      "2023-07-10T11:54:42.123Z", "2023-07-10 11:54:42Z", "2023-07-1aT11:54:42Z", "2023-04-31T00:00:00Z",
      "+12023-07-10T11:54:42Z"})
  void utcSeconds_otherForms_leftToInstantParse(String text) {
    assertNull(RecordParser.utcSeconds(text));
  }

  @Test
  void read_fractionalEventTime_parsedByTheGeneralParser() {
    CloudTrailEvent e = CloudTrailReaderTest.read(CloudTrailReaderTest.record("a")
        .replace("2024-05-01T10:00:00Z", "2024-05-01T10:00:00.250Z")).get(0);
    assertEquals(Instant.parse("2024-05-01T10:00:00.250Z"), e.eventTime().orElseThrow());
  }
}
