package org.ketaminecds.cds.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * A hook body keeps its prefetched resources as tokens until they are read, and reading them gives
 * exactly the tree the body held; the parser's limits still apply to every byte.
 */
class HookBodyTest {

  private static final ObjectMapper JSON = mapper();

  private static final String BUNDLE =
      """
      {"resourceType":"Bundle","type":"searchset","total":3,
       "meta":{"tag":[{"code":"x"}]},
       "entry":[
         {"resource":{"resourceType":"MedicationRequest","id":"a","entry":[1,2,3,4],
                      "dosageInstruction":[{"doseAndRate":[{"doseQuantity":{"value":1.50}}]}]}},
         {"resource":{"resourceType":"MedicationRequest","id":"b","note":[{"text":"é €"}]}},
         {"fullUrl":"urn:uuid:c"}
       ]}
      """;

  @Test
  void prefetchedResources_areDeferred_andReadBackAsTheSameTree() throws Exception {
    String body =
        """
        {"hook":"order-sign","hookInstance":"h-1","context":{"patientId":"p"},
         "prefetch":{"medications":%s,"patient":{"resourceType":"Patient","id":"p"},
                     "conditions":null}}
        """
            .formatted(BUNDLE);

    JsonNode tree = JSON.readValue(body, HookBody.class).tree();

    assertThat(tree.path("hook").asText()).isEqualTo("order-sign");
    assertThat(tree.path("context").path("patientId").asText()).isEqualTo("p");
    JsonNode medications = tree.path("prefetch").path("medications");
    HookBody.Deferred deferred = HookBody.Deferred.of(medications);
    assertThat(deferred).isNotNull();
    assertThat(deferred.entries()).isEqualTo(3);
    assertThat(HookBody.Deferred.read(medications)).isEqualTo(JSON.readTree(BUNDLE));
    assertThat(HookBody.Deferred.of(tree.path("prefetch").path("patient")).entries()).isZero();
    assertThat(tree.path("prefetch").path("conditions").isNull()).isTrue();
    assertThat(HookBody.Deferred.read(tree.path("hook"))).isSameAs(tree.path("hook"));
  }

  @Test
  void valuesThatAreNotResources_stayAsSent_forTheReaderToRefuse() throws Exception {
    JsonNode tree =
        JSON.readValue("{\"prefetch\":{\"medications\":[1],\"patient\":\"p\"}}", HookBody.class)
            .tree();
    assertThat(tree.path("prefetch").path("medications").isArray()).isTrue();
    assertThat(tree.path("prefetch").path("patient").isTextual()).isTrue();

    assertThat(
            JSON.readValue("{\"prefetch\":[]}", HookBody.class).tree().path("prefetch").isArray())
        .isTrue();
    assertThat(JSON.readValue("[1,2]", HookBody.class).tree().isArray()).isTrue();
    assertThat(JSON.readValue("null", HookBody.class).tree().isNull()).isTrue();
  }

  @Test
  void aDuplicateMemberInsideAPrefetchedResource_isStillRefused() {
    String body =
        "{\"prefetch\":{\"patient\":{\"resourceType\":\"Patient\",\"id\":\"a\",\"id\":\"b\"}}}";
    assertThatThrownBy(() -> JSON.readValue(body, HookBody.class))
        .isInstanceOf(StreamReadException.class)
        .hasMessageContaining("Duplicate field 'id'");
  }

  @Test
  void nestingBeyondTheLimitInsideAPrefetchedResource_isStillRefused() {
    String deep = "[".repeat(70) + "]".repeat(70);
    String body = "{\"prefetch\":{\"patient\":{\"resourceType\":\"Patient\",\"x\":" + deep + "}}}";
    assertThatThrownBy(() -> JSON.readValue(body, HookBody.class))
        .isInstanceOf(StreamConstraintsException.class);
  }

  @Test
  void aTruncatedPrefetchedResource_isRefused() {
    String body = "{\"prefetch\":{\"patient\":{\"resourceType\":\"Patient\",\"id\":";
    assertThatThrownBy(() -> JSON.readValue(body, HookBody.class))
        .isInstanceOf(StreamReadException.class);
  }

  /** As the application configures its mapper ({@code JsonLimitsConfiguration}). */
  private static ObjectMapper mapper() {
    ObjectMapper mapper = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    mapper
        .getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    return mapper;
  }
}
