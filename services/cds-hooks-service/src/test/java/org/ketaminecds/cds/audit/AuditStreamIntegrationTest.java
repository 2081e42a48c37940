package org.ketaminecds.cds.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.cds.testing.HookRequests.medicationRequest;
import static org.ketaminecds.cds.testing.HookRequests.orderSign;
import static org.ketaminecds.cds.testing.HookRequests.patient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * Every call and every feedback item reaches a real Kafka broker as the contract in {@code
 * docs/audit-event.md} says: key, CloudEvents headers, and an AuditEvent that validates against the
 * profile.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "cds.audit.instance-id=audit-it")
@EmbeddedKafka(kraft = true, bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class AuditStreamIntegrationTest {

  static final String SIGN = "/cds-services/ketamine-order-sign";
  static final String KETAMINE_INJ = "238083";
  static final String PHENELZINE = "8123";

  static AuditTopic topic;

  @LocalServerPort int port;
  CdsHttp http;

  @Autowired EmbeddedKafkaBroker broker;

  @BeforeEach
  void clientAndReader() {
    http = new CdsHttp(port);
    if (topic == null) {
      topic = new AuditTopic(broker.getBrokersAsString(), "cds.audit");
    }
  }

  @AfterAll
  static void closeReader() {
    if (topic != null) {
      topic.close();
      topic = null;
    }
  }

  static HookRequests ketamineWithPhenelzine(String patientId) {
    return orderSign(patientId)
        .draft("ket-1", KETAMINE_INJ, "Ketamine inj")
        .prefetch("patient", patient(patientId, "1970-01-01"))
        .prefetchBundle(
            "medicationRequests",
            medicationRequest("mao-1", "active", PHENELZINE, "Phenelzine 15 mg tablet", patientId))
        .nullPrefetchExcept("patient", "medicationRequests");
  }

  @Test
  void answeredCall_isOneEventKeyedByPatientWithCloudEventsHeadersAndAValidAuditEvent() {
    HookRequests request = ketamineWithPhenelzine("p-answered");
    String hookInstance = request.json().get("hookInstance").asText();

    var response = http.post(SIGN, request.build());

    assertThat(response.status()).isEqualTo(200);
    JsonNode card = response.json().at("/cards/0");
    AuditTopic.Received record = topic.awaitOne(hookInstance);
    assertThat(record.key()).isEqualTo("p-answered");
    assertThat(record.headers())
        .containsEntry("ce_specversion", "1.0")
        .containsEntry("ce_type", "org.ketaminecds.cds.invocation")
        .containsEntry("ce_source", "urn:ketamine-cds:cds-hooks-service:audit-it")
        .containsEntry("content-type", "application/fhir+json");
    assertThat(UUID.fromString(record.ceId())).isNotNull();
    assertThat(AuditProfileValidator.errors(record.json())).isEmpty();

    AuditEvent event = record.event();
    assertThat(event.getIdElement().getIdPart()).isEqualTo(record.ceId());
    assertThat(OffsetDateTime.parse(record.headers().get("ce_time")).toInstant())
        .isEqualTo(event.getRecorded().toInstant());
    assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
    assertThat(event.getAgent())
        .anyMatch(a -> a.getWho().getReference().equals("Practitioner/test-prescriber"));
    assertThat(entities(event, "1"))
        .singleElement()
        .matches(e -> e.getWhat().getReference().equals("Patient/p-answered"));
    assertThat(entities(event, "2"))
        .singleElement()
        .matches(e -> e.getWhat().getReference().equals("MedicationRequest/ket-1"));
    AuditEvent.AuditEventEntityComponent cardEntity = entities(event, "card").get(0);
    assertThat(cardEntity.getWhat().getIdentifier().getValue())
        .isEqualTo(card.get("uuid").asText());
    assertThat(detail(cardEntity, "ruleId")).isEqualTo("ketamine-maoi");
    assertThat(detail(cardEntity, "indicator")).isEqualTo("critical");
    AuditEvent.AuditEventEntityComponent call = entities(event, "hook-instance").get(0);
    assertThat(call.getWhat().getIdentifier().getValue()).isEqualTo(hookInstance);
    assertThat(detail(call, "service")).isEqualTo("ketamine-order-sign");
    assertThat(detail(call, "hook")).isEqualTo("order-sign");
    assertThat(detail(call, "rulePackVersion")).isNotBlank();
    assertThat(Long.parseLong(detail(call, "processingTimeMs"))).isNotNegative();
    assertThat(record.json()).doesNotContain(card.get("summary").asText());
  }

  @Test
  void refusedCall_isAnEventWithOutcome4AndTheErrorCode() {
    HookRequests request = ketamineWithPhenelzine("p-refused");
    ((ObjectNode) request.json().get("context")).remove("patientId");
    String hookInstance = request.json().get("hookInstance").asText();

    var response = http.post(SIGN, request.build());

    assertThat(response.status()).isEqualTo(400);
    AuditTopic.Received record = topic.awaitOne(hookInstance);
    assertThat(AuditProfileValidator.errors(record.json())).isEmpty();
    AuditEvent event = record.event();
    assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
    assertThat(event.getOutcomeDesc()).isEqualTo("missing_field");
    // No patient to keep in order with: keyed by the hook call.
    assertThat(record.key()).isEqualTo(hookInstance);
  }

  @Test
  void refusedFeedback_isAnInvocationEventMarkedWithTheFeedbackEndpoint() {
    var response =
        http.post(
            SIGN + "/feedback",
            "{\"feedback\":[{\"card\":\"c\",\"outcome\":\"maybe\","
                + "\"outcomeTimestamp\":\"2025-03-01T10:16:00Z\"}]}");

    assertThat(response.status()).isEqualTo(400);
    List<AuditTopic.Received> refused =
        topic.await(
            r ->
                r.json().contains("\"outcomeDesc\":\"invalid_field\"")
                    && r.json().contains("\"type\":\"endpoint\""),
            1);
    AuditTopic.Received record = refused.get(0);
    assertThat(AuditProfileValidator.errors(record.json())).isEmpty();
    AuditEvent.AuditEventEntityComponent call = entities(record.event(), "hook-instance").get(0);
    assertThat(detail(call, "endpoint")).isEqualTo("feedback");
    assertThat(detail(call, "service")).isEqualTo("ketamine-order-sign");
    assertThat(record.event().getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
  }

  @Test
  void accessTokens_neverReachTheStream() {
    String token = "secret-access-token-" + UUID.randomUUID();
    HookRequests request =
        ketamineWithPhenelzine("p-token").fhirServer("http://127.0.0.1:9/fhir", token);

    var response = http.post(SIGN, request.build());

    assertThat(response.status()).isEqualTo(200);
    AuditTopic.Received record = topic.awaitOne(request.json().get("hookInstance").asText());
    assertThat(record.json()).doesNotContain(token).doesNotContainIgnoringCase("bearer");
    assertThat(record.headers().values()).noneMatch(v -> v.contains(token));
  }

  @Test
  void eachFeedbackItem_isAnEventKeyedByThePatientOfItsCard() {
    var answered = http.post(SIGN, ketamineWithPhenelzine("p-feedback").build());
    String cardUuid = answered.json().at("/cards/0/uuid").asText();
    String forgottenCard = UUID.randomUUID().toString();
    String feedback =
        """
        {"feedback": [
          {"card": "%s", "outcome": "overridden", "outcomeTimestamp": "2025-03-01T10:16:00Z",
           "overrideReason": {"reason": {"system": "https://example.org/override",
             "code": "benefit", "display": "Benefit outweighs risk"},
             "userComment": "monitored in ICU"}},
          {"card": "%s", "outcome": "accepted", "outcomeTimestamp": "2025-03-01T10:17:00Z",
           "acceptedSuggestions": [{"id": "s-1"}]}
        ]}
        """
            .formatted(cardUuid, forgottenCard);

    var response = http.post(SIGN + "/feedback", feedback);

    assertThat(response.status()).isEqualTo(200);
    AuditTopic.Received overridden = topic.awaitOne("\"valueString\":\"" + cardUuid + "\"");
    AuditTopic.Received accepted = topic.awaitOne(forgottenCard);
    for (AuditTopic.Received r : List.of(overridden, accepted)) {
      assertThat(r.headers()).containsEntry("ce_type", "org.ketaminecds.cds.feedback");
      assertThat(AuditProfileValidator.errors(r.json())).isEmpty();
    }
    assertThat(overridden.key()).isEqualTo("p-feedback");
    assertThat(overridden.json())
        .contains("Patient/p-feedback")
        .contains("\"valueString\":\"benefit\"")
        .contains("\"valueString\":\"monitored in ICU\"");
    assertThat(accepted.key()).isEqualTo(forgottenCard);
    assertThat(accepted.json()).contains("\"valueString\":\"s-1\"").doesNotContain("Patient/");
    assertThat(overridden.ceId()).isNotEqualTo(accepted.ceId());
  }

  @Test
  void health_reportsKafkaAcknowledging_andTheOutboxRelayedMomentsAfterTheCall() {
    http.post(SIGN, ketamineWithPhenelzine("p-health").build());

    // The event was fsync'd into the outbox before the answer; the relay sends it on at once.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode audit =
                  http.get("/actuator/health/readiness").json().at("/components/audit");
              assertThat(audit.get("status").asText()).isEqualTo("UP");
              assertThat(audit.at("/details/kafka").asText()).isEqualTo("up");
              assertThat(audit.at("/details/mode").asText()).isEqualTo("relay");
              assertThat(audit.at("/details/outboxDepth").asLong()).isZero();
            });
  }

  static List<AuditEvent.AuditEventEntityComponent> entities(AuditEvent event, String typeCode) {
    return event.getEntity().stream().filter(e -> e.getType().getCode().equals(typeCode)).toList();
  }

  static String detail(AuditEvent.AuditEventEntityComponent entity, String type) {
    return entity.getDetail().stream()
        .filter(d -> d.getType().equals(type))
        .map(d -> d.getValue().primitiveValue())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no detail " + type));
  }
}
