package org.ketaminecds.cds.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The AuditEvents we build validate against our profile, and the profile refuses bad ones. */
class AuditEventsTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Instant NOW = Instant.parse("2025-03-01T10:15:30.123Z");
  private static final String KEY = "a-site-secret-of-at-least-32-characters";

  private final AuditEvents events = new AuditEvents("node-1");

  @Test
  void answeredInvocation_validatesAndNamesEverythingComplianceNeeds() {
    AuditEvent event =
        parse(
            events.invocation(
                "e1", answered(), Optional.of(new PatientRefs("").of("example-patient"))));

    assertThat(errors(event)).isEmpty();
    String json = json(event);
    assertThat(json)
        .contains("\"reference\":\"Patient/example-patient\"")
        .contains("\"reference\":\"MedicationRequest/ketamine-draft-1\"")
        .contains("\"reference\":\"Practitioner/example\"")
        .contains("\"value\":\"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\"")
        .contains("\"value\":\"card-1\"")
        .contains("\"valueString\":\"ketamine-maoi\"")
        .contains("\"valueString\":\"critical\"")
        .contains("\"valueString\":\"2025.1\"")
        .contains("\"valueString\":\"42\"")
        .contains("\"site\":\"node-1\"")
        .contains("\"recorded\":\"2025-03-01T10:15:30.123Z\"");
    assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
    assertThat(event.hasOutcomeDesc()).isFalse();
  }

  @Test
  void refusedInvocationWithoutHookInstanceOrPatient_validatesWithItsErrorCode() {
    var refused =
        new InvocationAudit(
            NOW,
            "ketamine-order-sign",
            Optional.of("order-sign"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            List.of(),
            "2025.1",
            Duration.ofMillis(3),
            400,
            Optional.of("missing_field"),
            Optional.empty(),
            false);

    AuditEvent event = parse(events.invocation("e2", refused, Optional.empty()));

    assertThat(errors(event)).isEmpty();
    assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
    assertThat(event.getOutcomeDesc()).isEqualTo("missing_field");
  }

  @Test
  void refusedCallToAnUnknownService_validatesWithTheIdAsRequestedAndNoHook() {
    var refused =
        new InvocationAudit(
            NOW,
            "ketamine-order-signe",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            List.of(),
            "2025.1",
            Duration.ZERO,
            404,
            Optional.of("unknown_service"),
            Optional.of(new CallerIdentity("https://ehr.example.org", "ehr-7", Optional.empty())),
            false);

    AuditEvent event = parse(events.invocation("e3", refused, Optional.empty()));

    assertThat(errors(event)).isEmpty();
    assertThat(event.getOutcomeDesc()).isEqualTo("unknown_service");
    var call =
        event.getEntity().stream().filter(e -> "hookInstance".equals(e.getName())).findFirst();
    assertThat(call.orElseThrow().getDetail())
        .extracting(d -> d.getType())
        .contains("service")
        .doesNotContain("hook");
  }

  @Test
  void authenticatedCaller_isTheClientAgentWithIssuerSubjectAndTenant() {
    var caller =
        new CallerIdentity("https://ehr.example.org", "ehr-client-7", Optional.of("clinic-a"));
    var record = answered();
    var withCaller =
        new InvocationAudit(
            record.recorded(),
            record.serviceId(),
            record.hook(),
            record.hookInstance(),
            record.userId(),
            record.patientId(),
            record.encounterId(),
            record.draftOrders(),
            record.cards(),
            record.rulePackVersion(),
            record.processingTime(),
            record.httpStatus(),
            record.errorCode(),
            Optional.of(caller),
            false);

    AuditEvent event = parse(events.invocation("e3", withCaller, Optional.empty()));

    assertThat(errors(event)).isEmpty();
    var client =
        event.getAgent().stream()
            .filter(a -> a.getType().getCodingFirstRep().getCode().equals("110150"))
            .findFirst()
            .orElseThrow();
    assertThat(client.getWho().getIdentifier().getSystem()).isEqualTo("https://ehr.example.org");
    assertThat(client.getWho().getIdentifier().getValue()).isEqualTo("ehr-client-7");
    assertThat(client.getName()).isEqualTo("clinic-a");
    assertThat(client.getRequestor()).isFalse();
  }

  @Test
  void overriddenFeedback_validatesWithReasonAndThePatientOfItsCard() {
    var feedback =
        overridden(
            List.of(),
            new FeedbackAudit.OverrideReason(
                Optional.of("https://ketamine-cds.example.org/fhir/CodeSystem/override"),
                Optional.of("benefit-outweighs-risk"),
                Optional.of("Benefit outweighs risk"),
                Optional.of("monitored in ICU")),
            Instant.parse("2025-03-01T10:16:00Z"),
            Optional.empty());
    var origin =
        new CardIndex.Origin(Optional.of(new PatientRefs("").of("example-patient")), "2025.1");

    AuditEvent event = parse(events.feedback("e4", feedback, Optional.of(origin)));

    assertThat(errors(event)).isEmpty();
    assertThat(json(event))
        .contains("\"reference\":\"Patient/example-patient\"")
        .contains("\"valueString\":\"benefit-outweighs-risk\"")
        .contains("\"valueString\":\"monitored in ICU\"")
        .contains("\"valueString\":\"2025-03-01T10:16:00Z\"");
    assertThat(event.getAction()).isEqualTo(AuditEvent.AuditEventAction.C);
  }

  @Test
  void acceptedFeedbackOnAForgottenCard_validatesWithoutPatient() {
    var feedback =
        new FeedbackAudit(
            NOW,
            "ketamine-order-sign",
            "unknown-card",
            "accepted",
            List.of("suggestion-1", "suggestion-2"),
            Optional.empty(),
            NOW,
            Optional.empty());

    AuditEvent event = parse(events.feedback("e5", feedback, Optional.empty()));

    assertThat(errors(event)).isEmpty();
    assertThat(json(event)).doesNotContain("Patient/");
  }

  @Test
  void pseudonymisation_replacesThePatientIdByItsKeyedHmac() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected =
        HexFormat.of().formatHex(mac.doFinal("example-patient".getBytes(StandardCharsets.UTF_8)));

    PatientRef ref = new PatientRefs(KEY).of("example-patient");
    AuditEvent event = parse(events.invocation("e6", answered(), Optional.of(ref)));

    assertThat(ref.value()).isEqualTo(expected);
    assertThat(errors(event)).isEmpty();
    assertThat(json(event))
        .doesNotContain("example-patient")
        .contains("\"system\":\"urn:ketamine-cds:patient-pseudonym\",\"value\":\"" + expected);
  }

  @Test
  void pseudonymKeyShorterThan32Characters_isRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new PatientRefs("too-short"))
        .withMessageContaining("cds.audit.pseudonym-key");
  }

  @Test
  void profile_refusesAnEventWithoutTheServiceAgent() {
    AuditEvent event = parse(events.invocation("e7", answered(), Optional.empty()));
    event.getAgent().removeIf(a -> a.getType().getCodingFirstRep().getCode().equals("110152"));

    assertThat(errors(event)).anyMatch(e -> e.contains("agent:service"));
  }

  @Test
  void profile_refusesFeedbackThatCarriesAUserAgent() {
    var feedback =
        new FeedbackAudit(
            NOW, "s", "card-1", "accepted", List.of(), Optional.empty(), NOW, Optional.empty());
    AuditEvent event = parse(events.feedback("e8", feedback, Optional.empty()));
    event
        .addAgent()
        .setType(
            new CodeableConcept(
                new Coding(
                    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                    "AUT",
                    "author (originator)")))
        .setWho(new Reference("Practitioner/1"))
        .setRequestor(true);

    assertThat(errors(event)).anyMatch(e -> e.contains("kcds-2"));
  }

  @Test
  void profile_refusesAnEntityOfAnUnknownKind() {
    AuditEvent event = parse(events.invocation("e9", answered(), Optional.empty()));
    event.addEntity().setName("token").setType(new Coding("urn:example", "token", null));

    assertThat(errors(event)).anyMatch(e -> e.contains("slicing is CLOSED"));
  }

  @Test
  void profile_refusesACardWithAnUnknownIndicator() {
    var record = answered();
    var bad =
        new InvocationAudit(
            record.recorded(),
            record.serviceId(),
            record.hook(),
            record.hookInstance(),
            record.userId(),
            record.patientId(),
            record.encounterId(),
            record.draftOrders(),
            List.of(new InvocationAudit.CardAudit("card-1", "ketamine-maoi", "severe")),
            record.rulePackVersion(),
            record.processingTime(),
            record.httpStatus(),
            record.errorCode(),
            record.caller(),
            false);

    assertThat(errors(parse(events.invocation("e10", bad, Optional.empty()))))
        .anyMatch(e -> e.contains("kcds-7"));
  }

  private static InvocationAudit answered() {
    return new InvocationAudit(
        NOW,
        "ketamine-order-sign",
        Optional.of("order-sign"),
        Optional.of("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"),
        Optional.of("Practitioner/example"),
        Optional.of("example-patient"),
        Optional.of("example-encounter"),
        List.of("MedicationRequest/ketamine-draft-1"),
        List.of(new InvocationAudit.CardAudit("card-1", "ketamine-maoi", "critical")),
        "2025.1",
        Duration.ofMillis(42),
        200,
        Optional.empty(),
        Optional.empty(),
        false);
  }

  @Test
  void everyKindOfEvent_isExactlyWhatHapiWritesForIt() {
    var caller =
        Optional.of(new CallerIdentity("https://ehr.example.org", "ehr-7", Optional.of("a")));
    var feedback =
        overridden(
            List.of("s-1"),
            new FeedbackAudit.OverrideReason(
                Optional.of("urn:reasons"),
                Optional.of("other"),
                Optional.of("Other"),
                Optional.of("quote \" and ünïcödé")),
            NOW,
            caller);
    var origin = new CardIndex.Origin(Optional.of(new PatientRefs(KEY).of("p-1")), "2025.1");
    List<byte[]> written =
        List.of(
            events.invocation("a", answered(), Optional.of(new PatientRefs("").of("p-1"))),
            events.invocation("b", answered(), Optional.empty()),
            events.feedback("c", feedback, Optional.of(origin)),
            events.feedback("d", feedback, Optional.empty()));
    for (byte[] event : written) {
      String ours = new String(event, StandardCharsets.UTF_8);
      assertThat(ours).isEqualTo(json(parse(event)));
      assertThat(errors(parse(event))).isEmpty();
    }
  }

  /** Feedback overriding card-1 of ketamine-order-sign. */
  private static FeedbackAudit overridden(
      List<String> acceptedSuggestions,
      FeedbackAudit.OverrideReason reason,
      Instant outcomeTimestamp,
      Optional<CallerIdentity> caller) {
    return new FeedbackAudit(
        NOW,
        "ketamine-order-sign",
        "card-1",
        "overridden",
        acceptedSuggestions,
        Optional.of(reason),
        outcomeTimestamp,
        caller);
  }

  /** Strict: an element R4 does not define would fail here rather than be dropped. */
  private static AuditEvent parse(byte[] json) {
    return FHIR.newJsonParser()
        .setParserErrorHandler(new StrictErrorHandler())
        .parseResource(AuditEvent.class, new String(json, StandardCharsets.UTF_8));
  }

  private static String json(AuditEvent event) {
    return FHIR.newJsonParser().encodeResourceToString(event);
  }

  private static List<String> errors(AuditEvent event) {
    return AuditProfileValidator.errors(json(event));
  }
}
