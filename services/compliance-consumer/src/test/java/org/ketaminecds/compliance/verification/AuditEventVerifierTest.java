package org.ketaminecds.compliance.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketaminecds.compliance.fixtures.AuditEvents;

class AuditEventVerifierTest {

  private final AuditEventVerifier verifier = new AuditEventVerifier();

  @Test
  void givenInvocationPerContract_thenEveryReportedFactIsRead() {
    var built =
        AuditEvents.invocation()
            .recorded("2025-03-03T10:15:30.123Z")
            .client("https://ehr.example.org", "ehr-a")
            .user("Practitioner/7")
            .processingMs(87)
            .card("c-1", "ketamine-maoi", "critical")
            .card("c-2", "ketamine-benzodiazepine", "warning");

    VerifiedEvent event = verify(built);

    assertThat(event).isInstanceOf(Invocation.class);
    Invocation invocation = (Invocation) event;
    assertThat(invocation.id()).isEqualTo(built.id());
    assertThat(invocation.recorded()).isEqualTo(Instant.parse("2025-03-03T10:15:30.123Z"));
    assertThat(invocation.outcome()).isEqualTo("0");
    assertThat(invocation.serviceId()).isEqualTo("ketamine-order-sign");
    assertThat(invocation.hook()).contains("order-sign");
    assertThat(invocation.user()).contains("Practitioner/7");
    assertThat(invocation.client())
        .contains(new Client("https://ehr.example.org", "ehr-a", Optional.empty()));
    assertThat(invocation.patient()).contains("Patient/example-patient");
    assertThat(invocation.processingTimeMs()).isEqualTo(87);
    assertThat(invocation.cards())
        .containsExactly(
            new CardShown("c-1", "ketamine-maoi", "critical"),
            new CardShown("c-2", "ketamine-benzodiazepine", "warning"));
    assertThat(invocation.resourceJson()).isEqualTo(built.json());
  }

  @Test
  void givenFeedbackPerContract_thenOutcomeReasonAndSuggestionsAreRead() {
    var override =
        AuditEvents.feedback("c-1")
            .overridden(
                "https://reasons.example.org", "benefit-outweighs-risk", "Benefit outweighs risk")
            .comment("discussed with anaesthesia")
            .outcomeTimestamp("2025-03-03T10:16:00Z");
    Feedback overridden = (Feedback) verify(override);
    assertThat(overridden.cardUuid()).isEqualTo("c-1");
    assertThat(overridden.outcome()).isEqualTo("overridden");
    assertThat(overridden.overrideReason())
        .contains(
            new OverrideReason(
                Optional.of("https://reasons.example.org"),
                Optional.of("benefit-outweighs-risk"),
                Optional.of("Benefit outweighs risk")));
    assertThat(overridden.outcomeTimestamp()).contains(Instant.parse("2025-03-03T10:16:00Z"));

    Feedback accepted = (Feedback) verify(AuditEvents.feedback("c-2").accepted("s-1", "s-2"));
    assertThat(accepted.outcome()).isEqualTo("accepted");
    assertThat(accepted.acceptedSuggestions()).containsExactly("s-1", "s-2");
    assertThat(accepted.overrideReason()).isEmpty();
  }

  @Test
  void givenPseudonymisedPatientAndNoClient_thenBothAreAccepted() {
    Invocation invocation =
        (Invocation)
            verify(AuditEvents.invocation().patient("9f86d081884c7d65").pseudonymised().noClient());
    assertThat(invocation.patient())
        .contains("urn:ketamine-cds:patient-pseudonym|9f86d081884c7d65");
    assertThat(invocation.client()).isEmpty();
  }

  @Test
  void givenRefusedCall_thenItsErrorCodeIsKept() {
    Invocation refused =
        (Invocation) verify(AuditEvents.invocation().refused("missing_field").processingMs(3));
    assertThat(refused.outcome()).isEqualTo("4");
    assertThat(refused.outcomeDesc()).contains("missing_field");
  }

  @Test
  void givenRefusedFeedbackPost_thenItIsMarkedAsSuch() {
    Invocation refused =
        (Invocation) verify(AuditEvents.invocation().refusedFeedback("invalid_field"));
    assertThat(refused.atFeedback()).isTrue();
    assertThat(refused.outcomeDesc()).contains("invalid_field");
    assertThat(((Invocation) verify(AuditEvents.invocation())).atFeedback()).isFalse();
  }

  static List<Arguments> brokenRecords() {
    return List.of(
        broken("ce_id missing", e -> e.header("ce_id", null), RejectionReason.MISSING_HEADER),
        broken(
            "ce_type unknown",
            e -> e.header("ce_type", "org.example.other"),
            RejectionReason.INVALID_HEADER),
        broken(
            "ce_specversion wrong",
            e -> e.header("ce_specversion", "0.3"),
            RejectionReason.INVALID_HEADER),
        broken(
            "content-type not FHIR",
            e -> e.header("content-type", "text/plain"),
            RejectionReason.INVALID_HEADER),
        broken(
            "ce_time not a time",
            e -> e.header("ce_time", "yesterday"),
            RejectionReason.INVALID_HEADER),
        broken(
            "ce_time not the recorded instant",
            e -> e.header("ce_time", "2025-03-03T10:00:00.001Z"),
            RejectionReason.INVALID_HEADER),
        broken(
            "ce_id differs from AuditEvent.id",
            e -> e.header("ce_id", "another-id"),
            RejectionReason.INVALID_ELEMENT),
        broken(
            "feedback type on an invocation",
            e -> e.header("ce_type", "org.ketaminecds.cds.feedback"),
            RejectionReason.INVALID_ELEMENT),
        broken(
            "an answered call at the feedback endpoint",
            AuditEvents.Invocation::atFeedbackEndpoint,
            RejectionReason.INVALID_ELEMENT));
  }

