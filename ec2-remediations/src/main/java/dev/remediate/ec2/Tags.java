package dev.remediate.ec2;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.model.Tag;

/** EC2 tag helpers: user tags (never {@code aws:}), SDK tags from maps, and a string encoding. */
final class Tags {
  private Tags() {}

  /**
   * The tags a user may copy: without {@code aws:} tags, which CreateTags rejects, and without the
   * given prefix (the library's own bookkeeping tags).
   *
   * @param tags all tags
   * @param ownPrefix prefix of the library's tags
   * @return the user's tags, sorted
   */
  static Map<String, String> userTags(Map<String, String> tags, String ownPrefix) {
    Map<String, String> user = new TreeMap<>();
    tags.forEach((k, v) -> {
      if (!k.regionMatches(true, 0, "aws:", 0, 4) && !k.startsWith(ownPrefix)) {
        user.put(k, v);
      }
    });
    return user;
  }

  /**
   * SDK tags from a map.
   *
   * @param tags key to value
   * @return SDK tags in map order
   */
  static List<Tag> toSdk(Map<String, String> tags) {
    return tags.entrySet().stream()
        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
  }

  /**
   * Encodes tags as one string ({@code k=v&k=v}, URL-encoded) for a step parameter.
   *
   * @param tags key to value
   * @return the encoding
   */
  static String encode(Map<String, String> tags) {
    StringBuilder out = new StringBuilder();
    new TreeMap<>(tags).forEach((k, v) -> {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
    });
    return out.toString();
  }

  /**
   * Decodes {@link #encode(Map)}.
   *
   * @param encoded the encoding, possibly empty
   * @return key to value
   */
  static Map<String, String> decode(String encoded) {
    Map<String, String> tags = new LinkedHashMap<>();
    if (encoded.isEmpty()) {
      return tags;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      tags.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return tags;
  }
}
