package dev.remediate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.remediate.core.aws.AwsScope;
import dev.remediate.core.plan.Flag;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GuardrailsTest {
  @Test
  void ofDefaults_hasNoConsentAndDefaultTag() {
    Guardrails g = Guardrails.ofDefaults();
    assertFalse(g.dryRun());
    assertEquals(Integer.MAX_VALUE, g.maxChanges());
    assertEquals("remediate:skip", g.optOutTagKey());
    assertTrue(g.consents().isEmpty());
  }

  @Test
  void from_base_copiesAndOverrides() {
    Guardrails base = Guardrails.custom().maxChanges(5).consentTo(Flag.DOWNTIME).build();
    Guardrails copy = Guardrails.from(base).dryRun(true).build();
    assertEquals(5, copy.maxChanges());
    assertTrue(copy.consentsTo(Flag.DOWNTIME));
    assertTrue(copy.dryRun());
    assertEquals(base, Guardrails.from(base).build());
  }

  @Test
  void custom_badValues_failNamingThem() {
    assertTrue(assertThrows(InvalidRemediationException.class,
        () -> Guardrails.custom().maxChanges(0)).getMessage().contains("0"));
    assertTrue(assertThrows(InvalidRemediationException.class,
        () -> Guardrails.custom().optOutTagKey("aws:reserved")).getMessage()
        .contains("aws:reserved"));
    assertThrows(InvalidRemediationException.class, () -> Guardrails.custom().optOutTagKey(""));
  }

  @Test
  void awsScope_badValues_failNamingThem() {
    assertTrue(assertThrows(InvalidRemediationException.class,
        () -> AwsScope.builder().region("Mars-1")).getMessage().contains("Mars-1"));
    assertTrue(assertThrows(InvalidRemediationException.class,
        () -> AwsScope.builder().account("12345")).getMessage().contains("12345"));
    assertThrows(InvalidRemediationException.class,
        () -> AwsScope.builder().waiterTimeout(Duration.ZERO));
    assertThrows(InvalidRemediationException.class, () -> AwsScope.builder().build());
  }

  @Test
  void awsScope_waiterConfiguration_derivesAttemptsFromTimeoutAndInterval() {
    try (AwsScope scope = AwsScope.builder().region("us-east-1").account("123456789012")
        .waiterPollInterval(Duration.ofSeconds(10)).waiterTimeout(Duration.ofMinutes(5)).build()) {
      assertEquals(Duration.ofMinutes(5), scope.waiterConfiguration().waitTimeout().get());
      assertEquals(31, scope.waiterConfiguration().maxAttempts().get());
      assertEquals("123456789012", scope.account());
      assertEquals("us-west-2", scope.inRegion(software.amazon.awssdk.regions.Region.US_WEST_2)
          .region().id());
    }
  }
}
