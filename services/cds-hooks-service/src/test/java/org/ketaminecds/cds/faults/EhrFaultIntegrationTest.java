package org.ketaminecds.cds.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.cds.testing.HookRequests.orderSign;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketaminecds.cds.audit.AuditTopic;
import org.ketaminecds.cds.faults.FaultyEhr.Fault;
import org.ketaminecds.cds.security.TestTokens;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The EHR's FHIR server misbehaves while the service completes a ketamine order's prefetch from it:
 * late, down, dropping the connection, hanging after the headers, 500 or 503, an HTML login page,
 * plain text, JSON that is not FHIR, a FHIR resource of the wrong type or a search result of
 * another type, an OperationOutcome instead of the result, a body cut in half, another patient's
 * data. Each fault is tried on the medication lists and, separately, on the rest of the record
 * (demographics, conditions, blood pressure).
 *
 * <p>What the clinician sees, for every fault: an answer within twice the configured total fetch
 * time ({@value #TOTAL_MS} ms here); a 412 {@code prefetch_unavailable} when the medications could
 * not be read, never a silent "all clear"; otherwise the medication alerts plus an info card saying
 * the check is incomplete. What compliance sees: exactly one audit event for the call, recording
 * that answer. And once the server is healthy again, the next order gets the full check. Calls are
 * signed by the test EHR (authentication on) and its FHIR server is on its allow-list.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "cds.fhir.connect-timeout=" + EhrFaultIntegrationTest.TOTAL_MS + "ms",
      "cds.fhir.read-timeout=" + EhrFaultIntegrationTest.TOTAL_MS + "ms",
      "cds.fhir.total-timeout=" + EhrFaultIntegrationTest.TOTAL_MS + "ms",
      // The stand-in EHR's server logs the ids it is asked for; its log is not the service's.
      "logging.level.ca.uhn.fhir.rest.server=OFF"
    })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext
class EhrFaultIntegrationTest {

  static final long TOTAL_MS = 500;

  /** The configured bound with the margin the issue allows: twice the total fetch time. */
  static final Duration BOUND = Duration.ofMillis(2 * TOTAL_MS);

  static final String SIGN = "/cds-services/ketamine-order-sign";
  static final String PATIENT = "p-ehr-faults";
  static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
  static final FaultyEhr EHR = new FaultyEhr(Duration.ofMillis(3 * TOTAL_MS));

  /** The parts of the record a fault is put on. */
  enum Data {
    MEDICATIONS(Set.of("MedicationRequest", "MedicationStatement")),
    OTHER_DATA(Set.of("Patient", "Condition", "Observation"));

    final Set<String> resourceTypes;

    Data(Set<String> resourceTypes) {
      this.resourceTypes = resourceTypes;
    }
  }

  @DynamicPropertySource
  static void trustTheEhrAndItsFhirServer(DynamicPropertyRegistry registry) {
    TestTokens.register(registry, EHR.baseUrl());
  }

  @LocalServerPort int port;

  @Value("${spring.kafka.bootstrap-servers}")
  String kafka;

  CdsHttp http;
  AuditTopic topic;
  final List<String> latencies = new ArrayList<>();

  @BeforeAll
  void storeTheRecordAndWarmUp() {
    Patient patient = new Patient();
    patient.setId(PATIENT);
    patient.setBirthDateElement(new DateType("1960-05-04"));
    MedicationRequest phenelzine = new MedicationRequest();
    phenelzine.setId("ehr-faults-mao");
    phenelzine.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
    phenelzine.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
    phenelzine.setSubject(new Reference("Patient/" + PATIENT));
    phenelzine.setMedication(
        new CodeableConcept(new Coding(RXNORM, "8123", "phenelzine")).setText("Nardil 15 mg"));
    Condition hypertension = new Condition();
    hypertension.setId("ehr-faults-htn");
    hypertension.setSubject(new Reference("Patient/" + PATIENT));
    hypertension.setCode(
        new CodeableConcept(new Coding("http://snomed.info/sct", "38341003", "Hypertension")));
    EHR.backend().add(patient, phenelzine, hypertension);
    http = new CdsHttp(port);
    topic = new AuditTopic(kafka, "cds.audit");
    // The first orders after start-up may meet a cold FHIR client (README); faults come after.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> order().response().status() == 200);
    assertHealthy(order());
  }

  @AfterAll
  void stop() {
    System.out.println("EHR FHIR server faults survived (answer times): " + latencies);
    topic.close();
    EHR.close();
  }

