package dev.remediate.core.event;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code eventTime} forms found in real-world files besides CloudTrail's own
 * ({@code 2024-05-01T10:00:00Z}): a space instead of {@code T}, fractional seconds of any length
 * (digits beyond nanoseconds are dropped), an offset ({@code +02:00}, {@code +0200}, {@code +02}),
 * {@code UTC}, or no zone at all, read as UTC (SIEM exports drop it).
 */
final class EventTimes {
  private static final Pattern FORM = Pattern.compile(
      "(\\d{4})-(\\d{2})-(\\d{2})[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d+))?)?"
          + " ?(?:([Zz]|UTC)|([+-])(\\d{2})(?::?(\\d{2}))?)?");

  private EventTimes() {}

  /** @return the instant, or null when the text has none of the known forms or is out of range */
  static @Nullable Instant parse(String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    try {
      int nanos = 0;
      if (m.group(7) != null) {
        String fraction = (m.group(7) + "00000000").substring(0, 9);
        nanos = Integer.parseInt(fraction);
      }
      LocalDateTime local = LocalDateTime.of(number(m, 1), number(m, 2), number(m, 3),
          number(m, 4), number(m, 5), m.group(6) == null ? 0 : number(m, 6), nanos);
      ZoneOffset offset = ZoneOffset.UTC;
      if (m.group(9) != null) {
        int hours = number(m, 10);
        int minutes = m.group(11) == null ? 0 : number(m, 11);
        int sign = m.group(9).equals("-") ? -1 : 1;
        offset = ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
      }
      return local.toInstant(offset);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static int number(Matcher m, int group) {
    return Integer.parseInt(m.group(group));
  }
}
