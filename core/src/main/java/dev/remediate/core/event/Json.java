package dev.remediate.core.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** The package's Jackson setup: limits for untrusted input and a direct token-to-tree builder. */
final class Json {
  /** Deepest nesting accepted; real records stay far below it. */
  static final int MAX_DEPTH = 128;
  /** Longest string accepted, in characters; real records stay far below it. */
  static final int MAX_STRING = 1 << 20;

  static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxStringLength(MAX_STRING)
          .maxNameLength(4096)
          .build())
      .build();

  static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  /**
   * Reads the value at the parser's current token as a tree, leaving the parser on its last token.
   * Recursion is bounded by {@link #MAX_DEPTH}, which the parser enforces.
   */
  static JsonNode tree(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new IOException("Unexpected end of input");
    }
    switch (t) {
      case START_OBJECT: {
        ObjectNode node = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          node.set(name, tree(p));
        }
        return node;
      }
      case START_ARRAY: {
        ArrayNode node = NODES.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          node.add(tree(p));
        }
        return node;
      }
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
            return NODES.numberNode(p.getIntValue());
          case LONG:
            return NODES.numberNode(p.getLongValue());
          default:
            return NODES.numberNode(p.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(p.getDoubleValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new IOException("Unexpected token " + t);
    }
  }
}
