package dev.remediate.ec2;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The family of an image, read from its name with no AWS call: the name with its dated version
 * part generalised to {@code *}, e.g. {@code amzn2-ami-hvm-2.0.20180810-x86_64-gp2} is of family
 * {@code amzn2-ami-hvm-*-x86_64-gp2}, {@code Windows_Server-2019-English-Full-Base-2023.05.10} of
 * {@code Windows_Server-2019-English-Full-Base-*}.
 *
 * <p>A version part is a token (between {@code -}, {@code _}, {@code /} or a space) made of
 * digits and dots that holds a date: eight digits starting with 19 or 20 ({@code 20180810}), or
 * {@code YYYY.MM.DD}. Release numbers without a date ({@code 2019}, {@code 22.04}, {@code 6.1})
 * stay: a newer image of the family is the same release, rebuilt, never the next major release.
 * A name without a dated part has no family (only its age can make it outdated).
 *
 * <p>Order within a family: the version parts compared number by number
 * ({@code 2.0.20260427.1} is after {@code 2.0.20180810}).
 */
final class AmiFamily {
  private static final Pattern TOKEN = Pattern.compile("[^-_/ ]+");
  private static final Pattern VERSION = Pattern.compile("v?\\d+(\\.\\d+)*");
  private static final Pattern DATE = Pattern.compile(
      "(^|\\D)(19|20)\\d{6}(\\D|$)|(19|20)\\d\\d\\.\\d\\d\\.\\d\\d");

  private AmiFamily() {}

  /**
   * @param name an image name, or null
   * @return its family pattern (an EC2 {@code name} filter), or null when the name has no dated
   *     version part
   */
  static @Nullable String pattern(@Nullable String name) {
    if (name == null) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    Matcher m = TOKEN.matcher(name);
    int last = 0;
    boolean generalised = false;
    while (m.find()) {
      out.append(name, last, m.start());
      if (isVersion(m.group())) {
        out.append('*');
        generalised = true;
      } else {
        out.append(m.group());
      }
      last = m.end();
    }
    out.append(name.substring(last));
    return generalised ? out.toString() : null;
  }

  /**
   * @param name an image name
   * @return the numbers of its version parts, in order; empty when it has none
   */
  static List<BigInteger> version(String name) {
    List<BigInteger> numbers = new ArrayList<>();
    Matcher m = TOKEN.matcher(name);
    while (m.find()) {
      if (isVersion(m.group())) {
        for (String n : m.group().replaceFirst("^v", "").split("\\.")) {
          numbers.add(new BigInteger(n));
        }
      }
    }
    return numbers;
  }

  /**
   * @return negative, zero or positive as version {@code a} is before, equal to or after {@code b}
   */
  static int compare(List<BigInteger> a, List<BigInteger> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static boolean isVersion(String token) {
    return VERSION.matcher(token).matches() && DATE.matcher(token).find();
  }
}
