package org.ketaminecds.cds.prefetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.cds.testing.HookRequests.orderSign;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;
import org.ketaminecds.cds.testing.TestFhirServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Data the EHR did not prefetch is read from its FHIR server: a real HAPI FHIR server on a random
 * loopback port, healthy, failing, hanging or gone.
 *
 * <p>Each test has a server of its own on a new port, which no static allow-list can name, so this
 * context runs with authentication explicitly off, on loopback (development mode, where any
 * loopback FHIR server may be read). The allow-list itself is tested in the security package.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "cds.security.enabled=false",
      "server.address=127.0.0.1",
      // Generous for a loaded build machine; the bound under test is the total time.
      "cds.fhir.connect-timeout=1s",
      "cds.fhir.read-timeout=2s",
      "cds.fhir.total-timeout=4s"
    })
class FhirFetchIntegrationTest {

  static final String SIGN = "/cds-services/ketamine-order-sign";
  static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
  static final Duration BOUND = Duration.ofSeconds(10);

  @LocalServerPort int port;
  @Autowired MeterRegistry meters;
  CdsHttp http;
  TestFhirServer ehr;

  @BeforeEach
  void start() {
    http = new CdsHttp(port);
    ehr = new TestFhirServer();
    Patient patient = new Patient();
    patient.setId("p7");
    patient.setBirthDateElement(new DateType("1960-05-04"));
    MedicationRequest phenelzine =
        active(
            "mao-7",
            new CodeableConcept(new Coding(RXNORM, "8123", "phenelzine")).setText("Nardil 15 mg"));
    Condition hypertension = new Condition();
    hypertension.setId("c1");
    hypertension.setSubject(new Reference("Patient/p7"));
    hypertension.setCode(
        new CodeableConcept(new Coding("http://snomed.info/sct", "38341003", "Hypertension")));
    ehr.add(patient, phenelzine, hypertension);
  }

  @AfterEach
  void stop() {
    ehr.close();
  }

  private HookRequests ketamineOrder() {
    return orderSign("p7").draft("ket-7", "238083", "Ketamine 100 mg/mL injection");
  }

  @Test
  void missingPrefetch_isReadFromTheFhirServerWithTheEhrToken() {
    var response =
        http.post(SIGN, ketamineOrder().fhirServer(ehr.baseUrl(), "ehr-token-7").build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().get("cards").findValuesAsText("indicator")).contains("critical");
    assertThat(ehr.authorizations()).isNotEmpty().allMatch(a -> a.equals("Bearer ehr-token-7"));
    assertThat(ehr.requests())
        .anyMatch(r -> r.contains("/fhir/MedicationRequest") && r.contains("patient=p7"))
        .anyMatch(r -> r.contains("/fhir/Patient/p7"));
  }

  @Test
  void onlyTheMissingKeysAreFetched() {
    HookRequests request =
        ketamineOrder()
            .fhirServer(ehr.baseUrl(), "t")
            .prefetch("patient", HookRequests.patient("p7", "1960-05-04"))
            .prefetch("conditions", HookRequests.JSON.nullNode());
    var response = http.post(SIGN, request.build());
    assertThat(response.status()).isEqualTo(200);
    assertThat(ehr.requests())
        .noneMatch(r -> r.contains("/fhir/Patient"))
        .noneMatch(r -> r.contains("/fhir/Condition"))
        .anyMatch(r -> r.contains("/fhir/MedicationRequest"));
  }

  @Test
  void aFhirServerThatIsDown_gives412WithinTheTimeBound() {
    String closed = "http://127.0.0.1:" + freePort() + "/fhir";
    long start = System.nanoTime();
    var response = http.post(SIGN, ketamineOrder().fhirServer(closed, "t").build());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
    assertThat(response.status()).isEqualTo(412);
    assertThat(response.json().get("error").asText()).isEqualTo("prefetch_unavailable");
  }

  @Test
  void aFhirServerThatHangs_gives412WithinTheTimeBound() {
    ehr.hang("MedicationRequest");
    long start = System.nanoTime();
    var response = http.post(SIGN, ketamineOrder().fhirServer(ehr.baseUrl(), "t").build());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
    assertThat(response.status()).isEqualTo(412);
  }

