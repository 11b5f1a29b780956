package dev.remediate.cloudtrail;

import dev.remediate.core.InvalidRemediationException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Build-time validation of the names and ARNs these remediations take. */
final class Names {
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern IP_LIKE = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");
  private static final Pattern TRAIL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]");
  private static final Pattern LOG_GROUP = Pattern.compile("[\\w./#-]{1,512}");
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
  private static final Pattern KMS_KEY = Pattern.compile(
      "(arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:(key|alias)/[\\w/+=,.@-]+)"
          + "|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
          + "|(mrk-[0-9a-f]{32})|(alias/[\\w/+=,.@-]+)");
  private static final Pattern TOPIC_ARN =
      Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[\\w-]{1,256}");
  private static final Pattern PREFIX = Pattern.compile("[^/\\p{Cntrl}][^\\p{Cntrl}]{0,198}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

  private Names() {}

  static String bucket(@Nullable String bucket) {
    if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")
        || IP_LIKE.matcher(bucket).matches()) {
      throw new InvalidRemediationException("'" + bucket + "' is not a valid S3 bucket name "
          + "(3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)");
    }
    return bucket;
  }

  static @Nullable String prefix(@Nullable String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return null;
    }
    if (!PREFIX.matcher(prefix).matches() || prefix.endsWith("/")) {
      throw new InvalidRemediationException("'" + prefix + "' is not a valid S3 key prefix "
          + "(at most 200 characters, no leading or trailing '/')");
    }
    return prefix;
  }

  static String trail(@Nullable String name) {
    if (name == null || !TRAIL.matcher(name).matches() || name.matches(".*[._-]{2}.*")
        || IP_LIKE.matcher(name).matches()) {
      throw new InvalidRemediationException("'" + name + "' is not a valid trail name (3-128 "
          + "letters, digits, '.', '_' and '-', starting and ending with a letter or digit, no two "
          + "symbols in a row)");
    }
    return name;
  }

  static String logGroup(@Nullable String name) {
    if (name == null || !LOG_GROUP.matcher(name).matches()) {
      throw new InvalidRemediationException("'" + name + "' is not a valid log group name "
          + "(1-512 letters, digits and '_-./#')");
    }
    return name;
  }

  static String roleArn(@Nullable String arn) {
    if (arn == null || !ROLE_ARN.matcher(arn).matches()) {
      throw new InvalidRemediationException("'" + arn + "' is not an IAM role ARN like "
          + "arn:aws:iam::123456789012:role/name");
    }
    return arn;
  }

  static String kmsKey(@Nullable String key) {
    if (key == null || !KMS_KEY.matcher(key).matches()) {
      throw new InvalidRemediationException("'" + key + "' is not a KMS key id, key ARN, alias "
          + "name or alias ARN");
    }
    return key;
  }

  static String topicArn(@Nullable String arn) {
    if (arn == null || !TOPIC_ARN.matcher(arn).matches()) {
      throw new InvalidRemediationException("'" + arn + "' is not an SNS topic ARN like "
          + "arn:aws:sns:us-east-1:123456789012:name");
    }
    return arn;
  }

  static String region(@Nullable String region) {
    if (region == null || !REGION.matcher(region).matches()) {
      throw new InvalidRemediationException("'" + region + "' is not a region id like us-east-1");
    }
    return region;
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
