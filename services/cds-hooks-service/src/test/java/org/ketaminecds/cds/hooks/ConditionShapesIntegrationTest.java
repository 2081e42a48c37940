package org.ketaminecds.cds.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.cds.testing.HookRequests.json;
import static org.ketaminecds.cds.testing.HookRequests.orderSign;
import static org.ketaminecds.cds.testing.HookRequests.patient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The ways a problem-list entry arrives from real EHRs, end to end over HTTP: SNOMED CT, ICD-10-CM
 * with and without the dot, WHO ICD-10, a system sent as its OID, names only; and the titles that
 * name a condition the patient does not have. Default settings, so it shares its application
 * context with other tests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConditionShapesIntegrationTest {

  static final String SIGN = "/cds-services/ketamine-order-sign";
  static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";

  @LocalServerPort int port;
  CdsHttp http;

  @BeforeEach
  void client() {
    http = new CdsHttp(port);
  }

  record Shape(String name, String code, List<String> present, List<String> absent) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Shape shape(String name, String code, List<String> present, String... absent) {
    return new Shape(name, code, present, List.of(absent));
  }

  static String coding(String system, String code, String display) {
    return "{'coding': [{'system': '%s', 'code': '%s', 'display': '%s'}]}"
        .formatted(system, code, display);
  }

  static Stream<Shape> shapes() {
    return Stream.of(
        shape(
            "SNOMED CT, as the brief gives it",
            coding("http://snomed.info/sct", "59621000", "Essential hypertension"),
            List.of("ketamine-hypertension")),
        shape(
            "ICD-10-CM I10",
            coding(ICD10CM, "I10", "Essential (primary) hypertension"),
            List.of("ketamine-hypertension")),
        shape(
            "ICD-10-CM I2510 without its dot and without a display",
            "{'coding': [{'system': '%s', 'code': 'I2510'}]}".formatted(ICD10CM),
            List.of("ketamine-cardiovascular-disease")),
        shape(
            "ICD-10-CM sent as its HL7 OID",
            coding("urn:oid:2.16.840.1.113883.6.90", "I71.4", "AAA without rupture"),
            List.of("ketamine-bp-sensitive-vascular-disease")),
        shape(
            "WHO ICD-10 F20.0",
            coding("http://hl7.org/fhir/sid/icd-10", "F20.0", "Paranoid schizophrenia"),
            List.of("ketamine-psychotic-disorder")),
        shape(
            "a local code with a name below the brief's concept",
            coding(
                "urn:oid:1.2.840.114350.1.13.0.1.7.2.696871",
                "LOC-77",
                "Old myocardial infarction"),
            List.of("ketamine-cardiovascular-disease")),
        shape(
            "ICD-10-CM F33.2: depression 'without psychotic features'",
            coding(
                ICD10CM,
                "F33.2",
                "Major depressive disorder, recurrent severe without psychotic features"),
            List.of(),
            "ketamine-psychotic-disorder"),
        shape(
            "ocular hypertension is glaucoma, not hypertension",
            coding("http://snomed.info/sct", "4210003", "Ocular hypertension"),
            List.of("ketamine-glaucoma"),
            "ketamine-hypertension"),
        shape(
            "pulmonary hypertension is not hypertension",
            "{'text': 'Pulmonary hypertension'}",
            List.of(),
            "ketamine-hypertension"),
        shape(
            "a family history is not the patient's",
            coding(ICD10CM, "Z82.3", "Family history of stroke"),
            List.of(),
            "ketamine-cardiovascular-disease"),
        shape(
            "a qualified negation is not the condition",
            "{'text': 'No known hypertension'}",
            List.of(),
            "ketamine-hypertension"),
        shape(
            "a risk is not the condition",
            "{'text': 'At risk for stroke'}",
            List.of(),
            "ketamine-cardiovascular-disease"),
        shape(
            "a history of the condition is the patient's",
            "{'text': 'History of stroke'}",
            List.of("ketamine-cardiovascular-disease")),
        shape(
            "a raised reading 'without diagnosis of hypertension' is not hypertension",
            coding(
                ICD10CM,
                "R03.0",
                "Elevated blood-pressure reading, without diagnosis of hypertension"),
            List.of(),
            "ketamine-hypertension"),
        shape(
            "white-coat hypertension is not hypertension",
            "{'text': 'White coat hypertension'}",
            List.of(),
            "ketamine-hypertension"),
        shape(
            "a past pregnancy's complications are no pregnancy now",
            coding(ICD10CM, "Z87.59", "Personal history of other complications of pregnancy"),
            List.of(),
            "ketamine-pregnancy"),
        shape(
            "a negated history is not the condition",
            "{'text': 'No history of epilepsy'}",
            List.of(),
            "ketamine-seizure-disorder"));
  }

  static ObjectNode condition(String code) {
    return condition(code, "'clinicalStatus': " + status("condition-clinical", "active"));
  }

  static ObjectNode condition(String code, String statusFields) {
    return json(
        "{'resourceType': 'Condition', 'id': 'c1', "
            + statusFields
            + (statusFields.isEmpty() ? "" : ", ")
            + "'code': "
            + code
            + ", 'subject': {'reference': 'Patient/p1'}}");
  }

  static String status(String codeSystem, String code) {
    return "{'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/%s', 'code': '%s'}]}"
        .formatted(codeSystem, code);
  }

  private CdsHttp.Response signWith(String code) {
    return signWith(condition(code));
  }

  private CdsHttp.Response signWith(ObjectNode condition, ObjectNode... medicationRequests) {
    var request =
        orderSign("p1")
            .draft("ket-1", "238083", "Ketamine 100 mg/mL injection")
            .prefetch("patient", patient("p1", "1980-01-01"))
            .prefetchBundle("medicationRequests", medicationRequests)
            .prefetchBundle("medicationStatements")
            .prefetchBundle("conditions", condition)
            .nullPrefetchExcept(
                "patient", "medicationRequests", "medicationStatements", "conditions");
    return http.post(SIGN, request.build());
  }

  static final String ICH = coding("http://snomed.info/sct", "274100004", "Cerebral hemorrhage");
  static final String HYPERTENSION =
      coding("http://snomed.info/sct", "59621000", "Essential hypertension");
  static final String OLD_MI = coding(ICD10CM, "I21.9", "Acute myocardial infarction");

  record Status(String name, String code, String fields, String topic, boolean counts) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Status> statuses() {
    String resolved = "'clinicalStatus': " + status("condition-clinical", "resolved");
    return Stream.of(
        new Status(
            "a resolved intracerebral haemorrhage is history",
            ICH,
            resolved,
            "ketamine-bp-sensitive-vascular-disease",
            true),
        new Status(
            "an inactive one too",
            ICH,
            "'clinicalStatus': " + status("condition-clinical", "inactive"),
            "ketamine-bp-sensitive-vascular-disease",
            true),
        new Status(
            "one with an abatement date whatever its status",
            ICH,
            "'clinicalStatus': "
                + status("condition-clinical", "active")
                + ", 'abatementDateTime': '2019-04-02'",
            "ketamine-bp-sensitive-vascular-disease",
            true),
        new Status(
            "a resolved myocardial infarction is cardiovascular history",
            OLD_MI,
            resolved,
            "ketamine-cardiovascular-disease",
            true),
        new Status(
            "resolved hypertension is not hypertension",
            HYPERTENSION,
            resolved,
            "ketamine-hypertension",
            false),
        new Status(
            "hypertension in remission neither",
            HYPERTENSION,
            "'clinicalStatus': " + status("condition-clinical", "remission"),
            "ketamine-hypertension",
            false),
        new Status(
            "no clinical status is read as current",
            HYPERTENSION,
            "",
            "ketamine-hypertension",
            true),
        new Status(
            "a refuted haemorrhage does not count, past or not",
            ICH,
            resolved + ", 'verificationStatus': " + status("condition-ver-status", "refuted"),
            "ketamine-bp-sensitive-vascular-disease",
            false),
        new Status(
            "an entered-in-error one neither",
            ICH,
            "'verificationStatus': " + status("condition-ver-status", "entered-in-error"),
            "ketamine-bp-sensitive-vascular-disease",
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statuses")
  void aPastConditionCountsOnlyWhereItsHistoryIsTheRisk(Status status) {
    var response = signWith(condition(status.code(), status.fields()));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    List<String> topics = response.json().get("cards").findValuesAsText("code");
    if (status.counts()) {
      assertThat(topics).as(status.name()).contains(status.topic());
    } else {
      assertThat(topics).as(status.name()).doesNotContain(status.topic());
    }
  }

  @Test
  void theCardSaysTheConditionIsPastAndWhenItEnded() {
    var response =
        signWith(
            condition(
                ICH,
                "'clinicalStatus': "
                    + status("condition-clinical", "resolved")
                    + ", 'abatementDateTime': '2019-04-02T10:00:00Z'"));

    assertThat(response.json().at("/cards/0/indicator").asText()).isEqualTo("critical");
    assertThat(response.json().at("/cards/0/detail").asText())
        .contains("Cerebral hemorrhage (problem list, resolved 2019-04-02)");
  }

  @Test
  void aPastMyocardialInfarctionRaisesATricyclicToCritical() {
    var response =
        signWith(
            condition(OLD_MI, "'clinicalStatus': " + status("condition-clinical", "resolved")),
            HookRequests.medicationRequest(
                "mr-1", "active", "704", "Amitriptyline 25 mg tablet", "p1"));

    JsonNode tca =
        response.json().get("cards").findParents("source").stream()
            .filter(card -> card.at("/source/topic/code").asText().equals("ketamine-tca"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no TCA card: " + response.body()));
    assertThat(tca.path("indicator").asText()).isEqualTo("critical");
    assertThat(tca.path("detail").asText()).contains("Acute myocardial infarction (resolved)");
  }
}
