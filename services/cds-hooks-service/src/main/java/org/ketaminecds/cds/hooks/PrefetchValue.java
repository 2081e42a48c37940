package org.ketaminecds.cds.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.OptionalInt;
import org.ketaminecds.cds.errors.CdsException;
import org.ketaminecds.cds.errors.ErrorCode;

/**
 * One value of a call's {@code prefetch} object. A resource (a JSON object) is kept as the bytes it
 * arrived as and turned into a JSON tree only if the check needs it: most orders are not for
 * ketamine, and their calls need none of the patient's data.
 */
public final class PrefetchValue {

  private final JsonNode parsed;
  private final ObjectReader reader;
  private final byte[] body;
  private final int offset;
  private final int length;
  private final OptionalInt entries;

  private PrefetchValue(
      JsonNode parsed,
      ObjectReader reader,
      byte[] body,
      int offset,
      int length,
      OptionalInt entries) {
    this.parsed = parsed;
    this.reader = reader;
    this.body = body;
    this.offset = offset;
    this.length = length;
    this.entries = entries;
  }

  /** A value already read as a tree (JSON {@code null}, or anything else that is no resource). */
  public static PrefetchValue of(JsonNode value) {
    OptionalInt entries =
        value.path("entry").isArray()
            ? OptionalInt.of(value.path("entry").size())
            : OptionalInt.empty();
    return new PrefetchValue(value, null, null, 0, 0, entries);
  }

  /**
   * A JSON object found well-formed at {@code body[offset, offset + length)}.
   *
   * @param entries the length of its top-level {@code entry} array, if it has one
   */
  static PrefetchValue unparsed(
      ObjectReader reader, byte[] body, int offset, int length, OptionalInt entries) {
    return new PrefetchValue(null, reader, body, offset, length, entries);
  }

  /** JSON {@code null}: the EHR has no such data. */
  public boolean isNull() {
    return parsed != null && parsed.isNull();
  }

  /** A JSON object, as a FHIR resource must be. */
  public boolean isObject() {
    return parsed == null || parsed.isObject();
  }

  /** How many entries it has if it is a Bundle, counted without parsing it. */
  public OptionalInt entries() {
    return entries;
  }

  /**
   * The value as a JSON tree, read now if it was not yet (each call reads it again: a value is
   * needed once per call).
   *
   * @param field the request field, for the refusal of bytes that turn out unreadable
   */
  public JsonNode tree(String field) {
    if (parsed != null) {
      return parsed;
    }
    try {
      return reader.readTree(body, offset, length);
    } catch (IOException e) {
      // Its syntax was checked when the call was read; only what skipping does not decode (a
      // string that is not UTF-8, which the service refuses before reading) can fail here.
      throw new CdsException(ErrorCode.MALFORMED_JSON, "'" + field + "' is not readable JSON");
    }
  }
}
