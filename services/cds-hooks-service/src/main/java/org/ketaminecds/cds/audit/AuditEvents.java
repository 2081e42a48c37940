package org.ketaminecds.cds.audit;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * Builds the FHIR R4 AuditEvents described in {@code docs/audit-event.md} (IHE Basic Audit Log
 * Patterns style) and validated by the {@code cds-hooks-audit-event} profile. They carry
 * references, codes and identifiers only: never a token, a {@code fhirAuthorization} value or card
 * text.
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

  /** Looked up once: {@link TimeZone#getTimeZone(String)} takes a JVM-wide lock on every call. */
  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

  private final String instanceId;

  AuditEvents(String instanceId) {
    this.instanceId = instanceId;
  }

  /**
   * @param patient the call's patient as events name it, when the call named one
   */
  AuditEvent invocation(String id, InvocationAudit record, Optional<PatientRef> patient) {
    AuditEvent event =
        common(id, "cds-hooks-invocation", "CDS Hooks service invocation", record.recorded());
    event.setAction(AuditEventAction.E);
    event.setOutcome(outcome(record.httpStatus()));
    record.errorCode().ifPresent(event::setOutcomeDesc);
    record
        .userId()
        .ifPresent(
            user ->
                event
                    .addAgent()
                    .setType(concept(PARTICIPATION, "AUT", "author (originator)"))
                    .setWho(new Reference(user))
                    .setRequestor(true));
    agents(event, record.caller());
    patient.ifPresent(p -> patientEntity(event, p));
    for (String order : record.draftOrders()) {
      event
          .addEntity()
          .setWhat(new Reference(order))
          .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
          .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
    }
    AuditEventEntityComponent call =
        event
            .addEntity()
            .setName("hookInstance")
            .setType(new Coding(CODES, "hook-instance", "CDS Hooks call"));
    record
        .hookInstance()
        .ifPresent(h -> call.setWhat(new Reference().setIdentifier(new Identifier().setValue(h))));
    detail(call, "service", record.serviceId());
    record.hook().ifPresent(h -> detail(call, "hook", h));
    detail(call, "rulePackVersion", record.rulePackVersion());
    detail(call, "processingTimeMs", Long.toString(record.processingTime().toMillis()));
    record.encounterId().ifPresent(e -> detail(call, "encounter", e));
    for (InvocationAudit.CardAudit card : record.cards()) {
      AuditEventEntityComponent entity =
          event
              .addEntity()
              .setName("card")
              .setWhat(new Reference().setIdentifier(new Identifier().setValue(card.uuid())))
              .setType(new Coding(CODES, "card", "CDS Hooks card"));
      detail(entity, "ruleId", card.ruleId());
      detail(entity, "indicator", card.indicator());
    }
    return event;
  }

  /**
   * @param origin the patient and rule-pack version of the call that produced the card, when known
   */
  AuditEvent feedback(String id, FeedbackAudit record, Optional<CardIndex.Origin> origin) {
    AuditEvent event =
        common(id, "cds-hooks-feedback", "CDS Hooks card feedback", record.recorded());
    event.setAction(AuditEventAction.C);
    event.setOutcome(AuditEventOutcome._0);
    agents(event, record.caller());
    origin.flatMap(CardIndex.Origin::patient).ifPresent(p -> patientEntity(event, p));
    AuditEventEntityComponent feedback =
        event
            .addEntity()
            .setName("feedback")
            .setType(new Coding(CODES, "feedback", "CDS Hooks card feedback"));
    detail(feedback, "service", record.serviceId());
    detail(feedback, "card", record.cardUuid());
    detail(feedback, "outcome", record.outcome());
    record.acceptedSuggestions().forEach(s -> detail(feedback, "acceptedSuggestion", s));
    record
        .overrideReason()
        .ifPresent(
            reason -> {
              reason.code().ifPresent(c -> detail(feedback, "overrideReasonCode", c));
              reason.system().ifPresent(s -> detail(feedback, "overrideReasonSystem", s));
              reason.display().ifPresent(d -> detail(feedback, "overrideReasonDisplay", d));
              reason.userComment().ifPresent(c -> detail(feedback, "userComment", c));
            });
    detail(feedback, "outcomeTimestamp", record.outcomeTimestamp().toString());
    origin.ifPresent(o -> detail(feedback, "rulePackVersion", o.rulePackVersion()));
    return event;
  }

  private AuditEvent common(String id, String subtype, String display, Instant recorded) {
    AuditEvent event = new AuditEvent();
    event.setId(id);
    event.getMeta().addProfile(PROFILE);
    event.setType(new Coding(EVENT_TYPE, "rest", "Restful Operation"));
    event.addSubtype(new Coding(CODES, subtype, display));
    InstantType time =
        new InstantType(Date.from(recorded), TemporalPrecisionEnum.MILLI, (TimeZone) UTC.clone());
    time.setTimeZoneZulu(true);
    event.setRecordedElement(time);
    event
        .getSource()
        .setSite(instanceId)
        .setObserver(new Reference().setDisplay(OBSERVER))
        .addType(new Coding(SOURCE_TYPE, "4", "Application Server"));
    return event;
  }

  /**
   * The calling EHR client (once authentication is on) and this service: IHE BALP names both ends
   * of a REST exchange, and it keeps {@code agent} non-empty as R4 requires.
   */
  private void agents(AuditEvent event, Optional<CallerIdentity> caller) {
    caller.ifPresent(
        c -> {
          var client =
              event
                  .addAgent()
                  .setType(concept(DICOM, "110150", "Application"))
                  .setWho(
                      new Reference()
                          .setIdentifier(
                              new Identifier().setSystem(c.issuer()).setValue(c.subject())))
                  .setRequestor(false);
          c.tenant().ifPresent(client::setName);
        });
    event
        .addAgent()
        .setType(concept(DICOM, "110152", "Destination Role ID"))
        .setWho(new Reference().setDisplay(OBSERVER))
        .setRequestor(false);
  }

  private static void patientEntity(AuditEvent event, PatientRef patient) {
    Reference what =
        patient.pseudonymous()
            ? new Reference()
                .setIdentifier(
                    new Identifier()
                        .setSystem(PatientRef.PSEUDONYM_SYSTEM)
                        .setValue(patient.value()))
            : new Reference("Patient/" + patient.value());
    event
        .addEntity()
        .setWhat(what)
        .setType(new Coding(ENTITY_TYPE, "1", "Person"))
        .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
  }

  private static AuditEventOutcome outcome(int httpStatus) {
    if (httpStatus >= 500) {
      return AuditEventOutcome._8;
    }
    return httpStatus >= 400 ? AuditEventOutcome._4 : AuditEventOutcome._0;
  }

  private static CodeableConcept concept(String system, String code, String display) {
    return new CodeableConcept(new Coding(system, code, display));
  }

  private static void detail(AuditEventEntityComponent entity, String type, String value) {
    entity.addDetail().setType(type).setValue(new StringType(value));
  }
}