  @Test
  void aFhirServerThatFailsOnMedications_gives412() {
    ehr.fail("MedicationStatement");
    var response = http.post(SIGN, ketamineOrder().fhirServer(ehr.baseUrl(), "t").build());
    assertThat(response.status()).isEqualTo(412);
    assertThat(response.json().get("message").asText()).contains("medication statements");
  }

  @Test
  void conditionsThatCannotBeRead_stillGiveTheMedicationCards_andSayTheCheckIsIncomplete() {
    ehr.fail("Condition");
    var response = http.post(SIGN, ketamineOrder().fhirServer(ehr.baseUrl(), "t").build());
    assertThat(response.status()).isEqualTo(200);
    var cards = response.json().get("cards");
    assertThat(cards.findValuesAsText("indicator")).contains("critical", "info");
    assertThat(cards.findValuesAsText("summary")).anyMatch(s -> s.contains("incomplete"));
  }

  /**
   * Every key prefetched: the patient, these medication requests, no statements, conditions or
   * readings. Tests replace the key they are about.
   */
  private HookRequests prefetched(JsonNode... medicationRequests) {
    return ketamineOrder()
        .prefetch("patient", HookRequests.patient("p7", "1960-05-04"))
        .prefetchBundle("medicationRequests", medicationRequests)
        .prefetchBundle("medicationStatements")
        .prefetch("conditions", HookRequests.JSON.nullNode())
        .prefetch("bloodPressure", HookRequests.JSON.nullNode());
  }

  private static HookRequests withNextPage(HookRequests request, String key, String url) {
    ((ObjectNode) request.json().at("/prefetch/" + key))
        .putArray("link")
        .addObject()
        .put("relation", "next")
        .put("url", url);
    return request;
  }

  private static final JsonNode PHENELZINE =
      HookRequests.medicationRequest("mao-1", "active", "8123", "Phenelzine", "p7");

  /**
   * The medication list prefetched as its first page only (a next link), without the MAOI, which
   * the FHIR server holds.
   */
  private HookRequests firstPageOnly() {
    return withNextPage(
        prefetched(
            HookRequests.medicationRequest("ssri-7", "active", "36437", "Sertraline 50 mg", "p7")),
        "medicationRequests",
        ehr.baseUrl() + "?_getpages=abc&_getpagesoffset=1");
  }

  @Test
  void aMedicationListPrefetchedInPart_isReadWholeFromTheFhirServer() {
    var response = http.post(SIGN, firstPageOnly().fhirServer(ehr.baseUrl(), "t").build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().get("cards").findValuesAsText("code")).contains("ketamine-maoi");
    assertThat(ehr.requests())
        .anyMatch(r -> r.contains("/fhir/MedicationRequest") && r.contains("patient=p7"))
        .noneMatch(r -> r.contains("/fhir/MedicationStatement"))
        .noneMatch(r -> r.contains("/fhir/Patient"));
  }

  @Test
  void aMedicationListPrefetchedInPart_withNoFhirServer_gives412SayingSo() {
    var response = http.post(SIGN, firstPageOnly().build());

    assertThat(response.status()).as(response.body()).isEqualTo(412);
    assertThat(response.json().get("error").asText()).isEqualTo("prefetch_unavailable");
    assertThat(response.json().get("message").asText())
        .contains("medication requests were prefetched only in part");
  }

