package org.ketaminecds.cds.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.cds.testing.HookRequests.medicationRequest;
import static org.ketaminecds.cds.testing.HookRequests.orderSelect;
import static org.ketaminecds.cds.testing.HookRequests.orderSign;
import static org.ketaminecds.cds.testing.HookRequests.patient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The CDS Hooks 2.0 protocol as an EHR meets it: both hooks, cards, feedback, and every error. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"cds.cors.allowed-origins=https://sandbox.cds-hooks.org"})
class HookProtocolIntegrationTest {

  static final String SIGN = "/cds-services/ketamine-order-sign";
  static final String SELECT = "/cds-services/ketamine-order-select";
  static final String KETAMINE_INJ = "238083";
  static final String PHENELZINE = "8123";
  static final String SERTRALINE = "36437";

  @LocalServerPort int port;
  CdsHttp http;

  @BeforeEach
  void client() {
    http = new CdsHttp(port);
  }

  private static HookRequests ketamineWithPhenelzine(HookRequests request) {
    return request
        .prefetch("patient", patient("p1", "1970-01-01"))
        .prefetchBundle(
            "medicationRequests",
            medicationRequest("mao-1", "active", PHENELZINE, "Phenelzine 15 mg tablet", "p1"))
        .nullPrefetchExcept("patient", "medicationRequests");
  }

  @Test
  void whatRealEhrsSendAroundACompletePrefetchIsAccepted() {
    // A JWT access token and a SMART v2 scope list of several kilobytes, an upper-case scheme
    // (RFC 3986: schemes are case-insensitive), and a prefetch key the service did not ask for
    // holding a string, as in the CDS Hooks specification's own example.
    HookRequests request =
        ketamineWithPhenelzine(orderSign("p1").draft("ket-real", KETAMINE_INJ, "Ketamine inj"))
            .fhirServer("HTTPS://ehr.example.org/fhir", "eyJ" + "a".repeat(4000) + ".sig");
    ObjectNode body = request.json();
    ((ObjectNode) body.get("fhirAuthorization"))
        .put("scope", "patient/MedicationRequest.rs ".repeat(60).trim());
    ((ObjectNode) body.get("prefetch")).put("user", "Practitioner/123");

    var response = http.post(SIGN, request.build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().get("cards")).hasSize(1);
  }