  private static Arguments broken(
      String name, UnaryOperator<AuditEvents.Invocation> change, RejectionReason reason) {
    return Arguments.of(name, change, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenRecords")
  void givenEnvelopeBreakingTheContract_thenRejectedWithItsReason(
      String name, UnaryOperator<AuditEvents.Invocation> change, RejectionReason reason) {
    var event = change.apply(AuditEvents.invocation().card("c-1", "ketamine-maoi", "critical"));
    assertThatThrownBy(() -> verify(event))
        .isInstanceOfSatisfying(
            InvalidAuditEventException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  static List<Arguments> brokenValues() {
    String valid = AuditEvents.invocation().card("c-1", "ketamine-maoi", "critical").json();
    return List.of(
        Arguments.of("empty", "", RejectionReason.UNREADABLE, "empty"),
        Arguments.of("not JSON", "{\"resourceType\": ", RejectionReason.UNREADABLE, "not JSON"),
        Arguments.of(
            "another resource",
            "{\"resourceType\":\"Patient\",\"id\":\"p\"}",
            RejectionReason.INVALID_FHIR,
            "resourceType"),
        Arguments.of(
            "element R4 does not define",
            valid.replaceFirst("\\{", "{\"bogusElement\":\"Patient/secret-patient\","),
            RejectionReason.INVALID_FHIR,
            "FHIR R4"),
        Arguments.of(
            "no recorded",
            valid.replaceAll("\"recorded\":\"[^\"]*\",", ""),
            RejectionReason.MISSING_ELEMENT,
            "recorded"),
        Arguments.of(
            "no profile",
            valid.replace(AuditEventVerifier.PROFILE, "https://example.org/other"),
            RejectionReason.INVALID_ELEMENT,
            "meta.profile"),
        Arguments.of(
            "card without rule",
            valid.replace("\"type\":\"ruleId\"", "\"type\":\"rule\""),
            RejectionReason.MISSING_ELEMENT,
            "detail[ruleId]"),
        Arguments.of(
            "unknown indicator",
            valid.replace("\"valueString\":\"critical\"", "\"valueString\":\"severe\""),
            RejectionReason.INVALID_ELEMENT,
            "indicator"),
        Arguments.of(
            "processing time not a number",
            valid.replace("\"valueString\":\"42\"", "\"valueString\":\"fast\""),
            RejectionReason.INVALID_ELEMENT,
            "processingTimeMs"),
        Arguments.of(
            "an agent of a kind the contract does not list",
            valid.replace("\"code\":\"110152\"", "\"code\":\"110153\""),
            RejectionReason.INVALID_ELEMENT,
            "AuditEvent.agent"),
        Arguments.of(
            "no service agent",
            valid.replace("\"code\":\"110152\"", "\"code\":\"110150\""),
            RejectionReason.MISSING_ELEMENT,
            "agent[service]"),
        Arguments.of(
            "an entity of a kind the contract does not list",
            valid.replace("\"code\":\"card\"", "\"code\":\"feedback\""),
            RejectionReason.INVALID_ELEMENT,
            "AuditEvent.entity"),
        Arguments.of(
            "no hook call entity",
            withoutEntity(valid, "hook-instance"),
            RejectionReason.MISSING_ELEMENT,
            "entity[hook-instance]"));
  }

  /** The JSON with the entities of one KCDS type removed. */
  private static String withoutEntity(String json, String code) {
    try {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode event = (ObjectNode) mapper.readTree(json);
      ArrayNode entities = (ArrayNode) event.get("entity");
      for (int i = entities.size() - 1; i >= 0; i--) {
        if (code.equals(entities.get(i).at("/type/code").asText())) {
          entities.remove(i);
        }
      }
      return mapper.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenValues")
  void givenValueBreakingTheContract_thenRejectedNamingTheElementNotTheData(
      String name, String value, RejectionReason reason, String named) {
    var envelope = AuditEvents.invocation();
    Map<String, String> headers = envelope.headers();
    // The id must match for the body checks to be reached.
    String id =
        value.contains("\"id\":\"")
            ? value.replaceAll("(?s).*?\"id\":\"([^\"]*)\".*", "$1")
            : envelope.id();
    headers.put("ce_id", id);
    assertThatThrownBy(() -> verifier.verify(headers, value.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            InvalidAuditEventException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.getMessage())
                  .contains(named)
                  .doesNotContain("example-patient", "secret-patient");
            });
  }

  @Test
  void givenFeedbackWithUnknownOutcome_thenRejected() {
    var feedback = AuditEvents.feedback("c-1");
    String json =
        feedback.json().replace("\"valueString\":\"accepted\"", "\"valueString\":\"ignored\"");
    assertThatThrownBy(
            () -> verifier.verify(feedback.headers(), json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            InvalidAuditEventException.class,
            e -> assertThat(e.getMessage()).contains("detail[outcome]"));
  }

  @Test
  void givenBytesThatAreNotUtf8_thenUnreadable() {
    var event = AuditEvents.invocation();
    assertThatThrownBy(
            () -> verifier.verify(event.headers(), new byte[] {(byte) 0xC3, (byte) 0x28}))
        .isInstanceOfSatisfying(
            InvalidAuditEventException.class,
            e -> assertThat(e.reason()).isEqualTo(RejectionReason.UNREADABLE));
  }

  private VerifiedEvent verify(AuditEvents.Event<?> event) {
    return verifier.verify(event.headers(), event.json().getBytes(StandardCharsets.UTF_8));
  }
}
