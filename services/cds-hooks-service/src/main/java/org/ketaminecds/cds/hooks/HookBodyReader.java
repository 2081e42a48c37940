package org.ketaminecds.cds.hooks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads a hook call's UTF-8 body in one pass with the service's JSON settings (nesting limit,
 * duplicate names refused, nothing after the value): the body as a tree, except each prefetch
 * resource, whose syntax is checked and whose Bundle entries are counted while it is skipped, and
 * which is kept as bytes ({@link PrefetchValue}). Prefetch is nearly all of a call's bytes;
 * building its tree for an order that needs none of it was the largest single cost of such a call.
 */
public final class HookBodyReader {

  private static final String PREFETCH = "prefetch";

  private final ObjectMapper mapper;
  private final ObjectReader trees;

  /**
   * @param mapper the service's JSON settings: its parser features and read constraints apply
   */
  public HookBodyReader(ObjectMapper mapper) {
    this.mapper = mapper;
    // Values inside the body: "nothing after the value" is checked once, for the whole body.
    this.trees =
        mapper.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * @throws IOException when the body is not well-formed JSON or breaks a limit; the exception is
   *     Jackson's own, as when Spring reads a body
   */
  public HookBody read(byte[] body) throws IOException {
    try (JsonParser p = mapper.createParser(body)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw MismatchedInputException.from(
            p, HookBody.class, "No content to map due to end-of-input");
      }
      if (first != JsonToken.START_OBJECT) {
        JsonNode value = trees.readTree(p);
        requireEnd(p);
        return new HookBody(value, Optional.empty());
      }
      ObjectNode head = mapper.createObjectNode();
      Map<String, PrefetchValue> prefetch = null;
      for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
        JsonToken value = p.nextToken();
        if (PREFETCH.equals(name) && value == JsonToken.START_OBJECT) {
          prefetch = prefetch(p, body);
        } else {
          head.set(name, trees.readTree(p));
        }
      }
      requireEnd(p);
      return new HookBody(head, Optional.ofNullable(prefetch));
    }
  }

  /** The prefetch object's values; the parser is at its start and is left at its end. */
  private Map<String, PrefetchValue> prefetch(JsonParser p, byte[] body) throws IOException {
    Map<String, PrefetchValue> values = new LinkedHashMap<>();
    for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
      // Byte offsets are known unless Jackson found another encoding than UTF-8 (UTF-16, say).
      if (p.nextToken() == JsonToken.START_OBJECT
          && p.currentTokenLocation().getByteOffset() >= 0) {
        int start = Math.toIntExact(p.currentTokenLocation().getByteOffset());
        OptionalInt entries = skipResource(p);
        int end = Math.toIntExact(p.currentTokenLocation().getByteOffset()) + 1;
        values.put(key, PrefetchValue.unparsed(trees, body, start, end - start, entries));
      } else {
        values.put(key, PrefetchValue.of(trees.readTree(p)));
      }
    }
    return values;
  }

  /**
   * Skips an object, checking its syntax, and counts the elements of its top-level {@code entry}
   * array; the parser is left at the object's end.
   */
  private static OptionalInt skipResource(JsonParser p) throws IOException {
    OptionalInt entries = OptionalInt.empty();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken value = p.nextToken();
      if (value == JsonToken.START_ARRAY && name.equals("entry")) {
        int count = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          p.skipChildren();
          count++;
        }
        entries = OptionalInt.of(count);
      } else {
        p.skipChildren();
      }
    }
    return entries;
  }

  private static void requireEnd(JsonParser p) throws IOException {
    JsonToken trailing = p.nextToken();
    if (trailing != null) {
      // Jackson's own wording for FAIL_ON_TRAILING_TOKENS, which the error handler knows.
      throw MismatchedInputException.from(
          p,
          HookBody.class,
          "Trailing token (of type "
              + trailing
              + ") found after value (bound as "
              + HookBody.class.getName()
              + ")");
    }
  }
}
