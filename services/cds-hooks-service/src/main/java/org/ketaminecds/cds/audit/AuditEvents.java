package org.ketaminecds.cds.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Writes the FHIR R4 AuditEvents described in {@code docs/audit-event.md} (IHE Basic Audit Log
 * Patterns style) and validated by the {@code cds-hooks-audit-event} profile, as FHIR JSON in
 * UTF-8. They carry references, codes and identifiers only: never a token, a {@code
 * fhirAuthorization} value or card text.
 *
 * <p>Written straight to JSON, in FHIR's element order, rather than built as a HAPI model and
 * encoded: every call is audited, and HAPI's reflective encoder took 80 µs an event, the largest
 * cost of an answered call after parsing (issue 7). The shape is fixed and small; {@code
 * AuditEventsTest} reads every kind of event back with HAPI and validates it against the profile.
 */
final class AuditEvents {

  static final String PROFILE =
      "https://ketamine-cds.example.org/fhir/StructureDefinition/cds-hooks-audit-event";
  static final String CODES = "https://ketamine-cds.example.org/fhir/CodeSystem/audit";
  static final String OBSERVER = "cds-hooks-service";

  private static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
  private static final String PARTICIPATION =
      "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
  private static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
  private static final String SOURCE_TYPE =
      "http://terminology.hl7.org/CodeSystem/security-source-type";
  private static final String ENTITY_TYPE =
      "http://terminology.hl7.org/CodeSystem/audit-entity-type";
  private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";

  /** FHIR instant at millisecond precision, in UTC. */
  private static final DateTimeFormatter RECORDED =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private static final JsonFactory JSON = new JsonFactory();

  private final String instanceId;

  AuditEvents(String instanceId) {
    this.instanceId = instanceId;
  }

  /**
   * @param patient the call's patient as events name it, when the call named one
   */
  byte[] invocation(String id, InvocationAudit record, Optional<PatientRef> patient) {
    return write(
        json -> {
          common(json, id, "cds-hooks-invocation", "CDS Hooks service invocation");
          json.writeStringField("action", "E");
          json.writeStringField("recorded", RECORDED.format(record.recorded()));
          json.writeStringField("outcome", outcome(record.httpStatus()));
          string(json, "outcomeDesc", record.errorCode().orElse(null));
          json.writeArrayFieldStart("agent");
          if (record.userId().isPresent()) {
            json.writeStartObject();
            concept(json, "type", PARTICIPATION, "AUT", "author (originator)");
            json.writeObjectFieldStart("who");
            string(json, "reference", record.userId().get());
            json.writeEndObject();
            json.writeBooleanField("requestor", true);
            json.writeEndObject();
          }
          agents(json, record.caller());
          json.writeEndArray();
          source(json);
          json.writeArrayFieldStart("entity");
          if (patient.isPresent()) {
            patientEntity(json, patient.get());
          }
          for (String order : record.draftOrders()) {
            json.writeStartObject();
            json.writeObjectFieldStart("what");
            string(json, "reference", order);
            json.writeEndObject();
            coding(json, "type", ENTITY_TYPE, "2", "System Object");
            coding(json, "role", OBJECT_ROLE, "4", "Domain Resource");
            json.writeEndObject();
          }
          json.writeStartObject();
          if (record.hookInstance().isPresent()) {
            identifiedWhat(json, null, record.hookInstance().get());
          }
          coding(json, "type", CODES, "hook-instance", "CDS Hooks call");
          json.writeStringField("name", "hookInstance");
          json.writeArrayFieldStart("detail");
          detail(json, "service", record.serviceId());
          detail(json, "hook", record.hook().orElse(null));
          detail(json, "rulePackVersion", record.rulePackVersion());
          detail(json, "processingTimeMs", Long.toString(record.processingTime().toMillis()));
          detail(json, "encounter", record.encounterId().orElse(null));
          detail(json, "endpoint", record.atFeedback() ? "feedback" : null);
          json.writeEndArray();
          json.writeEndObject();
          for (InvocationAudit.CardAudit card : record.cards()) {
            json.writeStartObject();
            identifiedWhat(json, null, card.uuid());
            coding(json, "type", CODES, "card", "CDS Hooks card");
            json.writeStringField("name", "card");
            json.writeArrayFieldStart("detail");
            detail(json, "ruleId", card.ruleId());
            detail(json, "indicator", card.indicator());
            json.writeEndArray();
            json.writeEndObject();
          }
          json.writeEndArray();
        });
  }

  /**
   * @param origin the patient and rule-pack version of the call that produced the card, when known
   */
  byte[] feedback(String id, FeedbackAudit record, Optional<CardIndex.Origin> origin) {
    return write(
        json -> {
          common(json, id, "cds-hooks-feedback", "CDS Hooks card feedback");
          json.writeStringField("action", "C");
          json.writeStringField("recorded", RECORDED.format(record.recorded()));
          json.writeStringField("outcome", "0");
          json.writeArrayFieldStart("agent");
          agents(json, record.caller());
          json.writeEndArray();
          source(json);
          json.writeArrayFieldStart("entity");
          Optional<PatientRef> patient = origin.flatMap(CardIndex.Origin::patient);
          if (patient.isPresent()) {
            patientEntity(json, patient.get());
          }
          json.writeStartObject();
          coding(json, "type", CODES, "feedback", "CDS Hooks card feedback");
          json.writeStringField("name", "feedback");
          json.writeArrayFieldStart("detail");
          detail(json, "service", record.serviceId());
          detail(json, "card", record.cardUuid());
          detail(json, "outcome", record.outcome());
          for (String suggestion : record.acceptedSuggestions()) {
            detail(json, "acceptedSuggestion", suggestion);
          }
          if (record.overrideReason().isPresent()) {
            FeedbackAudit.OverrideReason reason = record.overrideReason().get();
            detail(json, "overrideReasonCode", reason.code().orElse(null));
            detail(json, "overrideReasonSystem", reason.system().orElse(null));
            detail(json, "overrideReasonDisplay", reason.display().orElse(null));
            detail(json, "userComment", reason.userComment().orElse(null));
          }
          detail(json, "outcomeTimestamp", record.outcomeTimestamp().toString());
          detail(
              json, "rulePackVersion", origin.map(CardIndex.Origin::rulePackVersion).orElse(null));
          json.writeEndArray();
          json.writeEndObject();
          json.writeEndArray();
        });
  }

