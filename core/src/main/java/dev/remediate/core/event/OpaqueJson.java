package dev.remediate.core.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An opaque part of a record ({@code requestParameters}, ...) held as a tree, or as the UTF-8 bytes
 * the reader found and already checked, turned into a tree only when asked for. Reading a large
 * file then skips building trees nobody looks at. Equal by JSON content.
 */
final class OpaqueJson {
  /** Bytes were checked when read; this only guards against a bug, never limits real data. */
  private static final JsonFactory LENIENT = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(Json.MAX_DEPTH)
          .maxStringLength(Integer.MAX_VALUE)
          .build())
      .build();

  private final byte @Nullable [] bytes;
  private volatile @Nullable JsonNode tree;

  private OpaqueJson(byte @Nullable [] bytes, @Nullable JsonNode tree) {
    this.bytes = bytes;
    this.tree = tree;
  }

  static OpaqueJson of(JsonNode tree) {
    return new OpaqueJson(null, Objects.requireNonNull(tree, "tree"));
  }

  static OpaqueJson ofBytes(byte[] utf8) {
    return new OpaqueJson(utf8, null);
  }

  JsonNode tree() {
    JsonNode result = tree;
    if (result == null) {
      try (JsonParser p = LENIENT.createParser(Objects.requireNonNull(bytes))) {
        p.nextToken();
        result = Json.tree(p);
      } catch (IOException e) {
        throw new UncheckedIOException("JSON the reader accepted no longer parses: " + this, e);
      }
      tree = result;
    }
    return result;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof OpaqueJson && tree().equals(((OpaqueJson) o).tree());
  }

  @Override
  public int hashCode() {
    return tree().hashCode();
  }

  @Override
  public String toString() {
    JsonNode known = tree;
    return known != null || bytes == null ? String.valueOf(known)
        : new String(bytes, StandardCharsets.UTF_8);
  }
}