  @Test
  void anAcceptHeaderAskingForAnotherCharsetStillGetsTheCardsInUtf8() {
    String body =
        ketamineWithPhenelzine(orderSign("p1").draft("ket-cs", KETAMINE_INJ, "Ketamine inj"))
            .build();
    for (String accept :
        new String[] {
          "application/json;charset=ISO-8859-1",
          "application/json; charset=UTF-16",
          "application/fhir+json;charset=utf-32, application/json;q=0.5",
          "*/*;charset=windows-1252"
        }) {
      var response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + SIGN))
                  .header("Content-Type", "application/json")
                  .header("Accept", accept)
                  .POST(HttpRequest.BodyPublishers.ofString(body)));

      assertThat(response.status()).as(accept).isEqualTo(200);
      assertThat(response.json().get("cards")).as(accept).hasSize(1);
      assertThat(response.raw().headers().firstValue("Content-Type").orElseThrow())
          .as(accept)
          .doesNotContainIgnoringCase("ISO-8859-1")
          .doesNotContainIgnoringCase("UTF-16")
          .doesNotContainIgnoringCase("UTF-32");
    }
    var discovery =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/cds-services"))
                .header("Accept", "application/fhir+json;charset=ISO-8859-1")
                .GET());
    assertThat(discovery.status()).isEqualTo(200);
    assertThat(discovery.json().get("services")).hasSize(2);
  }

  @Test
  void orderSign_ketamineWithAnMaoi_answersOneCriticalCardThatFollowsTheSpec() {
    var response =
        http.post(
            SIGN,
            ketamineWithPhenelzine(orderSign("p1").draft("ket-1", KETAMINE_INJ, "Ketamine inj"))
                .build());

    assertThat(response.status()).isEqualTo(200);
    JsonNode cards = response.json().get("cards");
    assertThat(cards).hasSize(1);
    JsonNode card = cards.get(0);
    assertThat(card.get("indicator").asText()).isEqualTo("critical");
    assertThat(card.get("uuid").asText()).matches("[0-9a-f-]{36}");
    assertThat(card.get("summary").asText())
        .hasSizeLessThan(140)
        .containsIgnoringCase("ketamine")
        .containsIgnoringCase("phenelzine");
    assertThat(card.get("detail").asText()).contains("**").contains("Evidence");
    assertThat(URI.create(card.at("/source/url").asText()).isAbsolute()).isTrue();
    assertThat(card.at("/source/label").asText()).isNotBlank();
    assertThat(card.at("/source/topic/code").asText()).isEqualTo("ketamine-maoi");
    assertThat(card.get("selectionBehavior").asText()).isEqualTo("at-most-one");
    for (JsonNode suggestion : card.get("suggestions")) {
      assertThat(suggestion.get("uuid").asText()).isNotBlank();
      assertThat(suggestion.get("label").asText()).isNotBlank();
      for (JsonNode action : suggestion.get("actions")) {
        if (action.get("type").asText().equals("delete")) {
          assertThat(action.get("resourceId").asText()).isEqualTo("MedicationRequest/ket-1");
        }
      }
    }
    assertThat(card.get("overrideReasons")).isNotEmpty();
    card.get("overrideReasons").forEach(r -> assertThat(r.get("display").asText()).isNotBlank());
    card.get("links")
        .forEach(l -> assertThat(URI.create(l.get("url").asText()).isAbsolute()).isTrue());
    assertNoNullOrEmptyMembers(card, "card");
  }

  @Test
  void orderSign_everyCardGetsItsOwnUuid() {
    String body =
        ketamineWithPhenelzine(orderSign("p1").draft("ket-1", KETAMINE_INJ, "Ketamine inj"))
            .build();
    String first = http.post(SIGN, body).json().at("/cards/0/uuid").asText();
    String second = http.post(SIGN, body).json().at("/cards/0/uuid").asText();
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void orderSign_anOrderThatIsNotKetamine_answersAnEmptyCardList() {
    var response =
        http.post(
            SIGN,
            ketamineWithPhenelzine(orderSign("p1").draft("ssri-1", SERTRALINE, "Sertraline 50 mg"))
                .build());
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body().replace(" ", "")).isEqualTo("{\"cards\":[]}");
  }

  @Test
  void aMethodNotAllowed_namesTheAllowedOnes() {
    var response = http.get(SIGN);

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.raw().headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void orderSelect_checksOnlyTheSelectedOrders() {
    HookRequests request =
        ketamineWithPhenelzine(
            orderSelect("p1")
                .draft("ket-1", KETAMINE_INJ, "Ketamine inj")
                .draft("ssri-1", SERTRALINE, "Sertraline 50 mg"));
    var sertralineSelected =
        http.post(SELECT, request.copy().select("MedicationRequest/ssri-1").build());
    var ketamineSelected =
        http.post(SELECT, request.copy().select("MedicationRequest/ket-1").build());

    assertThat(sertralineSelected.json().get("cards")).isEmpty();
    // The unselected sertraline draft still counts as a medication the patient is about to take.
    assertThat(ketamineSelected.json().get("cards"))
        .extracting(c -> c.at("/source/topic/code").asText())
        .containsExactly("ketamine-maoi", "ketamine-ssri");
  }

  @Test
  void orderSign_aDraftOrderBundleWithoutType_isAccepted() {
    HookRequests request =
        ketamineWithPhenelzine(orderSign("p1").draft("ket-1", KETAMINE_INJ, "Ketamine inj"));
    ((ObjectNode) request.json().at("/context/draftOrders")).remove("type");
    assertThat(http.post(SIGN, request.build()).json().get("cards")).hasSize(1);
  }

  @Test
  void orderSign_esketamineNamedOnlyByBrand_isRecognised() {
    HookRequests request = ketamineWithPhenelzine(orderSign("p1"));
    ObjectNode order = medicationRequest("esk-1", "draft", "0", "Spravato 56 mg nasal spray", null);
    ((ObjectNode) order.get("medicationCodeableConcept")).remove("coding");
    ((com.fasterxml.jackson.databind.node.ArrayNode)
            request.json().at("/context/draftOrders/entry"))
        .addObject()
        .set("resource", order);
    var cards = http.post(SIGN, request.build()).json().get("cards");
    assertThat(cards).hasSize(1);
    assertThat(cards.get(0).get("summary").asText()).containsIgnoringCase("esketamine");
  }

  @Test
  void orderSign_prefetchKeysThatAreNull_meanNoSuchDataAndNeedNoFhirServer() {
    var response =
        http.post(
            SIGN,
            orderSign("p1")
                .draft("ket-1", KETAMINE_INJ, "Ketamine inj")
                .nullPrefetchExcept()
                .build());
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("cards")).isEmpty();
  }

  @Test
  void orderSign_missingPrefetchAndNoFhirServer_isRefusedWith412() {
    var response =
        http.post(SIGN, orderSign("p1").draft("ket-1", KETAMINE_INJ, "Ketamine inj").build());
    assertError(response, 412, "prefetch_unavailable");
  }

  // ---- errors ----

  @Test
  void unknownService_is404() {
    var response =
        http.post(
            "/cds-services/no-such-service", orderSign("p1").draft("k", KETAMINE_INJ, "k").build());
    assertError(response, 404, "unknown_service");
  }

  @Test
  void malformedJson_is400() {
    assertError(http.post(SIGN, "{\"hook\": "), 400, "malformed_json");
    assertError(http.post(SIGN, ""), 400, "malformed_json");
    assertError(http.post(SIGN, "[1,2]"), 400, "malformed_json");
  }

  @Test
  void hookThatDoesNotMatchTheService_is400() {
    var response = http.post(SELECT, orderSign("p1").draft("k", KETAMINE_INJ, "k").build());
    assertError(response, 400, "hook_mismatch");
  }

  @Test
  void missingRequiredFields_are400NamingTheField() {
    Map<String, String> removals =
        Map.of(
            "hookInstance", "",
            "userId", "context",
            "patientId", "context",
            "draftOrders", "context",
            "context", "");
    removals.forEach(
        (field, parent) -> {
          HookRequests request = orderSign("p1").draft("k", KETAMINE_INJ, "k");
          ObjectNode node =
              parent.isEmpty() ? request.json() : (ObjectNode) request.json().get(parent);
          node.remove(field);
          var response = http.post(SIGN, request.build());
          assertError(response, 400, "missing_field");
          assertThat(response.json().get("message").asText()).contains(field);
        });
    HookRequests noSelections = orderSelect("p1").draft("k", KETAMINE_INJ, "k");
    ((ObjectNode) noSelections.json().get("context")).remove("selections");
    assertThat(http.post(SELECT, noSelections.build()).json().get("message").asText())
        .contains("context.selections");
  }

  @Test
  void wronglyTypedFields_are400NamingTheField() {
    HookRequests numberInstance = orderSign("p1").draft("k", KETAMINE_INJ, "k");
    numberInstance.json().put("hookInstance", 42);
    var response = http.post(SIGN, numberInstance.build());
    assertError(response, 400, "invalid_field");
    assertThat(response.json().get("message").asText()).contains("hookInstance");

    HookRequests stringSelections = orderSelect("p1").draft("k", KETAMINE_INJ, "k");
    ((ObjectNode) stringSelections.json().get("context")).put("selections", "MedicationRequest/k");
    response = http.post(SELECT, stringSelections.build());
    assertError(response, 400, "invalid_field");
    assertThat(response.json().get("message").asText()).contains("context.selections");

    HookRequests unknownSelection =
        orderSelect("p1").draft("k", KETAMINE_INJ, "k").select("MedicationRequest/other");
    assertError(http.post(SELECT, unknownSelection.build()), 400, "invalid_field");

    HookRequests prefetchNumber = orderSign("p1").draft("k", KETAMINE_INJ, "k");
    prefetchNumber.json().putObject("prefetch").put("patient", 7);
    assertError(http.post(SIGN, prefetchNumber.build()), 400, "invalid_field");

    HookRequests relativeServer = orderSign("p1").draft("k", KETAMINE_INJ, "k");
    relativeServer.json().put("fhirServer", "fhir/r4");
    assertError(http.post(SIGN, relativeServer.build()), 400, "invalid_field");
  }

  @Test
  void fhirAuthorizationWithoutFhirServer_is400() {
    HookRequests request =
        orderSign("p1").draft("k", KETAMINE_INJ, "k").fhirServer("https://x.example/fhir", "t");
    request.json().remove("fhirServer");
    assertError(http.post(SIGN, request.build()), 400, "missing_field");
  }

  @Test
  void draftOrdersThatIsNotABundle_is400() {
    HookRequests request = orderSign("p1");
    ((ObjectNode) request.json().get("context")).set("draftOrders", patient("p1", "1970-01-01"));
    assertError(http.post(SIGN, request.build()), 400, "invalid_fhir");
  }

  @Test
  void wrongContentType_is415() {
    var response =
        http.post(SIGN, orderSign("p1").draft("k", KETAMINE_INJ, "k").build(), "text/plain");
    assertError(response, 415, "unsupported_media_type");
  }

  @Test
  void bodyOverTheLimit_is413() {
    String padding = "x".repeat(1_100_000);
    HookRequests request = orderSign("p1").draft("k", KETAMINE_INJ, "k");
    request.json().putObject("extension").put("padding", padding);
    assertError(http.post(SIGN, request.build()), 413, "payload_too_large");
  }

  @Test
  void errorsNeverCarryAStackTrace() {
    var response = http.post(SIGN, "{\"hook\": ");
    assertThat(response.body()).doesNotContain("at org.").doesNotContain("Exception");
  }

  // ---- feedback ----

  @Test
  void feedback_acceptedAndOverridden_areAnswered200() {
    String body =
        """
        {"feedback": [
          {"card": "9368d37b-283f-44a0-93ea-547cebab93ee", "outcome": "accepted",
           "acceptedSuggestions": [{"id": "e56e1945-20b3-4393-8503-a1a20fd73152"}],
           "outcomeTimestamp": "2026-11-21T10:15:00Z"},
          {"card": "7d8cdbb4-8bb7-4b5e-a1b2-4a2c9f0e3a11", "outcome": "overridden",
           "overrideReason": {"reason": {"code": "will-monitor",
             "system": "https://ketamine-cds.example.org/fhir/CodeSystem/override-reason",
             "display": "Will monitor the patient"}, "userComment": "BP checked"},
           "outcomeTimestamp": "2026-11-21T10:16:00+01:00"}
        ]}
        """;
    assertThat(http.post(SIGN + "/feedback", body).status()).isEqualTo(200);
  }

  @Test
  void feedback_invalidItems_are400NamingTheField() {
    assertError(http.post(SIGN + "/feedback", "{}"), 400, "missing_field");
    var badOutcome =
        http.post(
            SIGN + "/feedback",
            "{\"feedback\":[{\"card\":\"c\",\"outcome\":\"ignored\",\"outcomeTimestamp\":\"2026-11-21T10:15:00Z\"}]}");
    assertError(badOutcome, 400, "invalid_field");
    assertThat(badOutcome.json().get("message").asText()).contains("feedback[0].outcome");
    var badTime =
        http.post(
            SIGN + "/feedback",
            "{\"feedback\":[{\"card\":\"c\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"yesterday\"}]}");
    assertError(badTime, 400, "invalid_field");
    // Dated ahead, it would stand as the card's latest outcome in the reports for good.
    var future =
        http.post(
            SIGN + "/feedback",
            "{\"feedback\":[{\"card\":\"c\",\"outcome\":\"overridden\","
                + "\"outcomeTimestamp\":\""
                + java.time.Instant.now().plus(java.time.Duration.ofDays(1))
                + "\"}]}");
    assertError(future, 400, "invalid_field");
    assertThat(future.json().get("message").asText()).contains("in the future");
    var noCard =
        http.post(
            SIGN + "/feedback",
            "{\"feedback\":[{\"outcome\":\"accepted\",\"outcomeTimestamp\":\"2026-11-21T10:15:00Z\"}]}");
    assertError(noCard, 400, "missing_field");
    assertThat(noCard.json().get("message").asText()).contains("feedback[0].card");
  }

  @Test
  void feedback_forAnUnknownService_is404() {
    assertError(
        http.post(
            "/cds-services/nope/feedback",
            "{\"feedback\":[{\"card\":\"c\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"2026-11-21T10:15:00Z\"}]}"),
        404,
        "unknown_service");
  }

  // ---- CORS ----

  @Test
  void cors_preflightFromAnAllowedOrigin_isAllowed_andOthersAreNot() {
    var allowed =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + SIGN))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://sandbox.cds-hooks.org")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type"));
    assertThat(allowed.raw().headers().firstValue("Access-Control-Allow-Origin"))
        .contains("https://sandbox.cds-hooks.org");
    var other =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + SIGN))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST"));
    assertThat(other.raw().headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  // ---- helpers ----

  static void assertError(CdsHttp.Response response, int status, String code) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.raw().headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/json");
    JsonNode body = response.json();
    assertThat(body.get("error").asText()).isEqualTo(code);
    assertThat(body.get("message").asText()).isNotBlank();
  }

  static void assertNoNullOrEmptyMembers(JsonNode node, String path) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        var field = fields.next();
        JsonNode value = field.getValue();
        String where = path + "." + field.getKey();
        assertThat(value.isNull()).as(where + " is null").isFalse();
        assertThat(
                (value.isContainerNode() && value.isEmpty())
                    || (value.isTextual() && value.asText().isEmpty()))
            .as(where + " is empty")
            .isFalse();
        assertNoNullOrEmptyMembers(value, where);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        assertNoNullOrEmptyMembers(node.get(i), path + "[" + i + "]");
      }
    }
  }
}
