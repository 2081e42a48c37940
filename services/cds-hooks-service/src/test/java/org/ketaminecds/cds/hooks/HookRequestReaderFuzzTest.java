package org.ketaminecds.cds.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.ketaminecds.cds.config.CdsProperties;
import org.ketaminecds.cds.discovery.CdsService;
import org.ketaminecds.cds.discovery.CdsServiceCatalog;
import org.ketaminecds.cds.errors.CdsException;
import org.ketaminecds.cds.fhir.FhirJson;
import org.ketaminecds.cds.fuzz.FuzzSeeds;
import org.ketaminecds.cds.fuzz.FuzzedJson;
import org.ketaminecds.engine.knowledge.KnowledgePackLoader;
import org.springframework.util.unit.DataSize;

/**
 * Coverage-guided fuzzing of how the service reads a CDS Hooks call before any check runs: the body
 * parsed as the service parses it (Jackson with the nesting limit), the Bundle-size limit, {@link
 * HookRequestReader} and strict FHIR R4 parsing ({@link FhirJson}) of the draft orders and of every
 * prefetch resource, for both order-sign and order-select. Two targets: any bytes at all, and the
 * real request shapes of {@link FuzzSeeds} with fields replaced, removed, duplicated or re-typed by
 * {@link FuzzedJson}.
 *
 * <p>Proves that every input is either read whole or refused with a documented 4xx error code and a
 * short message naming the problem; no other exception escapes (the service would answer it 500). A
 * request read whole names a hook instance, a user, a patient and draft orders, and an order-select
 * call selects only orders it sent.
 *
 * <p>Runs the committed corpus ({@code HookRequestReaderFuzzTestInputs/}) on every build; {@code
 * bench/fuzz.sh parser-bytes 5m} and {@code bench/fuzz.sh parser-mutations 5m} fuzz it.
 */
class HookRequestReaderFuzzTest {

  /** As the service's own: see {@code JsonLimitsConfiguration} and {@code cds.max-json-depth}. */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  static {
    JSON.getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  private static final FhirJson FHIR = new FhirJson(FhirContext.forR4Cached());
  private static final HookRequestReader READER = new HookRequestReader(FHIR);
  private static final RequestLimits LIMITS =
      new RequestLimits(
          new CdsProperties(
              "",
              DataSize.ofMegabytes(1),
              64,
              1000,
              new CdsProperties.Fhir(
                  Duration.ofMillis(500), Duration.ofMillis(1500), Duration.ofSeconds(2), 5),
              new CdsProperties.Cors(List.of()),
              "",
              ZoneId.of("UTC")));
  private static final CdsServiceCatalog CATALOG =
      new CdsServiceCatalog(KnowledgePackLoader.fromClasspath().load().rules());
  private static final List<CdsService> SERVICES =
      List.of(
          CATALOG.find(CdsServiceCatalog.ORDER_SIGN_ID).orElseThrow(),
          CATALOG.find(CdsServiceCatalog.ORDER_SELECT_ID).orElseThrow());

  @FuzzTest
  void anyBytes(byte[] body) {
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException notJson) {
      return; // answered 400 malformed_json before the reader sees it (ApiExceptionHandler)
    }
    for (CdsService service : SERVICES) {
      readWhole(service, json);
    }
  }

  @FuzzTest
  void mutatedRequests(FuzzedDataProvider data) {
    JsonNode seed = data.pickValue(FuzzSeeds.hookBodies());
    CdsService service =
        seed.path("hook").asText().equals("order-select") ? SERVICES.get(1) : SERVICES.get(0);
    JsonNode mutated = FuzzedJson.mutate(seed, data, 8);
    JsonNode body;
    try {
      // Through bytes, as it arrives: the nesting limit applies here.
      body = JSON.readTree(JSON.writeValueAsBytes(mutated));
    } catch (IOException tooDeep) {
      return; // 400 malformed_json
    }
    readWhole(service, body);
  }

  private static void readWhole(CdsService service, JsonNode body) {
    HookRequest request;
    try {
      LIMITS.check(body);
      request = READER.read(service, body);
      // What the check does next with each prefetch key: parse it strictly as FHIR R4.
      request
          .prefetch()
          .forEach(
              (key, value) -> {
                if (!value.isNull()) {
                  FHIR.parse(value, "prefetch." + key);
                }
              });
    } catch (CdsException refused) {
      assertDocumentedRefusal(refused);
      return;
    } catch (RuntimeException | StackOverflowError unexpected) {
      throw new AssertionError(
          "reading a "
              + service.hook()
              + " request threw "
              + unexpected.getClass().getName()
              + " instead of refusing it with a 4xx: the service would answer 500",
          unexpected);
    }
    assertThat(request.hookInstance()).isNotBlank();
    assertThat(request.context().userId()).isNotBlank();
    assertThat(request.context().patientId()).isNotBlank();
    assertThat(request.context().draftOrders()).isNotNull();
    Set<String> drafts = new HashSet<>();
    for (Bundle.BundleEntryComponent entry : request.context().draftOrders().getEntry()) {
      if (entry.hasResource()) {
        drafts.add(
            entry.getResource().fhirType() + "/" + entry.getResource().getIdElement().getIdPart());
      }
    }
    assertThat(drafts)
        .as("order-select selects only draft orders of the call")
        .containsAll(request.context().selections());
  }

  static void assertDocumentedRefusal(CdsException refused) {
    assertThat(refused.code().status().is4xxClientError())
        .as("refusal %s is a client error", refused.code())
        .isTrue();
    assertThat(refused.getMessage()).as("refusal message").isNotBlank();
    assertThat(refused.getMessage().length())
        .as("refusal message stays short: %s", refused.getMessage())
        .isLessThanOrEqualTo(1200);
  }
}
