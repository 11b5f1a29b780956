package dev.remediate.core.plan;

import dev.remediate.core.InvalidRemediationException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The kind of a spec parameter: ONE strict parser from the text a saved plan holds, and ONE
 * formatter back to that text, so that {@code parse(format(v))} equals {@code v}. A value the
 * parser does not accept exactly is refused; a typo is never read as a default (e.g. {@code ture}
 * is not {@code false}). {@link SpecTable} names the remediation, the parameter and the value when
 * a kind refuses one.
 *
 * <pre>{@code
 * SpecKind<Boolean> flag = SpecKind.bool();              // "true" / "false", any case
 * SpecKind<List<String>> vpcs = SpecKind.list(SpecKind.aws(AwsNames::vpcId));
 * SpecKind<Optional<List<String>>> every = SpecKind.allOr(vpcs); // "*" or "vpc-1,vpc-2"
 * }</pre>
 *
 * @param <T> the type of the value
 */
public final class SpecKind<T> {
  /** The text that stands for "every resource" in {@link #allOr(SpecKind)}. */
  public static final String ALL = "*";

  private final String expected;
  private final Function<String, T> parser;
  private final Function<T, String> formatter;

  private SpecKind(String expected, Function<String, T> parser, Function<T, String> formatter) {
    this.expected = expected;
    this.parser = parser;
    this.formatter = formatter;
  }

  /**
   * A kind of one's own, for a value no other kind describes (e.g. a port list with
   * {@code all except}).
   *
   * @param <T> the value type
   * @param expected what a valid text looks like, for messages, e.g. {@code "60 or 600"}
   * @param parser text to value; throws {@link InvalidRemediationException} or
   *     {@link IllegalArgumentException} on a value it refuses
   * @param formatter value to text, the inverse of the parser
   * @return the kind
   */
  public static <T> SpecKind<T> of(String expected, Function<String, T> parser,
      Function<T, String> formatter) {
    return new SpecKind<>(expected, parser, formatter);
  }

  /** @return free text, taken as it is; an empty text is refused */
  public static SpecKind<String> text() {
    return new SpecKind<>("a text", s -> {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("empty");
      }
      return s;
    }, s -> s);
  }

  /**
   * A text checked by the one validation home of AWS names and ids,
   * {@link dev.remediate.core.aws.AwsNames}, e.g. {@code SpecKind.aws(AwsNames::vpcId)}.
   *
   * @param check returns the valid value (possibly normalised) or throws
   *     {@link InvalidRemediationException} naming what was expected
   * @return the kind
   */
  public static SpecKind<String> aws(UnaryOperator<String> check) {
    return new SpecKind<>("a valid AWS name or id", check, s -> s);
  }

  /** @return {@code true} or {@code false} (any case, spaces around allowed); nothing else */
  public static SpecKind<Boolean> bool() {
    return new SpecKind<>("true or false", s -> switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException(s);
    }, String::valueOf);
  }

  /** @return a whole number (an {@code int}) in decimal; nothing else */
  public static SpecKind<Integer> integer() {
    return new SpecKind<>("a whole number", s -> Integer.valueOf(s.strip()), String::valueOf);
  }

  /** @return an ISO-8601 duration such as {@code PT2H} or {@code PT30M}; nothing else */
  public static SpecKind<Duration> duration() {
    return new SpecKind<>("an ISO-8601 duration such as PT2H", s -> {
      try {
        return Duration.parse(s.strip());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(s, e);
      }
    }, Duration::toString);
  }

  /**
   * One of the constants of an enum, by name, in any case; written as the constant's name.
   *
   * @param <E> the enum
   * @param values its constants, e.g. {@code TrafficType.values()}
   * @return the kind
   */
  @SafeVarargs
  public static <E extends Enum<E>> SpecKind<E> oneOf(E... values) {
    List<E> all = List.of(values);
    String names = all.stream().map(Enum::name).collect(Collectors.joining(", "));
    return new SpecKind<>("one of " + names, s -> all.stream()
        .filter(e -> e.name().equalsIgnoreCase(s.strip())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(s)), Enum::name);
  }

  /**
   * One of some fixed words, exactly as written (e.g. {@code destination}).
   *
   * @param words the words accepted
   * @return the kind
   */
  public static SpecKind<String> word(String... words) {
    List<String> all = List.of(words);
    return new SpecKind<>("one of " + all, s -> {
      if (!all.contains(s)) {
        throw new IllegalArgumentException(s);
      }
      return s;
    }, s -> s);
  }

  /**
   * A comma-separated list of values of another kind; each item is stripped, an empty item or an
   * empty list is refused.
   *
   * @param <T> the item type
   * @param item the kind of each item
   * @return the kind of the list
   */
  public static <T> SpecKind<List<T>> list(SpecKind<T> item) {
    return new SpecKind<>("comma-separated values, each " + item.expected, s -> {
      if (s.isBlank()) {
        throw new IllegalArgumentException("empty list");
      }
      List<T> items = new ArrayList<>();
      for (String part : s.split(",", -1)) {
        if (part.isBlank()) {
          throw new IllegalArgumentException("empty item");
        }
        items.add(item.parse(part.strip()));
      }
      return List.copyOf(items);
    }, values -> values.stream().map(item::format).collect(Collectors.joining(",")));
  }

  /**
   * {@value #ALL} (every resource: an empty optional) or a value of another kind.
   *
   * @param <T> the value type
   * @param kind the kind of a value other than {@value #ALL}
   * @return the kind
   */
  public static <T> SpecKind<Optional<T>> allOr(SpecKind<T> kind) {
    return new SpecKind<>(ALL + " or " + kind.expected,
        s -> ALL.equals(s) ? Optional.empty() : Optional.of(kind.parse(s)),
        v -> v.map(kind::format).orElse(ALL));
  }

  /**
   * Parses a text strictly.
   *
   * @param text the text of a spec parameter
   * @return the value
   * @throws InvalidRemediationException when the text is not of this kind, naming it and saying
   *     what was expected
   */
  public T parse(String text) {
    try {
      return parser.apply(text);
    } catch (InvalidRemediationException e) {
      throw e;
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidRemediationException("'" + text + "' is not " + expected, e);
    }
  }

  /**
   * Formats a value as the text a spec holds.
   *
   * @param value the value
   * @return its text, which {@link #parse(String)} reads back as the value
   */
  public String format(T value) {
    return formatter.apply(value);
  }

  /** @return what a valid text looks like, e.g. {@code true or false} */
  public String expected() {
    return expected;
  }

  @Override
  public String toString() {
    return "SpecKind[" + expected + "]";
  }
}