  static Stream<Arguments> faults() {
    return Stream.of(Data.values())
        .flatMap(data -> Stream.of(Fault.values()).map(fault -> Arguments.of(fault, data)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("faults")
  void aFaultyFhirServer_answersInTime_412OrIncompleteCard_oneAuditEvent_thenRecovers(
      Fault fault, Data data) {
    EHR.inject(fault, data.resourceTypes);
    Timed faulty = order();

    assertThat(faulty.took()).as("answer time").isLessThan(BOUND);
    if (data == Data.MEDICATIONS) {
      assertMedicationsUnavailable(faulty);
    } else {
      assertIncompleteCheck(faulty);
    }

    EHR.heal();
    Timed healthy = assertHealthy(order());
    assertOneAuditEvent(faulty, healthy);
    latencies.add(fault + " on " + data + ": " + faulty.took().toMillis() + " ms");
  }

  @Test
  void aTricklingFhirServerHoldsNoConnectionOnceTheCallsAreAnswered() throws Exception {
    EHR.inject(Fault.TRICKLE, Data.MEDICATIONS.resourceTypes);
    // More calls at once than HAPI's default pool of 20 connections had room for.
    int calls = 12;
    var pool = java.util.concurrent.Executors.newFixedThreadPool(calls);
    try {
      List<java.util.concurrent.Future<Timed>> answers = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        answers.add(pool.submit(this::order));
      }
      for (var answer : answers) {
        Timed call = answer.get();
        assertThat(call.took()).as("answer time").isLessThan(BOUND.multipliedBy(2));
        assertMedicationsUnavailable(call);
      }
    } finally {
      pool.shutdownNow();
    }
    // The service hung up on every trickling answer when its budget ran out, rather than reading
    // on (each byte within the read timeout) with a pooled connection and a fetch thread.
    Awaitility.await()
        .atMost(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> EHR.trickling() == 0);

    EHR.heal();
    assertHealthy(order());
  }

  @Test
  void aFhirServerThatIsDown_gives412InTime_oneAuditEvent_thenRecovers() {
    EHR.down();
    Timed refused = order();

    assertThat(refused.took()).as("answer time").isLessThan(BOUND);
    assertMedicationsUnavailable(refused);

    EHR.heal();
    Timed healthy = assertHealthy(order());
    assertOneAuditEvent(refused, healthy);
    latencies.add("DOWN: " + refused.took().toMillis() + " ms");
  }

  /** An order-sign call for ketamine that leaves every prefetch key to be read from the EHR. */
  private Timed order() {
    HookRequests request =
        orderSign(PATIENT)
            .draft("ket-faults", "238083", "Ketamine 100 mg/mL injection")
            .fhirServer(EHR.baseUrl(), "ehr-token");
    long start = System.nanoTime();
    CdsHttp.Response response = http.post(SIGN, request.build());
    return new Timed(
        request.json().get("hookInstance").asText(),
        response,
        Duration.ofNanos(System.nanoTime() - start));
  }

  private static void assertMedicationsUnavailable(Timed call) {
    assertThat(call.response().status()).as(call.response().body()).isEqualTo(412);
    assertThat(call.response().json().get("error").asText()).isEqualTo("prefetch_unavailable");
    assertThat(call.response().json().get("message").asText()).contains("medication");
  }

  /**
   * The MAOI alert is there (the medications were read), the hypertension warning is not (the
   * conditions were not), and the check says what it lacked.
   */
  private static void assertIncompleteCheck(Timed call) {
    assertThat(call.response().status()).as(call.response().body()).isEqualTo(200);
    var cards = call.response().json().get("cards");
    assertThat(cards.findValuesAsText("indicator")).containsExactlyInAnyOrder("critical", "info");
    assertThat(cards.findValuesAsText("summary"))
        .anyMatch(s -> s.contains("check incomplete") && s.contains("could not be read"));
  }

  private Timed assertHealthy(Timed call) {
    assertThat(call.response().status()).as(call.response().body()).isEqualTo(200);
    var cards = call.response().json().get("cards");
    // The MAOI alert from the medications, the hypertension warning from the conditions.
    assertThat(cards.findValuesAsText("indicator"))
        .containsExactlyInAnyOrder("critical", "warning");
    assertThat(cards.findValuesAsText("summary")).noneMatch(s -> s.contains("incomplete"));
    return call;
  }

  /**
   * The faulty call has one event, recording its answer. Events are keyed by patient, so once the
   * later healthy call's event is there, a second event of the faulty call would be there too.
   */
  private void assertOneAuditEvent(Timed faulty, Timed healthy) {
    topic.awaitOne(healthy.hookInstance());
    List<AuditTopic.Received> events =
        topic.poll().stream().filter(r -> r.mentions(faulty.hookInstance())).toList();
    assertThat(events.stream().map(AuditTopic.Received::ceId).distinct()).hasSize(1);
    AuditEvent event = events.get(0).event();
    if (faulty.response().status() == 412) {
      assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
      assertThat(event.getOutcomeDesc()).isEqualTo("prefetch_unavailable");
    } else {
      assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
      assertThat(events.get(0).json()).contains("check-incomplete");
    }
  }

  record Timed(String hookInstance, CdsHttp.Response response, Duration took) {}
}
