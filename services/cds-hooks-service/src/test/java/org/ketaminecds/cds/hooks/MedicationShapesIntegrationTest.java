package org.ketaminecds.cds.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.cds.testing.HookRequests.JSON;
import static org.ketaminecds.cds.testing.HookRequests.json;
import static org.ketaminecds.cds.testing.HookRequests.orderSign;
import static org.ketaminecds.cds.testing.HookRequests.patient;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Medication;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;
import org.ketaminecds.cds.testing.TestFhirServer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The shapes a medication arrives in from real EHRs, end to end over HTTP: which cards come back
 * for a ketamine order. Default settings, so it shares its application context with other tests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MedicationShapesIntegrationTest {

  static final String SIGN = "/cds-services/ketamine-order-sign";
  static final String RXNORM = HookRequests.RXNORM;

  @LocalServerPort int port;
  CdsHttp http;

  @BeforeEach
  void client() {
    http = new CdsHttp(port);
  }

  static ObjectNode request(String id, String status, String medication) {
    return json(
        "{'resourceType': 'MedicationRequest', 'id': '%s', 'status': '%s', 'intent': 'order',"
                .formatted(id, status)
            + medication
            + ", 'subject': {'reference': 'Patient/p1'}}");
  }

  static String coded(String code, String text) {
    return "'medicationCodeableConcept': {'coding': [{'system': '%s', 'code': '%s'}], 'text': '%s'}"
        .formatted(RXNORM, code, text);
  }

  static String textOnly(String text) {
    return "'medicationCodeableConcept': {'text': '%s'}".formatted(text);
  }

  record Shape(
      String name,
      List<JsonNode> requests,
      List<JsonNode> statements,
      List<String> expectedTopics,
      String expectedIndicator) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Shape shape(
      String name,
      List<JsonNode> requests,
      List<JsonNode> statements,
      String... topicsThenIndicator) {
    List<String> topics = List.of(topicsThenIndicator).subList(0, topicsThenIndicator.length - 1);
    return new Shape(
        name, requests, statements, topics, topicsThenIndicator[topicsThenIndicator.length - 1]);
  }

  static Stream<Shape> shapes() {
    ObjectNode contained = request("r-c", "active", "'medicationReference': {'reference': '#med'}");
    contained.set(
        "contained",
        JSON.createArrayNode()
            .add(
                json(
                    "{'resourceType': 'Medication', 'id': 'med', 'code': {'coding': [{'system':"
                        + " '%s', 'code': '312347'}]}}".formatted(RXNORM))));
    ObjectNode combination =
        request("r-combo", "active", "'medicationReference': {'reference': '#combo'}");
    combination.set(
        "contained",
        JSON.createArrayNode()
            .add(
                json(
                    ("{'resourceType': 'Medication', 'id': 'combo', 'ingredient': ["
                            + "{'itemCodeableConcept': {'coding': [{'system': '%1$s', 'code':"
                            + " '10438'}]}},"
                            + "{'itemCodeableConcept': {'coding': [{'system': '%1$s', 'code':"
                            + " '3966'}]}}]}")
                        .formatted(RXNORM))));
    ObjectNode stoppedRecently = request("r-s1", "stopped", coded("8123", "Phenelzine 15 mg"));
    stoppedRecently.set("meta", json("{'lastUpdated': '%sT09:00:00Z'}".formatted(daysAgo(10))));
    ObjectNode stoppedLongAgo = request("r-s2", "stopped", coded("8123", "Phenelzine 15 mg"));
    stoppedLongAgo.set("meta", json("{'lastUpdated': '%sT09:00:00Z'}".formatted(daysAgo(20))));
    ObjectNode lastTakenRecently = statement("s-e3", "stopped", "Nardil 15 mg tablet");
    lastTakenRecently.put("effectiveDateTime", daysAgo(3));
    ObjectNode stoppedNoDate = statement("s-nd", "stopped", "Nardil 15 mg tablet");
    ObjectNode benzoStoppedNoDate = statement("s-bz", "stopped", "Xanax 0.5 mg");
    ObjectNode supplyRanOutRecently = request("r-sup1", "stopped", coded("8123", "Phenelzine"));
    supplyRanOutRecently.put("authoredOn", daysAgo(35));
    supplyRanOutRecently.set(
        "dispenseRequest",
        json(
            "{'expectedSupplyDuration': {'value': 30, 'unit': 'days', 'system':"
                + " 'http://unitsofmeasure.org', 'code': 'd'}}"));
    ObjectNode supplyRanOutLongAgo = supplyRanOutRecently.deepCopy().put("id", "r-sup2");
    supplyRanOutLongAgo.put("authoredOn", daysAgo(70));
    ObjectNode herbal =
        json(
            "{'resourceType': 'MedicationStatement', 'id': 's-sjw', 'status': 'active',"
                + " 'medicationCodeableConcept': {'text': 'St Johns wort 300 mg capsule (OTC)'},"
                + " 'subject': {'reference': 'Patient/p1'}}");
    ObjectNode endedStatement =
        json(
            "{'resourceType': 'MedicationStatement', 'id': 's-old', 'status': 'active',"
                + " 'medicationCodeableConcept': {'text': 'Xanax 0.5 mg'},"
                + " 'effectivePeriod': {'start': '2025-01-01', 'end': '2025-02-01'},"
                + " 'subject': {'reference': 'Patient/p1'}}");
    return Stream.of(
        shape(
            "a product (SCD) code",
            List.of(request("r1", "active", coded("312347", "PHENELZINE SO4 15MG TAB"))),
            List.of(),
            "ketamine-maoi",
            "critical"),
        shape(
            "a brand name in free text only",
            List.of(request("r2", "active", textOnly("Parnate 10 mg tablet"))),
            List.of(),
            "ketamine-maoi",
            "critical"),
        shape("a contained Medication", List.of(contained), List.of(), "ketamine-maoi", "critical"),
        shape(
            "a contained combination product: each ingredient's class",
            List.of(combination),
            List.of(),
            "ketamine-xanthine",
            "ketamine-sympathomimetic",
            "warning"),
        shape(
            "an on-hold request",
            List.of(request("r3", "on-hold", coded("197321", "ALPRAZOLAM 1MG TAB"))),
            List.of(),
            "ketamine-benzodiazepine",
            "warning"),
        shape(
            "a cancelled request is ignored",
            List.of(request("r4", "cancelled", coded("8123", "Phenelzine"))),
            List.of(),
            "none"),
        shape(
            "an order not to give an MAOI (doNotPerform) is ignored",
            List.of(
                (JsonNode)
                    request("r4d", "active", coded("8123", "Phenelzine"))
                        .put("doNotPerform", true)),
            List.of(),
            "none"),
        shape(
            "an MAOI stopped 10 days ago (washout)",
            List.of(stoppedRecently),
            List.of(),
            "ketamine-maoi",
            "critical"),
        shape("an MAOI stopped 20 days ago is ignored", List.of(stoppedLongAgo), List.of(), "none"),
        shape(
            "an MAOI statement stopped, last taken 3 days ago (effectiveDateTime)",
            List.of(),
            List.of(lastTakenRecently),
            "ketamine-maoi",
            "critical"),
        shape(
            "an MAOI statement stopped on a day no record gives: the washout may not be over",
            List.of(),
            List.of(stoppedNoDate),
            "ketamine-maoi",
            "critical"),
        shape(
            "another drug stopped on a day no record gives is ignored",
            List.of(),
            List.of(benzoStoppedNoDate),
            "none"),
        shape(
            "an MAOI request stopped, its 30-day supply run out 5 days ago",
            List.of(supplyRanOutRecently),
            List.of(),
            "ketamine-maoi",
            "critical"),
        shape(
            "an MAOI request stopped, its supply run out 40 days ago, is ignored",
            List.of(supplyRanOutLongAgo),
            List.of(),
            "none"),
        shape(
            "a patient-reported herbal product (MedicationStatement)",
            List.of(),
            List.of(herbal),
            "ketamine-cyp-inducer",
            "info"),
        shape(
            "a statement whose period ended is ignored",
            List.of(),
            List.of(endedStatement),
            "none"));
  }

  static ObjectNode statement(String id, String status, String text) {
    return json(
        "{'resourceType': 'MedicationStatement', 'id': '%s', 'status': '%s',".formatted(id, status)
            + " 'medicationCodeableConcept': {'text': '%s'},".formatted(text)
            + " 'subject': {'reference': 'Patient/p1'}}");
  }

  private static String daysAgo(int days) {
    return java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(days).toString();
  }

  private HookRequests ketamineOrderWith(List<JsonNode> requests, List<JsonNode> statements) {
    return orderSign("p1")
        .draft("ket-1", "238083", "Ketamine 100 mg/mL injection")
        .prefetch("patient", patient("p1", "1980-01-01"))
        .prefetchBundle("medicationRequests", requests.toArray(JsonNode[]::new))
        .prefetchBundle("medicationStatements", statements.toArray(JsonNode[]::new))
        .nullPrefetchExcept("patient", "medicationRequests", "medicationStatements");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void theMedicationIsRecognisedInEveryShape(Shape shape) {
    var response = http.post(SIGN, ketamineOrderWith(shape.requests(), shape.statements()).build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    List<String> topics = response.json().get("cards").findValuesAsText("code");
    if (shape.expectedTopics().equals(List.of())) {
      assertThat(response.json().get("cards")).as(shape.name()).isEmpty();
    } else {
      assertThat(topics).as(shape.name()).containsAll(shape.expectedTopics());
      assertThat(response.json().get("cards").get(0).get("indicator").asText())
          .isEqualTo(shape.expectedIndicator());
    }
  }

  @Test
  void aMedicationIncludedInTheSearchBundleIsFoundByReference() {
    ObjectNode med =
        json(
            "{'resourceType': 'Medication', 'id': 'm5', 'code': {'coding': [{'system': '%s',"
                    .formatted(RXNORM)
                + " 'code': '8123'}]}}");
    var response =
        http.post(
            SIGN,
            ketamineOrderWith(
                    List.of(
                        request(
                            "r5",
                            "active",
                            "'medicationReference': {'reference': 'Medication/m5'}"),
                        med),
                    List.of())
                .build());

    assertThat(response.json().get("cards").findValuesAsText("code")).contains("ketamine-maoi");
  }

  /**
   * Names as UK GP and hospital systems (dm+d) and other EHRs write them, sent as text alone:
   * brands, and ingredients of the brief's ATC classes that its code lists do not name.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "Manerix 150mg tablets, ketamine-maoi, critical",
    "Dosulepin 75mg tablets, ketamine-tca, warning",
    "Zopiclone 7.5mg tablets, ketamine-benzodiazepine, warning",
    "Co-codamol 30mg/500mg tablets, ketamine-opioid, warning",
    "Oramorph 10mg/5ml oral solution, ketamine-opioid, warning",
    "Pethidine 50mg/1ml solution for injection, ketamine-opioid, warning",
    "Dexamfetamine 5mg tablets, ketamine-psychostimulant, warning",
    "Uniphyllin Continus 200mg tablets, ketamine-xanthine, warning",
    "Priadel 400mg modified-release tablets, ketamine-mood-stabilizer, info",
    "Chlorpromazine 25mg tablets, ketamine-antipsychotic, info",
    "Efexor XL 75mg capsules, ketamine-snri, info",
    "Ebixa 10mg tablets, ketamine-memantine, info"
  })
  void namesAsUkAndOtherSystemsWriteThemAreRecognised(String name, String topic, String indicator) {
    var response =
        http.post(
            SIGN,
            ketamineOrderWith(List.of(request("r1", "active", textOnly(name))), List.of()).build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().at("/cards/0/source/topic/code").asText()).isEqualTo(topic);
    assertThat(response.json().at("/cards/0/indicator").asText()).isEqualTo(indicator);
    assertThat(response.json().at("/cards/0/detail").asText()).contains("recognised by name");
  }

  @Test
  void bundleEntriesWithUrnUuidFullUrlsKeepTheirOwnIds() {
    // As many EHRs send them: every entry named by a urn:uuid, the Medication by that alone.
    String medUrn = "urn:uuid:5d6c8c86-3b39-4a87-9f55-0f3c1d2a9b10";
    ObjectNode med =
        json(
            "{'resourceType': 'Medication', 'code': {'coding': [{'system': '%s', 'code': '8123'}]}}"
                .formatted(RXNORM));
    var request =
        ketamineOrderWith(
            List.of(
                request("r5", "active", "'medicationReference': {'reference': '" + medUrn + "'}"),
                med),
            List.of());
    var entries = request.json().at("/prefetch/medicationRequests/entry");
    ((ObjectNode) entries.get(0)).put("fullUrl", "urn:uuid:0b6a6e2a-5d1a-4b6b-8f33-1c3a0d1d9e12");
    ((ObjectNode) entries.get(1)).put("fullUrl", medUrn);
    ((ObjectNode) request.json().at("/context/draftOrders/entry/0"))
        .put("fullUrl", "urn:uuid:0b6a6e2a-5d1a-4b6b-8f33-1c3a0d1d9e11");

    var response = http.post(SIGN, request.build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode card = response.json().at("/cards/0");
    assertThat(card.at("/source/topic/code").asText()).isEqualTo("ketamine-maoi");
    assertThat(card.get("detail").asText()).contains("phenelzine").doesNotContain("urn:");
    assertThat(card.findValuesAsText("resourceId")).containsExactly("MedicationRequest/ket-1");
  }

  @Test
  void anEntryWithNoNameAndACodeTheCheckDoesNotKnowIsReportedNotPassedOverSilently() {
    ObjectNode ndcOnly =
        json(
            "{'resourceType': 'MedicationStatement', 'id': 's-ndc', 'status': 'active',"
                + " 'medicationCodeableConcept': {'coding': [{'system':"
                + " 'http://hl7.org/fhir/sid/ndc', 'code': '0071-0155-23'}]},"
                + " 'subject': {'reference': 'Patient/p1'}}");
    ObjectNode named = request("r-lis", "active", textOnly("Lisinopril 10 mg tablet"));

    var response = http.post(SIGN, ketamineOrderWith(List.of(named), List.of(ndcOnly)).build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode cards = response.json().get("cards");
    assertThat(cards).hasSize(1);
    assertThat(cards.get(0).get("summary").asText())
        .isEqualTo("Ketamine interaction check incomplete: 1 medication could not be identified");
    assertThat(cards.get(0).get("detail").asText())
        .contains("0071-0155-23")
        .doesNotContain("Lisinopril");
  }

  @Test
  void aDraftWhoseMedicationTheEhrIncludedInThePrefetchIsRecognised() {
    ObjectNode ketamine =
        json(
            "{'resourceType': 'Medication', 'id': 'ket-med', 'code': {'coding': [{'system': '%s',"
                    .formatted(RXNORM)
                + " 'code': '6130'}], 'text': 'Ketamine'}}");
    var request =
        ketamineOrderWith(
            List.of(request("r5", "active", coded("8123", "Phenelzine 15 mg")), ketamine),
            List.of());
    ObjectNode draft = (ObjectNode) request.json().at("/context/draftOrders/entry/0/resource");
    draft.remove("medicationCodeableConcept");
    draft.set("medicationReference", json("{'reference': 'Medication/ket-med'}"));

    var response = http.post(SIGN, request.build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().at("/cards/0/source/topic/code").asText())
        .isEqualTo("ketamine-maoi");
  }

  @Test
  void aDraftSentWithoutAnIdIsCheckedButNotOfferedForDeletionByABrokenReference() {
    var request =
        ketamineOrderWith(List.of(request("r5", "active", coded("8123", "Nardil"))), List.of());
    ((ObjectNode) request.json().at("/context/draftOrders/entry/0/resource")).remove("id");

    var response = http.post(SIGN, request.build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().at("/cards/0/indicator").asText()).isEqualTo("critical");
    assertThat(response.json().findValuesAsText("type")).doesNotContain("delete");
    assertThat(response.json().findValues("resourceId")).isEmpty();
  }

  @Test
  void aPrefetchFulfilledAsABatchIsReadInsideItsSearchBundles() {
    ObjectNode search = json("{'resourceType': 'Bundle', 'type': 'searchset', 'entry': []}");
    search
        .withArray("entry")
        .addObject()
        .set("resource", request("r9", "active", coded("8123", "Phenelzine 15 mg")));
    ObjectNode batch = json("{'resourceType': 'Bundle', 'type': 'batch-response', 'entry': []}");
    batch.withArray("entry").addObject().set("resource", search);
    var request = ketamineOrderWith(List.of(), List.of());
    ((ObjectNode) request.json().get("prefetch")).set("medicationRequests", batch);

    var response = http.post(SIGN, request.build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().get("cards").findValuesAsText("code")).contains("ketamine-maoi");
  }

  @Test
  void esketamineOrderedAsSpravatoByTextIsChecked() {
    HookRequests request =
        orderSign("p1")
            .prefetch("patient", patient("p1", "1980-01-01"))
            .prefetchBundle(
                "medicationRequests", request("r6", "active", coded("8123", "Phenelzine 15 mg")))
            .nullPrefetchExcept("patient", "medicationRequests");
    ((ArrayNode) request.json().at("/context/draftOrders/entry"))
        .addObject()
        .set("resource", request("esk-1", "draft", textOnly("Spravato 56 mg nasal spray")));

    var response = http.post(SIGN, request.build());

    JsonNode card = response.json().at("/cards/0");
    assertThat(card.get("summary").asText()).startsWith("Esketamine").contains("phenelzine");
  }

  @Test
  void aReferencedMedicationIsReadFromTheFhirServerWhenNotSent() {
    // The shared server is on the test EHR's allow-list of FHIR servers (TestTokens).
    TestFhirServer ehr = TestFhirServer.shared();
    Medication tranylcypromine = new Medication();
    tranylcypromine.setId("m-mao");
    tranylcypromine.setCode(new CodeableConcept(new Coding(RXNORM, "10734", "tranylcypromine")));
    ehr.add(tranylcypromine);
    warmUp(ehr);
    HookRequests request =
        ketamineOrderWith(
                List.of(
                    request(
                        "r7",
                        "active",
                        "'medicationReference': {'reference': 'Medication/m-mao'}")),
                List.of())
            .fhirServer(ehr.baseUrl(), "ehr-token");

    var response = http.post(SIGN, request.build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().get("cards").findValuesAsText("code")).contains("ketamine-maoi");
    assertThat(ehr.requests()).anyMatch(r -> r.endsWith("/fhir/Medication/m-mao"));
    assertThat(ehr.authorizations()).contains("Bearer ehr-token");
  }

  /** The test server initialises on its first request; the time budget is not for that. */
  private static void warmUp(TestFhirServer ehr) {
    try {
      FhirContext.forR4Cached()
          .newRestfulGenericClient(ehr.baseUrl())
          .read()
          .resource(Medication.class)
          .withId("warm-up")
          .execute();
    } catch (ResourceNotFoundException expected) {
      // the server answered: it is ready
    }
  }

  @Test
  void aReferencedMedicationThatCannotBeReadGives412NotAnEmptyAnswer() {
    var response =
        http.post(
            SIGN,
            ketamineOrderWith(
                    List.of(
                        request(
                            "r8",
                            "active",
                            "'medicationReference': {'reference': 'Medication/x'}")),
                    List.of())
                .build());

    assertThat(response.status()).isEqualTo(412);
    assertThat(response.json().get("error").asText()).isEqualTo("prefetch_unavailable");
  }
}
