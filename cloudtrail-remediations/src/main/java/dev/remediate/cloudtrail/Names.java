package dev.remediate.cloudtrail;

import dev.remediate.core.aws.AwsNames;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The optional forms and statement-id helpers of these remediations' names; the checks themselves
 * are {@link AwsNames}', the library's one validation home.
 */
final class Names {
  private Names() {}

  /** @return null for null or empty text, else the S3 key prefix checked by {@link AwsNames} */
  static @Nullable String prefix(@Nullable String prefix) {
    return prefix == null || prefix.isEmpty() ? null : AwsNames.s3Prefix(prefix);
  }

  /**
   * An optional name checked: null stays null, anything else goes through the check.
   *
   * @param name the name, or null
   * @param check e.g. {@code AwsNames::region}
   * @return null, or what the check returns
   * @throws dev.remediate.core.InvalidRemediationException naming the bad value
   */
  static @Nullable String checked(@Nullable String name, UnaryOperator<String> check) {
    return name == null ? null : check.apply(name);
  }

  /** @return null for null or empty text, else the text */
  static @Nullable String emptyToNull(@Nullable String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** @return null for null or blank text, else the trimmed text (scan settings) */
  static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** @return the name with everything but letters and digits removed, for statement ids */
  static String sidSuffix(String name) {
    return name.replaceAll("[^A-Za-z0-9]", "");
  }
}
