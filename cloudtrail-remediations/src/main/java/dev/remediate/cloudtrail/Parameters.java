package dev.remediate.cloudtrail;

import dev.remediate.core.InvalidRemediationException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Strict parsing of the spec parameters and scan settings these remediations read: a boolean is
 * {@code true} or {@code false} (any case) and nothing else, and a setting that is either a boolean
 * or a name never turns {@code true}/{@code false}, or a typo of them, into a resource name.
 */
final class Parameters {
  /** Words a person types for yes or no that are never taken as a resource name. */
  private static final Set<String> BOOLEAN_WORDS =
      Set.of("true", "false", "yes", "no", "on", "off", "y", "n");

  private Parameters() {}

  /**
   * Parses a boolean spec parameter or setting.
   *
   * @param name the parameter or setting, for the message
   * @param value its text, or null when absent
   * @param absent the value when absent
   * @return the boolean
   * @throws InvalidRemediationException naming the parameter and the value when it is neither
   *     {@code true} nor {@code false}
   */
  static boolean bool(String name, @Nullable String value, boolean absent) {
    if (value == null) {
      return absent;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return v.equals("true");
    }
    throw new InvalidRemediationException("'" + name + "' must be true or false, not '" + value
        + "'");
  }

  /**
   * Reads a setting that is a boolean or a name, such as {@code trail.cloudWatchLogs}: absent,
   * blank or {@code false} gives empty; {@code true} gives the default name; any other text is the
   * name, unless it looks like a mistyped boolean ({@code ture}, {@code flase}, {@code yes}), which
   * is refused.
   *
   * @param settings scan settings by dotted key
   * @param key the setting
   * @param defaultName the name {@code true} stands for
   * @return the name, or empty
   * @throws InvalidRemediationException naming the key and the value for a mistyped boolean
   */
  static Optional<String> nameOrBoolean(Map<String, String> settings, String key,
      String defaultName) {
    String value = Names.blankToNull(settings.get(key));
    if (value == null) {
      return Optional.empty();
    }
    String v = value.toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return v.equals("true") ? Optional.of(defaultName) : Optional.empty();
    }
    if (looksBoolean(v)) {
      throw new InvalidRemediationException("Setting '" + key + "' is '" + value + "': write "
          + "true (the default, " + defaultName + "), false (none), or a name that does not look "
          + "like a boolean");
    }
    return Optional.of(value);
  }

  /** True for yes/no words and for text one edit (or one swap) away from true or false. */
  static boolean looksBoolean(String lowercase) {
    return BOOLEAN_WORDS.contains(lowercase) || distance(lowercase, "true") <= 1
        || distance(lowercase, "false") <= 1;
  }

  /** Edit distance counting insertions, deletions, substitutions and swaps of neighbours. */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
