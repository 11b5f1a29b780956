package dev.remediate.core.event;

import java.util.Comparator;

/**
 * The {@code eventVersion} of a CloudTrail record as a number pair, compared numerically:
 * {@code 1.10} is newer than {@code 1.9}.
 *
 * <pre>{@code
 * EventVersion version = event.eventVersionNumber().orElse(EventVersion.parse("1.0"));
 * if (version.isAtLeast(EventVersion.parse("1.09"))) {
 *   System.out.println("record format " + version);
 * }
 * // numeric order: EventVersion.parse("1.10").compareTo(EventVersion.parse("1.9")) > 0
 * }</pre>
 *
 * @param major the part before the dot
 * @param minor the part after the dot (0 when there is none)
 */
public record EventVersion(int major, int minor) implements Comparable<EventVersion> {
  private static final Comparator<EventVersion> ORDER =
      Comparator.comparingInt(EventVersion::major).thenComparingInt(EventVersion::minor);

  /**
   * Creates a version.
   *
   * @param major the part before the dot, not negative
   * @param minor the part after the dot, not negative
   */
  public EventVersion {
    if (major < 0 || minor < 0) {
      throw new IllegalArgumentException("Negative event version " + major + "." + minor);
    }
  }

  /**
   * Parses a version such as {@code 1.08} or {@code 1.10}.
   *
   * @param text the version text
   * @return the version
   * @throws IllegalArgumentException when the text is not {@code <digits>[.<digits>]}
   */
  public static EventVersion parse(String text) {
    int dot = text.indexOf('.');
    try {
      if (dot < 0) {
        return new EventVersion(Integer.parseInt(text), 0);
      }
      return new EventVersion(Integer.parseInt(text.substring(0, dot)),
          Integer.parseInt(text.substring(dot + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not an event version: '" + text + "'", e);
    }
  }

  /**
   * Parses a version, without failing.
   *
   * @param text the version text
   * @return the version, or empty when the text is not a version number
   */
  public static java.util.Optional<EventVersion> tryParse(String text) {
    try {
      return java.util.Optional.of(parse(text));
    } catch (IllegalArgumentException e) {
      return java.util.Optional.empty();
    }
  }

  @Override
  public int compareTo(EventVersion other) {
    return ORDER.compare(this, other);
  }

  /**
   * Checks whether this version is at least another one.
   *
   * @param other the version to compare with, e.g. {@code EventVersion.parse("1.09")}
   * @return true when this version is the same or newer
   */
  public boolean isAtLeast(EventVersion other) {
    return compareTo(other) >= 0;
  }

  @Override
  public String toString() {
    return major + "." + (minor < 10 ? "0" + minor : String.valueOf(minor));
  }
}
