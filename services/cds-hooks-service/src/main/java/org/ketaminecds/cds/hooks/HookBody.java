package org.ketaminecds.cds.hooks;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A hook call's body as read from the wire: a JSON tree, except that each prefetched resource is
 * kept as its tokens ({@link Deferred}) and becomes a tree only if the check reads it. About 70 %
 * of orders are not ketamine and are answered without the patient's record, and a 25-medication
 * prefetch is nine tenths of a body: building its tree was most of what a call allocated (issue 7).
 *
 * <p>Nothing is checked later than before: the whole body is still read token by token by the
 * application's parser, with its duplicate-member and nesting-depth limits, and each prefetched
 * Bundle's entries are counted on the way for {@link RequestLimits}.
 */
@JsonDeserialize(using = HookBody.Reader.class)
public record HookBody(JsonNode tree) {

  /** A prefetched resource not read yet, in place of its tree in {@link #tree()}. */
  public static final class Deferred {
    private final TokenBuffer tokens;
    private final ObjectCodec codec;
    private final int entries;

    private Deferred(TokenBuffer tokens, ObjectCodec codec, int entries) {
      this.tokens = tokens;
      this.codec = codec;
      this.entries = entries;
    }

    /** The number of elements of the resource's top-level {@code entry} array (0 without one). */
    int entries() {
      return entries;
    }

    /** The resource's JSON tree, read with the application's settings. */
    public JsonNode tree() {
      try (JsonParser parser = tokens.asParser(codec)) {
        return codec.readTree(parser);
      } catch (IOException e) {
        // The tokens were read and checked once already; replaying them from memory cannot fail.
        throw new UncheckedIOException(e);
      }
    }

    /** The node itself, or the tree of the deferred resource it stands for. */
    public static JsonNode read(JsonNode node) {
      Deferred deferred = of(node);
      return deferred != null ? deferred.tree() : node;
    }

    /** The deferred resource a node stands for, if it stands for one. */
    static Deferred of(JsonNode node) {
      return node instanceof POJONode pojo && pojo.getPojo() instanceof Deferred deferred
          ? deferred
          : null;
    }
  }

  static final class Reader extends JsonDeserializer<HookBody> {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public HookBody deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        // Not an object: the tree as it is, for the reader to refuse with its own words.
        return new HookBody(ctxt.readTree(p));
      }
      ObjectNode body = NODES.objectNode();
      for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
        JsonToken value = p.nextToken();
        if (name.equals("prefetch") && value == JsonToken.START_OBJECT) {
          body.set(name, prefetch(p, ctxt));
        } else {
          body.set(name, ctxt.readTree(p));
        }
      }
      return new HookBody(body);
    }

    /** Each key's resource deferred; any other value (null, or one the reader refuses) as is. */
    private static ObjectNode prefetch(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      ObjectNode prefetch = NODES.objectNode();
      for (String key = p.nextFieldName(); key != null; key = p.nextFieldName()) {
        JsonToken value = p.nextToken();
        if (value == JsonToken.START_OBJECT) {
          prefetch.set(key, NODES.pojoNode(defer(p, ctxt)));
        } else {
          prefetch.set(key, ctxt.readTree(p));
        }
      }
      return prefetch;
    }

    /** Copies one object's tokens, counting the elements of its top-level {@code entry} array. */
    private static Deferred defer(JsonParser p, DeserializationContext ctxt) throws IOException {
      TokenBuffer tokens = ctxt.bufferForInputBuffering(p);
      tokens.copyCurrentEvent(p);
      int depth = 1;
      int entries = 0;
      boolean inEntries = false;
      while (depth > 0) {
        JsonToken token = p.nextToken();
        if (token == null) {
          // The parser reports a truncated body itself; this only guards the loop.
          throw new JsonParseException(p, "unexpected end-of-input in a prefetched resource");
        }
        tokens.copyCurrentEvent(p);
        if (inEntries && depth == 2 && token != JsonToken.END_ARRAY) {
          entries++;
        }
        if (token.isStructStart()) {
          if (depth == 1) {
            inEntries = token == JsonToken.START_ARRAY && "entry".equals(p.currentName());
          }
          depth++;
        } else if (token.isStructEnd()) {
          depth--;
          if (depth == 1) {
            inEntries = false;
          }
        }
      }
      return new Deferred(tokens, p.getCodec(), entries);
    }

    /** A body of {@code null}: a tree of null, as for any body that is not an object. */
    @Override
    public HookBody getNullValue(DeserializationContext ctxt) {
      return new HookBody(NullNode.getInstance());
    }
  }
}
