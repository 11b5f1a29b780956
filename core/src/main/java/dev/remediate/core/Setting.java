package dev.remediate.core;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A scan setting a {@link RemediationType} reads (in {@link RemediationType#forRegion} and
 * {@link RemediationType#forTarget}): its dotted key as in the command-line tool's configuration
 * file, its kind, a description and its default. The catalog's settings are the one list the CLI's
 * known keys, its help, the docs table and the validation of configuration files come from.
 *
 * <pre>{@code
 * Setting bucket = Setting.text("flowLogs.s3Bucket", "S3 bucket that receives the flow logs");
 * Setting retention = Setting.integer("flowLogs.retentionDays", "Days logs are kept", "365");
 * retention.check("thirty"); // InvalidRemediationException naming the key and the value
 * }</pre>
 *
 * @param key the dotted key, e.g. {@code flowLogs.s3Bucket}
 * @param kind how the value is read
 * @param description one line for help and docs
 * @param defaultValue the value when the setting is absent, if any
 */
public record Setting(String key, Kind kind, String description, Optional<String> defaultValue) {
  /** How a setting's value is read. */
  public enum Kind {
    /** Any text (a name, an id, an ARN). */
    TEXT,
    /** {@code true} or {@code false}, nothing else. */
    BOOLEAN,
    /** A whole number. */
    INTEGER,
    /** Comma-separated values (a list in a configuration file). */
    LIST
  }

  /**
   * Validates the setting.
   *
   * @param key the dotted key
   * @param kind the kind
   * @param description the description
   * @param defaultValue the default, if any
   */
  public Setting {
    if (key == null || !key.matches("[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)+")) {
      throw new InvalidRemediationException("setting key '" + key
          + "' is not a dotted key like flowLogs.s3Bucket");
    }
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(defaultValue, "defaultValue");
  }

  /**
   * A text setting without default.
   *
   * @param key the dotted key
   * @param description one line
   * @return the setting
   */
  public static Setting text(String key, String description) {
    return new Setting(key, Kind.TEXT, description, Optional.empty());
  }

  /**
   * A boolean setting.
   *
   * @param key the dotted key
   * @param description one line
   * @param defaultValue the default
   * @return the setting
   */
  public static Setting bool(String key, String description, boolean defaultValue) {
    return new Setting(key, Kind.BOOLEAN, description, Optional.of(String.valueOf(defaultValue)));
  }

  /**
   * An integer setting.
   *
   * @param key the dotted key
   * @param description one line
   * @param defaultValue the default, or null for none
   * @return the setting
   */
  public static Setting integer(String key, String description, @Nullable String defaultValue) {
    return new Setting(key, Kind.INTEGER, description, Optional.ofNullable(defaultValue));
  }

  /**
   * A list setting without default.
   *
   * @param key the dotted key
   * @param description one line
   * @return the setting
   */
  public static Setting list(String key, String description) {
    return new Setting(key, Kind.LIST, description, Optional.empty());
  }

  /**
   * Checks a value of this setting by its kind.
   *
   * @param value the value as given (a configuration file's text, a flag)
   * @return the value
   * @throws InvalidRemediationException naming the key, the value and what was expected
   */
  public String check(String value) {
    switch (kind) {
      case BOOLEAN -> {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
          throw invalid(value, "true or false");
        }
      }
      case INTEGER -> {
        try {
          Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
          throw invalid(value, "a whole number");
        }
      }
      case LIST -> {
        for (String item : value.split(",", -1)) {
          if (item.isBlank()) {
            throw invalid(value, "comma-separated values without empty items");
          }
        }
      }
      case TEXT -> {
        if (value.isBlank()) {
          throw invalid(value, "a value");
        }
      }
      default -> throw new IllegalStateException(kind.toString());
    }
    return value;
  }

  /**
   * Reads this setting from scan settings: the value checked by its kind and stripped, or the
   * default when the setting is absent or blank.
   *
   * @param settings scan settings by dotted key
   * @return the value, or the default, or empty
   * @throws InvalidRemediationException naming the key and the value when the kind does not match
   */
  public Optional<String> valueIn(Map<String, String> settings) {
    String value = settings.get(key);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    return Optional.of(check(value).strip());
  }

  /**
   * Reads this setting and parses it, naming the setting when the parser refuses the value.
   *
   * <pre>{@code
   * Optional<String> cidr = ADDRESS.valueIn(settings, AwsNames::cidr);
   * }</pre>
   *
   * @param settings scan settings by dotted key
   * @param parser turns the text into a value; throws {@link InvalidRemediationException}
   * @param <T> the value's type
   * @return the parsed value (of the default when absent), or empty
   * @throws InvalidRemediationException starting with {@code setting KEY:} when the value is invalid
   */
  public <T> Optional<T> valueIn(Map<String, String> settings, Function<String, T> parser) {
    Optional<String> value = valueIn(settings);
    try {
      return value.map(parser);
    } catch (InvalidRemediationException e) {
      throw new InvalidRemediationException("setting " + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * Advice naming this setting for a person at the command line (or in a configuration file) and
   * the builder method for a Java caller, in one text: how a message of a remediation tells both
   * audiences what to change, e.g. {@code set quarantine.groupName=NAME (Java:
   * isolationGroupName(...))}.
   *
   * @param value the value to show, e.g. {@code true} or a placeholder such as {@code NAME}
   * @param javaCall the builder call that does the same in Java, e.g. {@code isolationGroupName(...)}
   * @return the advice
   */
  public String advice(String value, String javaCall) {
    return "set " + key + "=" + value + " (Java: " + javaCall + ")";
  }

  private InvalidRemediationException invalid(String value, String expected) {
    return new InvalidRemediationException("setting " + key + " is '" + value + "', expected "
        + expected);
  }
}
