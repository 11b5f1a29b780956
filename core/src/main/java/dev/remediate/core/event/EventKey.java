package dev.remediate.core.event;

import java.util.Objects;

/**
 * The ({@code eventSource}, {@code eventName}) pair that selects event rules, e.g.
 * {@code EventKey.of("ec2.amazonaws.com", "CreateVpc")}.
 *
 * <pre>{@code
 * EventKey createVpc = EventKey.of("ec2.amazonaws.com", "CreateVpc");
 * if (event.key().equals(createVpc)) {
 *   System.out.println("new VPC in " + event.awsRegion());
 * }
 * }</pre>
 *
 * @param eventSource the service, e.g. {@code ec2.amazonaws.com}
 * @param eventName the API action, e.g. {@code CreateVpc}
 */
public record EventKey(String eventSource, String eventName) {
  /**
   * Creates a key.
   *
   * @param eventSource the service, not blank
   * @param eventName the action, not blank
   */
  public EventKey {
    Objects.requireNonNull(eventSource, "eventSource");
    Objects.requireNonNull(eventName, "eventName");
    if (eventSource.isBlank() || eventName.isBlank()) {
      throw new IllegalArgumentException(
          "Blank event key ('" + eventSource + "', '" + eventName + "')");
    }
  }

  /**
   * Creates a key.
   *
   * @param eventSource the service, e.g. {@code ec2.amazonaws.com}
   * @param eventName the action, e.g. {@code CreateVpc}
   * @return the key
   */
  public static EventKey of(String eventSource, String eventName) {
    return new EventKey(eventSource, eventName);
  }

  @Override
  public String toString() {
    return eventSource + ":" + eventName;
  }
}