  private interface Body {
    void write(JsonGenerator json) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayBuilder bytes = new ByteArrayBuilder(2048);
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      json.writeStartObject();
      body.write(json);
      json.writeEndObject();
    } catch (IOException e) {
      // Writing to memory: only a bug gets here.
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The elements before {@code action}, the same in every event. */
  private static void common(JsonGenerator json, String id, String subtype, String display)
      throws IOException {
    json.writeStringField("resourceType", "AuditEvent");
    json.writeStringField("id", id);
    json.writeObjectFieldStart("meta");
    json.writeArrayFieldStart("profile");
    json.writeString(PROFILE);
    json.writeEndArray();
    json.writeEndObject();
    coding(json, "type", EVENT_TYPE, "rest", "Restful Operation");
    json.writeArrayFieldStart("subtype");
    codingValue(json, CODES, subtype, display);
    json.writeEndArray();
  }

  /**
   * The calling EHR client (once authentication is on) and this service: IHE BALP names both ends
   * of a REST exchange, and it keeps {@code agent} non-empty as R4 requires.
   */
  private static void agents(JsonGenerator json, Optional<CallerIdentity> caller)
      throws IOException {
    if (caller.isPresent()) {
      CallerIdentity c = caller.get();
      json.writeStartObject();
      concept(json, "type", DICOM, "110150", "Application");
      json.writeObjectFieldStart("who");
      identifier(json, c.issuer(), c.subject());
      json.writeEndObject();
      string(json, "name", c.tenant().orElse(null));
      json.writeBooleanField("requestor", false);
      json.writeEndObject();
    }
    json.writeStartObject();
    concept(json, "type", DICOM, "110152", "Destination Role ID");
    json.writeObjectFieldStart("who");
    json.writeStringField("display", OBSERVER);
    json.writeEndObject();
    json.writeBooleanField("requestor", false);
    json.writeEndObject();
  }

  private void source(JsonGenerator json) throws IOException {
    json.writeObjectFieldStart("source");
    string(json, "site", instanceId);
    json.writeObjectFieldStart("observer");
    json.writeStringField("display", OBSERVER);
    json.writeEndObject();
    json.writeArrayFieldStart("type");
    codingValue(json, SOURCE_TYPE, "4", "Application Server");
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void patientEntity(JsonGenerator json, PatientRef patient) throws IOException {
    json.writeStartObject();
    if (patient.pseudonymous()) {
      identifiedWhat(json, PatientRef.PSEUDONYM_SYSTEM, patient.value());
    } else {
      json.writeObjectFieldStart("what");
      json.writeStringField("reference", "Patient/" + patient.value());
      json.writeEndObject();
    }
    coding(json, "type", ENTITY_TYPE, "1", "Person");
    coding(json, "role", OBJECT_ROLE, "1", "Patient");
    json.writeEndObject();
  }

  /** {@code what} as a Reference holding only an identifier. */
  private static void identifiedWhat(JsonGenerator json, String system, String value)
      throws IOException {
    json.writeObjectFieldStart("what");
    identifier(json, system, value);
    json.writeEndObject();
  }

  private static void identifier(JsonGenerator json, String system, String value)
      throws IOException {
    json.writeObjectFieldStart("identifier");
    string(json, "system", system);
    string(json, "value", value);
    json.writeEndObject();
  }

  private static String outcome(int httpStatus) {
    if (httpStatus >= 500) {
      return "8";
    }
    return httpStatus >= 400 ? "4" : "0";
  }

  private static void concept(
      JsonGenerator json, String field, String system, String code, String display)
      throws IOException {
    json.writeObjectFieldStart(field);
    json.writeArrayFieldStart("coding");
    codingValue(json, system, code, display);
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void coding(
      JsonGenerator json, String field, String system, String code, String display)
      throws IOException {
    json.writeFieldName(field);
    codingValue(json, system, code, display);
  }

  private static void codingValue(JsonGenerator json, String system, String code, String display)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("system", system);
    json.writeStringField("code", code);
    json.writeStringField("display", display);
    json.writeEndObject();
  }

  /** One {@code detail}; none for a value that is absent (FHIR has no empty strings). */
  private static void detail(JsonGenerator json, String type, String value) throws IOException {
    if (value == null || value.isEmpty()) {
      return;
    }
    json.writeStartObject();
    json.writeStringField("type", type);
    json.writeStringField("valueString", value);
    json.writeEndObject();
  }

  /** A string element, left out when absent or empty (FHIR has no empty strings). */
  private static void string(JsonGenerator json, String field, String value) throws IOException {
    if (value != null && !value.isEmpty()) {
      json.writeStringField(field, value);
    }
  }
}
