package dev.remediate.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventVersionTest {
  @Test
  void compareTo_oneTenAndOneNine_numericNotTextual() {
    assertTrue(EventVersion.parse("1.10").compareTo(EventVersion.parse("1.9")) > 0);
    assertTrue(EventVersion.parse("1.09").compareTo(EventVersion.parse("1.10")) < 0);
    assertEquals(EventVersion.parse("1.9"), EventVersion.parse("1.09"));
    assertTrue(EventVersion.parse("2").isAtLeast(EventVersion.parse("1.11")));
  }

  @Test
  void parse_notAVersion_throwsNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EventVersion.parse("1.x"));
    assertTrue(e.getMessage().contains("'1.x'"), e.getMessage());
  }

  @Test
  void toString_pads_likeCloudTrail() {
    assertEquals("1.08", EventVersion.parse("1.8").toString());
    assertEquals("1.11", new EventVersion(1, 11).toString());
  }
}
