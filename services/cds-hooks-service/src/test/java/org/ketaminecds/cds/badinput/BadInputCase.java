package org.ketaminecds.cds.badinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * One entry of the bad-input catalogue: a file {@code bad-inputs/NNN-name.json} holding the request
 * (as a change to a valid base request, raw text or bytes, or a generated shape too large to write
 * down), the answer a serious service gives, and why. The format is described in {@code
 * docs/bad-input-catalogue.md}.
 *
 * @param number the NNN of the file name: the order of the catalogue
 * @param name the rest of the file name
 * @param spec the file's JSON
 */
record BadInputCase(int number, String name, ObjectNode spec) {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String SIGN = "/cds-services/ketamine-order-sign";
  static final String SELECT = "/cds-services/ketamine-order-select";

  private static final Pattern FILE = Pattern.compile("(\\d{3})-([a-z0-9-]+)\\.json");

  /** Stands for generated text in a serialised body until the text is put in its place. */
  private static final String GENERATED = "@@generated@@";

  /** Every case of the catalogue, in file-name order. */
  static List<BadInputCase> all() {
    try {
      Resource[] files =
          new PathMatchingResourcePatternResolver().getResources("classpath:bad-inputs/*.json");
      List<BadInputCase> cases = new ArrayList<>();
      for (Resource file : files) {
        Matcher m = FILE.matcher(file.getFilename());
        if (!m.matches()) {
          throw new IllegalStateException("not a catalogue file name: " + file.getFilename());
        }
        try (InputStream in = file.getInputStream()) {
          cases.add(
              new BadInputCase(
                  Integer.parseInt(m.group(1)), m.group(2), (ObjectNode) JSON.readTree(in)));
        }
      }
      cases.sort(Comparator.comparingInt(BadInputCase::number));
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String id() {
    return "%03d-%s".formatted(number, name);
  }

  String why() {
    return spec.path("why").asText();
  }

  JsonNode request() {
    return spec.path("request");
  }

  JsonNode expect() {
    return spec.path("expect");
  }

  String method() {
    return request().path("method").asText("POST");
  }

  String path() {
    return request().path("path").asText(SIGN);
  }

  /** {@code valid} (a fresh token for the URL called), or a named way for it to be wrong. */
  String token() {
    return request().path("token").asText("valid");
  }

  int expectedStatus() {
    return expect().path("status").asInt();
  }

  /** The error code expected, or empty for an answer that is not an error. */
  Optional<String> expectedError() {
    return Optional.ofNullable(expect().get("error")).map(JsonNode::asText);
  }

  Optional<String> expectedMessagePart() {
    return Optional.ofNullable(expect().get("messageContains")).map(JsonNode::asText);
  }

  /** The rule ids of the cards a 200 answer carries (empty: {@code "cards": []}). */
  List<String> expectedCards() {
    List<String> cards = new ArrayList<>();
    expect().path("cards").forEach(c -> cards.add(c.asText()));
    return cards;
  }

  /** {@code invocation} or {@code feedback}: the kind of audit event the call leaves. */
  String auditedAs() {
    return expect().path("audit").asText("invocation");
  }

  /** Headers as sent; {@code Content-Type: application/json} unless the case says otherwise. */
  Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode type = request().get("contentType");
    if (type == null) {
      headers.put("Content-Type", "application/json");
    } else if (!type.isNull()) {
      headers.put("Content-Type", type.asText());
    }
    request()
        .path("headers")
        .fields()
        .forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
    return headers;
  }

  boolean chunked() {
    return request().path("chunked").asBoolean(false);
  }

  long declaredLength() {
    return request().path("declaredLength").asLong(-1);
  }

  /**
   * The body's bytes: the base request with the case's changes, or the case's raw text or bytes.
   *
   * @param values what {@code ${name}} placeholders stand for (hookInstance, fhirServer, cardUuid)
   */
  byte[] body(Map<String, String> values) {
    JsonNode request = request();
    if (request.has("text")) {
      return substitute(request.get("text").asText(), values).getBytes(StandardCharsets.UTF_8);
    }
    if (request.has("hex")) {
      return HexFormat.of().parseHex(request.get("hex").asText().replace(" ", ""));
    }
    if (!request.has("base")) {
      return null;
    }
    ObjectNode body = base(request.get("base").asText(), values);
    request.path("remove").forEach(p -> remove(body, p.asText()));
    request
        .path("set")
        .fields()
        .forEachRemaining(e -> set(body, e.getKey(), e.getValue().deepCopy()));
    request
        .path("add")
        .fields()
        .forEachRemaining(e -> add(body, e.getKey(), e.getValue().deepCopy()));
    JsonNode generate = request.get("generate");
    if (generate != null && generate.get("at").asText().isEmpty()) {
      return generated(generate).getBytes(StandardCharsets.UTF_8);
    }
    if (generate != null) {
      set(body, generate.get("at").asText(), TextNode.valueOf(GENERATED));
    }
    String text = body.toString();
    if (generate != null) {
      text = text.replace("\"" + GENERATED + "\"", generated(generate));
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (JsonNode splice : request.path("splice")) {
      bytes =
          splice(
              bytes,
              splice.get("find").asText().getBytes(StandardCharsets.UTF_8),
              splice.has("hex")
                  ? hex(splice.get("hex").asText())
                  : splice.get("text").asText().getBytes(StandardCharsets.UTF_8));
    }
    return concat(
        hex(request.path("prependHex").asText("")),
        bytes,
        request.path("appendText").asText("").getBytes(StandardCharsets.UTF_8));
  }

  /** A one-line account of the request, for the published table. */
  String summary() {
    JsonNode request = request();
    List<String> parts = new ArrayList<>();
    if (!method().equals("POST") || !path().equals(SIGN)) {
      parts.add(method() + " " + path());
    }
    if (!token().equals("valid")) {
      parts.add("token: " + token());
    }
    JsonNode type = request.get("contentType");
    if (type != null) {
      parts.add("Content-Type: " + (type.isNull() ? "none" : type.asText()));
    }
    request
        .path("headers")
        .fields()
        .forEachRemaining(h -> parts.add(h.getKey() + ": " + h.getValue().asText()));
    if (request.has("text")) {
      String text = request.get("text").asText();
      parts.add(text.isEmpty() ? "empty body" : "body `" + shorten(text) + "`");
    }
    if (request.has("hex")) {
      parts.add("bytes " + shorten(request.get("hex").asText()));
    }
    if (request.has("base") && !request.get("base").asText().equals("order-sign")) {
      parts.add(request.get("base").asText() + " call");
    }
    request.path("remove").forEach(p -> parts.add("without `" + p.asText() + "`"));
    request
        .path("set")
        .fields()
        .forEachRemaining(
            e -> parts.add("`" + e.getKey() + "` = `" + shorten(e.getValue().toString()) + "`"));
    request
        .path("add")
        .fields()
        .forEachRemaining(
            e -> parts.add("`" + e.getKey() + "` += `" + shorten(e.getValue().toString()) + "`"));
    if (request.has("generate")) {
      String at = request.at("/generate/at").asText();
      parts.add(
          (at.isEmpty() ? "body" : "`" + at + "`") + " = " + describe(request.get("generate")));
    }
    request
        .path("splice")
        .forEach(
            s ->
                parts.add(
                    "`"
                        + s.get("find").asText()
                        + "` → "
                        + (s.has("hex")
                            ? "bytes " + s.get("hex").asText()
                            : "`" + shorten(s.get("text").asText()) + "`")));
    if (request.has("prependHex")) {
      parts.add("prefixed by bytes " + request.get("prependHex").asText());
    }
    if (request.has("appendText")) {
      parts.add("followed by `" + shorten(request.get("appendText").asText()) + "`");
    }
    if (chunked()) {
      parts.add("chunked");
    }
    if (declaredLength() >= 0) {
      parts.add("Content-Length: " + declaredLength());
    }
    return parts.isEmpty() ? "none" : String.join("; ", parts);
  }

  // ---- building ----

  private static ObjectNode base(String name, Map<String, String> values) {
    try (InputStream in =
        BadInputCase.class.getResourceAsStream("/bad-inputs/base/" + name + ".json")) {
      if (in == null) {
        throw new IllegalArgumentException("no base request " + name);
      }
      String text = substitute(new String(in.readAllBytes(), StandardCharsets.UTF_8), values);
      return (ObjectNode) JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String substitute(String text, Map<String, String> values) {
    for (var v : values.entrySet()) {
      text = text.replace("${" + v.getKey() + "}", v.getValue());
    }
    return text;
  }

  private static void set(ObjectNode body, String pointer, JsonNode value) {
    int cut = pointer.lastIndexOf('/');
    JsonNode parent = parent(body, pointer);
    String last = unescape(pointer.substring(cut + 1));
    if (parent instanceof ArrayNode array) {
      array.set(Integer.parseInt(last), value);
    } else {
      ((ObjectNode) parent).set(last, value);
    }
  }

  private static void add(ObjectNode body, String pointer, JsonNode value) {
    JsonNode target = body.at(pointer);
    if (!(target instanceof ArrayNode array)) {
      throw new IllegalArgumentException("not an array: " + pointer);
    }
    array.add(value);
  }

  private static void remove(ObjectNode body, String pointer) {
    int cut = pointer.lastIndexOf('/');
    JsonNode parent = parent(body, pointer);
    String last = unescape(pointer.substring(cut + 1));
    if (parent instanceof ArrayNode array) {
      array.remove(Integer.parseInt(last));
    } else {
      ((ObjectNode) parent).remove(last);
    }
  }

  private static JsonNode parent(ObjectNode body, String pointer) {
    int cut = pointer.lastIndexOf('/');
    JsonNode parent = cut == 0 ? body : body.at(pointer.substring(0, cut));
    if (parent.isMissingNode()) {
      throw new IllegalArgumentException("no such place in the base request: " + pointer);
    }
    return parent;
  }

  private static String unescape(String token) {
    return token.replace("~1", "/").replace("~0", "~");
  }

  /** JSON text too large or too deep to keep in a file. */
  private static String generated(JsonNode generate) {
    if (generate.has("nestedArrays")) {
      int depth = generate.get("nestedArrays").asInt();
      return "[".repeat(depth) + "]".repeat(depth);
    }
    if (generate.has("stringOfLength")) {
      int length = generate.get("stringOfLength").asInt();
      return "\"" + "x".repeat(length) + "\"";
    }
    if (generate.has("copies")) {
      int copies = generate.get("copies").asInt();
      String one = generate.get("of").toString();
      StringBuilder array = new StringBuilder(copies * (one.length() + 1) + 2).append('[');
      for (int i = 0; i < copies; i++) {
        array.append(i == 0 ? "" : ",").append(one);
      }
      return array.append(']').toString();
    }
    throw new IllegalArgumentException("unknown generator: " + generate);
  }

  private static String describe(JsonNode generate) {
    if (generate.has("nestedArrays")) {
      return generate.get("nestedArrays").asInt() + " nested arrays";
    }
    if (generate.has("stringOfLength")) {
      return "a string of " + generate.get("stringOfLength").asInt() + " characters";
    }
    return generate.get("copies").asInt() + " × `" + shorten(generate.get("of").toString()) + "`";
  }

  private static byte[] splice(byte[] body, byte[] find, byte[] replacement) {
    for (int i = 0; i + find.length <= body.length; i++) {
      if (Arrays.equals(body, i, i + find.length, find, 0, find.length)) {
        return concat(
            Arrays.copyOfRange(body, 0, i),
            replacement,
            Arrays.copyOfRange(body, i + find.length, body.length));
      }
    }
    throw new IllegalArgumentException(
        "not in the body: " + new String(find, StandardCharsets.UTF_8));
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static String shorten(String text) {
    String visible = visible(text);
    return visible.length() > 60 ? visible.substring(0, 57) + "…" : visible;
  }

  /** Control and invisible characters as \\uXXXX, so the table shows what was sent. */
  static String visible(String text) {
    StringBuilder out = new StringBuilder();
    for (Iterator<Integer> it = text.codePoints().iterator(); it.hasNext(); ) {
      int c = it.next();
      int type = Character.getType(c);
      if (type == Character.CONTROL
          || type == Character.FORMAT
          || type == Character.SURROGATE
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR) {
        out.append("\\u%04X".formatted(c));
      } else if (c == '|') {
        out.append("\\|");
      } else {
        out.append(Character.toChars(c));
      }
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return id();
  }
}
