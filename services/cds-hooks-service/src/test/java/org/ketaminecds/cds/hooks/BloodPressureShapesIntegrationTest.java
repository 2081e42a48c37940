package org.ketaminecds.cds.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.cds.testing.HookRequests.json;
import static org.ketaminecds.cds.testing.HookRequests.orderSign;
import static org.ketaminecds.cds.testing.HookRequests.patient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketaminecds.cds.testing.CdsHttp;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The ways a blood-pressure reading arrives from real EHRs, end to end over HTTP: the R4
 * vital-signs panel, an older LOINC panel, position-specific LOINC codes, systolic and diastolic as
 * observations of their own, and the SNOMED CT codes UK GP systems record. Each reading of 186/114
 * must reach the rule at its critical level; one of 128/76 must not raise it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BloodPressureShapesIntegrationTest {

  static final String SIGN = "/cds-services/ketamine-order-sign";
  static final String LOINC = "http://loinc.org";
  static final String SNOMED = "http://snomed.info/sct";
  static final String TOPIC = "ketamine-raised-blood-pressure";

  @LocalServerPort int port;
  CdsHttp http;

  @BeforeEach
  void client() {
    http = new CdsHttp(port);
  }

  record Shape(String name, String system, String panel, String systolic, String diastolic) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Shape> shapes() {
    return Stream.of(
        new Shape("FHIR R4 vital-signs panel", LOINC, "85354-9", "8480-6", "8462-4"),
        new Shape("older LOINC panel 55284-4", LOINC, "55284-4", "8480-6", "8462-4"),
        new Shape("sitting, LOINC", LOINC, "85354-9", "8459-0", "8453-3"),
        new Shape("supine, LOINC", LOINC, "35094-2", "8461-6", "8455-8"),
        new Shape("non-invasive, LOINC", LOINC, "85354-9", "76534-7", "76535-4"),
        new Shape("UK GP record, SNOMED CT", SNOMED, "163020007", "72313002", "1091811000000102"),
        new Shape("sitting, SNOMED CT", SNOMED, "163035008", "407554009", "407555005"),
        new Shape("systolic and diastolic on their own, LOINC", LOINC, null, "8480-6", "8462-4"),
        new Shape("standing, on their own, SNOMED CT", SNOMED, null, "400974009", "400975005"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void aHighReadingIsReadWhicheverCodesItCarries(Shape shape) {
    JsonNode card = cardFor(shape, 186, 114);
    assertThat(card).as(shape.name()).isNotNull();
    assertThat(card.path("indicator").asText()).isEqualTo("critical");
    assertThat(card.path("detail").asText()).contains("186").contains("114");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void aNormalReadingRaisesNothing(Shape shape) {
    assertThat(cardFor(shape, 128, 76)).as(shape.name()).isNull();
  }

  private JsonNode cardFor(Shape shape, int systolic, int diastolic) {
    ObjectNode[] readings =
        shape.panel() == null
            ? new ObjectNode[] {
              single("sbp", shape.system(), shape.systolic(), systolic),
              single("dbp", shape.system(), shape.diastolic(), diastolic)
            }
            : new ObjectNode[] {panel(shape, systolic, diastolic)};
    var request =
        orderSign("p1")
            .draft("ket-1", "238083", "Ketamine 100 mg/mL injection")
            .prefetch("patient", patient("p1", "1980-01-01"))
            .prefetchBundle("medicationRequests")
            .prefetchBundle("medicationStatements")
            .prefetchBundle("conditions")
            .prefetchBundle("bloodPressure", readings);
    var response = http.post(SIGN, request.build());
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    for (JsonNode card : response.json().get("cards")) {
      if (TOPIC.equals(card.at("/source/topic/code").asText())) {
        return card;
      }
    }
    return null;
  }

  private static ObjectNode panel(Shape shape, int systolic, int diastolic) {
    return json(
        ("{'resourceType': 'Observation', 'id': 'bp', 'status': 'final',"
                + " 'code': {'coding': [{'system': '%s', 'code': '%s'}]},"
                + " 'subject': {'reference': 'Patient/p1'},"
                + " 'effectiveDateTime': '2026-11-20T08:00:00Z',"
                + " 'component': [%s, %s]}")
            .formatted(
                shape.system(),
                shape.panel(),
                value(shape.system(), shape.systolic(), systolic),
                value(shape.system(), shape.diastolic(), diastolic)));
  }

  private static ObjectNode single(String id, String system, String code, int mmHg) {
    return json(
        ("{'resourceType': 'Observation', 'id': '%s', 'status': 'final',"
                + " 'subject': {'reference': 'Patient/p1'},"
                + " 'effectiveDateTime': '2026-11-20T08:00:00Z', %s}")
            .formatted(id, value(system, code, mmHg).substring(1).replaceFirst("}$", "")));
  }

  private static String value(String system, String code, int mmHg) {
    return ("{'code': {'coding': [{'system': '%s', 'code': '%s'}]},"
            + " 'valueQuantity': {'value': %d, 'unit': 'mmHg', 'system': 'http://unitsofmeasure.org',"
            + " 'code': 'mm[Hg]'}}")
        .formatted(system, code, mmHg);
  }
}
