package org.ketaminecds.cds.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ketaminecds.cds.testing.SyntheticOrders;

/**
 * What {@link HookBodyReader} keeps of a body is what Jackson reads of it, and what Jackson would
 * refuse anywhere in the body (prefetch included, though it is only skipped) it refuses too.
 */
class HookBodyReaderTest {

  /** The service's settings (JsonLimitsConfiguration), with a small nesting limit. */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  static {
    JSON.getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build());
  }

  private final HookBodyReader reader = new HookBodyReader(JSON);

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 25, 200})
  void everyPart_readsAsJacksonReadsTheWholeBody(int medications) throws Exception {
    SyntheticOrders orders = new SyntheticOrders(medications);
    for (boolean ketamine : new boolean[] {true, false}) {
      byte[] body =
          orders.call(medications, ketamine, !ketamine).body().getBytes(StandardCharsets.UTF_8);
      assertSameAsJackson(body);
    }
  }

  @Test
  void offsets_holdAfterMultiByteCharactersAndEscapes() throws Exception {
    String body =
        """
        {"hook": "order-sign", "context": {"userId": "Practitioner/Zoë-🩺", "note": "\\u00e9\\"}{"},
         "prefetch" : {
           "patient":{"resourceType":"Patient","id":"p1","name":[{"family":"Nuñez \\"🙂\\" {"}]},
           "meds": {"resourceType":"Bundle","entry":[{"resource":{"entry":[1,2,3]}},{},{"x":[[]]}]},
           "none": null, "odd": [1, {"entry": []}], "empty": {}
         }}
        """;
    HookBody read = assertSameAsJackson(body.getBytes(StandardCharsets.UTF_8));
    Map<String, PrefetchValue> prefetch = read.prefetch().orElseThrow();
    assertThat(prefetch.keySet()).containsExactly("patient", "meds", "none", "odd", "empty");
    assertThat(prefetch.get("meds").entries()).as("only the top-level entry array").hasValue(3);
    assertThat(prefetch.get("patient").entries()).isEmpty();
    assertThat(prefetch.get("none").isNull()).isTrue();
    assertThat(prefetch.get("odd").isObject()).isFalse();
    assertThat(prefetch.get("empty").isObject()).isTrue();
  }

  @Test
  void aBodyInUtf16_isReadWhole() throws Exception {
    // Jackson detects UTF-16 and UTF-32 itself (JSON's BOM-less detection); no byte offsets then.
    byte[] body =
        new SyntheticOrders(3).call(5, true, true).body().getBytes(StandardCharsets.UTF_16LE);
    assertSameAsJackson(body);
  }

  @Test
  void aPrefetchThatIsNoObject_staysInTheTreeForTheRequestReaderToRefuse() throws Exception {
    HookBody read = reader.read("{\"hook\":\"order-sign\",\"prefetch\":[1]}".getBytes());
    assertThat(read.prefetch()).isEmpty();
    assertThat(read.head().get("prefetch").isArray()).isTrue();
  }

  @Test
  void aBodyThatIsNoObject_isReadWhole() throws Exception {
    assertThat(reader.read("[1, 2]".getBytes()).head().isArray()).isTrue();
    assertThat(reader.read("null".getBytes()).head().isNull()).isTrue();
  }

  @Test
  void malformedJsonInsidePrefetch_isRefusedAtOnce() {
    String[] malformed = {
      "{\"prefetch\":{\"patient\":{\"resourceType\" \"Patient\"}}}",
      "{\"prefetch\":{\"patient\":{\"resourceType\":\"Patient\",}}}",
      "{\"prefetch\":{\"patient\":{\"resourceType\":\"Patient\"}",
      "{\"prefetch\":{\"meds\":{\"entry\":[{},]}}}",
      "{\"prefetch\":{\"meds\":{\"entry\":[{}, 01]}}}",
      "{\"prefetch\":{\"patient\":{\"name\":[\"unterminated]}}}",
    };
    for (String body : malformed) {
      assertThatThrownBy(() -> reader.read(body.getBytes()))
          .as(body)
          .isInstanceOf(JsonProcessingException.class);
    }
  }

  @Test
  void duplicateNamesInsidePrefetch_areRefused() {
    assertThatThrownBy(
            () ->
                reader.read(
                    "{\"prefetch\":{\"patient\":{\"id\":\"a\",\"name\":[{\"family\":\"x\",\"family\":\"y\"}]}}}"
                        .getBytes()))
        .hasMessageContaining("Duplicate field 'family'");
    assertThatThrownBy(() -> reader.read("{\"prefetch\":{},\"prefetch\":{}}".getBytes()))
        .hasMessageContaining("Duplicate field 'prefetch'");
  }

  @Test
  void theNestingLimit_holdsInsidePrefetch() {
    String deep = "[".repeat(20) + "]".repeat(20);
    assertThatThrownBy(
            () -> reader.read(("{\"prefetch\":{\"p\":{\"extension\":" + deep + "}}}").getBytes()))
        .isInstanceOf(StreamConstraintsException.class);
  }

  @Test
  void anythingAfterTheBody_isRefusedInJacksonsWords() {
    assertThatThrownBy(() -> reader.read("{\"prefetch\":{}} {}".getBytes()))
        .hasMessageStartingWith("Trailing token");
    assertThatThrownBy(() -> reader.read(new byte[0])).isInstanceOf(JsonProcessingException.class);
  }

  /** Reads the body both ways and compares every part; returns ours. */
  private HookBody assertSameAsJackson(byte[] body) throws Exception {
    ObjectNode whole = (ObjectNode) JSON.readTree(body);
    HookBody read = reader.read(body);
    JsonNode expectedPrefetch = whole.remove("prefetch");
    assertThat(read.head()).isEqualTo(whole);
    Map<String, PrefetchValue> prefetch = read.prefetch().orElseThrow();
    assertThat(prefetch.keySet()).containsExactlyElementsOf(() -> expectedPrefetch.fieldNames());
    prefetch.forEach(
        (key, value) -> {
          JsonNode expected = expectedPrefetch.get(key);
          assertThat(value.tree("prefetch." + key)).as(key).isEqualTo(expected);
          assertThat(value.entries())
              .as(key)
              .isEqualTo(
                  expected.path("entry").isArray()
                      ? OptionalInt.of(expected.path("entry").size())
                      : OptionalInt.empty());
        });
    return read;
  }
}