  @Test
  void conditionsPrefetchedInPart_withNoFhirServer_makeTheCheckIncomplete() {
    HookRequests request =
        withNextPage(
            prefetched().prefetchBundle("conditions"),
            "conditions",
            "https://ehr.example.org/fhir?page=2");

    var response = http.post(SIGN, request.build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    var cards = response.json().get("cards");
    assertThat(cards.findValuesAsText("summary")).anyMatch(s -> s.contains("incomplete"));
    assertThat(cards.toString()).contains("conditions");
  }

  private static Observation systolic(String id, String when, int mmHg) {
    Observation o = new Observation();
    o.setId(id);
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setSubject(new Reference("Patient/p7"));
    o.setCode(new CodeableConcept(new Coding("http://loinc.org", "8480-6", null)));
    o.setEffective(new DateTimeType(when));
    o.setValue(new Quantity().setValue(mmHg).setUnit("mmHg").setCode("mm[Hg]"));
    return o;
  }

  /**
   * A server that pages by 10: the medication search is followed to its last page (the MAOI is the
   * 25th entry), the latest-readings search is its first page (60 readings would be more pages than
   * the limit allows, and make blood pressure unavailable).
   */
  @Test
  void aPagedServer_givesWholeMedicationListsAndTheLatestReadings() {
    ehr.pageSize(10);
    readings(61, 186);
    for (int i = 0; i < 24; i++) {
      ehr.add(
          active("other-" + i, new CodeableConcept().setText("Vitamin D3 1000 unit tablet " + i)));
    }
    ehr.add(active("mao-7", new CodeableConcept(new Coding(RXNORM, "8123", "phenelzine"))));

    var response = http.post(SIGN, ketamineOrder().fhirServer(ehr.baseUrl(), "t").build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    var cards = response.json().get("cards");
    assertThat(cards.findValuesAsText("code"))
        .contains("ketamine-maoi", "ketamine-raised-blood-pressure");
    assertThat(cards.toString()).contains("186/? mmHg").doesNotContain("incomplete");
    assertThat(ehr.requests().stream().filter(r -> r.contains("_getpages")).count())
        .as("the medication search's pages 2 and 3, and no page of the readings")
        .isEqualTo(2);
  }

  private static MedicationRequest active(String id, CodeableConcept medication) {
    MedicationRequest request = new MedicationRequest();
    request.setId(id);
    request.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
    request.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
    request.setSubject(new Reference("Patient/p7"));
    request.setMedication(medication);
    return request;
  }

  /** The patient and {@code count} systolic readings, the latest of {@code latestMmHg}. */
  private void readings(int count, int latestMmHg) {
    ehr.store().clear();
    Patient patient = new Patient();
    patient.setId("p7");
    patient.setBirthDateElement(new DateType("1960-05-04"));
    ehr.add(patient);
    for (int day = 1; day < count; day++) {
      ehr.add(
          systolic(
              "old-" + day, "2026-%02d-%02dT08:00:00Z".formatted(1 + day / 28, 1 + day % 28), 120));
    }
    ehr.add(systolic("latest", "2026-11-20T08:00:00Z", latestMmHg));
  }

  /** The latest reading on the last of three pages: the pages are read, as for any search. */
  @Test
  void aServerIgnoringTheSort_isReadWhole_soTheLatestReadingIsFound() {
    ehr.pageSize(10).ignoringSort();
    readings(30, 188);

    var response = http.post(SIGN, ketamineOrder().fhirServer(ehr.baseUrl(), "t").build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().get("cards").toString()).contains("188/? mmHg");
  }

  /** Unsorted and longer than the page limit: the latest reading may be unread, so none is used. */
  @Test
  void aServerIgnoringTheSort_withAHistoryBeyondThePageLimit_leavesBloodPressureUnavailable() {
    ehr.pageSize(10).ignoringSort();
    readings(70, 188);

    var response = http.post(SIGN, ketamineOrder().fhirServer(ehr.baseUrl(), "t").build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    var cards = response.json().get("cards");
    assertThat(cards.toString()).doesNotContain("120/? mmHg").doesNotContain("188/? mmHg");
    assertThat(cards.findValuesAsText("summary")).anyMatch(s -> s.contains("incomplete"));
  }

  @Test
  void latestReadingsPrefetchedAsAFirstPage_areUsedAsSent() {
    ObjectNode reading =
        HookRequests.json(
            FhirContext.forR4Cached()
                .newJsonParser()
                .encodeResourceToString(systolic("latest", "2026-11-20T08:00:00Z", 184)));
    HookRequests request =
        withNextPage(
            prefetched().fhirServer(ehr.baseUrl(), "t").prefetchBundle("bloodPressure", reading),
            "bloodPressure",
            ehr.baseUrl() + "?_getpages=abc&_getpagesoffset=10");

    var response = http.post(SIGN, request.build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().get("cards").toString()).contains("184/? mmHg");
    assertThat(ehr.requests()).isEmpty();
  }

  static ObjectNode outcome(String severity) {
    return HookRequests.json(
        "{'resourceType': 'OperationOutcome', 'issue': [{'severity': '%s', 'code': 'processing',"
                .formatted(severity)
            + " 'diagnostics': 'prefetch failed'}]}");
  }

  /** CDS Hooks 2.0: an EHR that failed to prefetch says so with an OperationOutcome. */
  @Test
  void medicationsTheEhrFailedToPrefetch_give412_withoutAFollowUpQuery() {
    HookRequests request =
        prefetched()
            .fhirServer(ehr.baseUrl(), "t")
            .prefetch("medicationRequests", outcome("error"));

    var response = http.post(SIGN, request.build());

    assertThat(response.status()).as(response.body()).isEqualTo(412);
    assertThat(response.json().get("message").asText())
        .contains("medication requests could not be prefetched: the EHR reported an error");
    assertThat(ehr.requests()).isEmpty();
  }

  @Test
  void conditionsTheEhrFailedToPrefetch_makeTheCheckIncomplete() {
    HookRequests request = prefetched(PHENELZINE).prefetch("conditions", outcome("fatal"));

    var response = http.post(SIGN, request.build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    var cards = response.json().get("cards");
    assertThat(cards.findValuesAsText("code")).contains("ketamine-maoi");
    assertThat(cards.findValuesAsText("summary")).anyMatch(s -> s.contains("incomplete"));
  }

  @Test
  void anErrorOutcomeInsideTheSearchBundle_makesTheListUnavailable_aWarningDoesNot() {
    for (String severity : new String[] {"error", "warning"}) {
      HookRequests request = prefetched(PHENELZINE);
      var entry = ((ArrayNode) request.json().at("/prefetch/medicationRequests/entry")).addObject();
      entry.set("resource", outcome(severity));
      entry.putObject("search").put("mode", "outcome");

      var response = http.post(SIGN, request.build());

      if (severity.equals("error")) {
        assertThat(response.status()).as(response.body()).isEqualTo(412);
      } else {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("cards").findValuesAsText("code")).contains("ketamine-maoi");
      }
    }
  }

  private double counted(String key, String outcome) {
    Counter counter = meters.find("cds.prefetch").tags("key", key, "outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void howEachKeyWasObtained_isCountedForTheOperator() {
    ehr.fail("Condition");
    double patient = counted("patient", "prefetched");
    double medications = counted("medicationRequests", "fetched");
    double conditions = counted("conditions", "unavailable");

    var response =
        http.post(
            SIGN,
            ketamineOrder()
                .fhirServer(ehr.baseUrl(), "t")
                .prefetch("patient", HookRequests.patient("p7", "1960-05-04"))
                .build());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(counted("patient", "prefetched")).isEqualTo(patient + 1);
    assertThat(counted("medicationRequests", "fetched")).isEqualTo(medications + 1);
    assertThat(counted("conditions", "unavailable")).isEqualTo(conditions + 1);
  }

  /** A prefetch fulfilled as a batch whose medication search failed: no list, not an empty one. */
  @Test
  void aBatchResponseWhoseSearchFailed_isUnavailable_notAnEmptyList() {
    ObjectNode batch =
        HookRequests.json(
            "{'resourceType': 'Bundle', 'type': 'batch-response', 'entry': [{'response':"
                + " {'status': '500 Internal Server Error'}}]}");
    var response = http.post(SIGN, prefetched().prefetch("medicationRequests", batch).build());

    assertThat(response.status()).as(response.body()).isEqualTo(412);
    assertThat(response.json().get("message").asText()).contains("the EHR reported an error");
  }

  @Test
  void aNonKetamineOrder_readsNothingFromTheEhr() {
    var response =
        http.post(
            SIGN,
            orderSign("p7")
                .draft("ssri", "36437", "Sertraline")
                .fhirServer(ehr.baseUrl(), "t")
                .build());
    assertThat(response.json().get("cards")).isEmpty();
    assertThat(ehr.requests()).isEmpty();
  }

  @Test
  void theTestServerIsARealFhirServer() {
    var client = FhirContext.forR4Cached().newRestfulGenericClient(ehr.baseUrl());
    Patient read = client.read().resource(Patient.class).withId("p7").execute();
    assertThat(read.getBirthDateElement().getValueAsString()).isEqualTo("1960-05-04");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
