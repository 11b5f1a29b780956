package dev.remediate.core.event;

import java.util.Optional;

/**
 * Something that happened in an account and may call for a remediation: a CloudTrail record
 * ({@link CloudTrailEvent}) or a {@link Finding} (GuardDuty, Security Hub, or a {@link Signal}
 * counted from records). {@link SecurityEventReader} reads both from one input.
 *
 * <pre>{@code
 * try (SecurityEventReader reader = SecurityEventReader.open(Path.of("findings.json"))) {
 *   reader.forEachRemaining(e -> System.out.println(e.describe() + " in " + e.region()));
 * }
 * }</pre>
 */
public interface SecurityEvent {
  /** @return the region it happened in, where a remediation acts; empty text when unknown */
  String region();

  /** @return the account it happened in, when known */
  Optional<String> account();

  /** @return a short description for messages, e.g. {@code CreateVpc 6f2c...} or a finding type and id */
  String describe();
}
