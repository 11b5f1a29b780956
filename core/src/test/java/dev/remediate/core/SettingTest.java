package dev.remediate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.aws.AwsNames;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingTest {
  private static final Setting ADDRESS = Setting.text("blockIp.address", "Address to block");
  private static final Setting MAX = Setting.integer("blockIp.maxEntries", "Quota", "20");

  @Test
  void valueIn_absentOrBlank_givesTheDefaultOrEmpty() {
    assertEquals(Optional.empty(), ADDRESS.valueIn(Map.of()));
    assertEquals(Optional.empty(), ADDRESS.valueIn(Map.of("blockIp.address", "  ")));
    assertEquals(Optional.of("20"), MAX.valueIn(Map.of()));
    assertEquals(Optional.of("30"), MAX.valueIn(Map.of("blockIp.maxEntries", " 30 ")));
  }

  @Test
  void valueIn_wrongKind_namesTheKeyAndValue() {
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> MAX.valueIn(Map.of("blockIp.maxEntries", "thirty")));
    assertTrue(e.getMessage().contains("blockIp.maxEntries") && e.getMessage().contains("thirty"),
        e.getMessage());
  }

  @Test
  void valueInWithParser_refusedValue_namesTheSetting() {
    assertEquals(Optional.of("203.0.113.7/32"),
        ADDRESS.valueIn(Map.of("blockIp.address", "203.0.113.7"), AwsNames::cidr));
    InvalidRemediationException e = assertThrows(InvalidRemediationException.class,
        () -> ADDRESS.valueIn(Map.of("blockIp.address", "203.0.113.700"), AwsNames::cidr));
    assertTrue(e.getMessage().startsWith("setting blockIp.address: "), e.getMessage());
    assertTrue(e.getMessage().contains("203.0.113.700"), e.getMessage());
  }

  @Test
  void advice_namesTheSettingAndTheJavaCall() {
    assertEquals("set blockIp.address=ADDRESS (Java: BlockIpAddress.of(...))",
        ADDRESS.advice("ADDRESS", "BlockIpAddress.of(...)"));
  }
}
