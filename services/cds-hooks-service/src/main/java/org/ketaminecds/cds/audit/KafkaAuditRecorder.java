package org.ketaminecds.cds.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.ketaminecds.cds.RandomIds;

/**
 * Records each invocation and feedback item as a FHIR AuditEvent on the Kafka audit stream,
 * returning only once it is durable (see {@link AuditStream}).
 */
final class KafkaAuditRecorder implements AuditRecorder {

  private final AuditEvents events;
  private final PatientRefs patients;
  private final CardIndex cards;
  private final AuditStream stream;
  private final String source;

  KafkaAuditRecorder(
      AuditEvents events,
      PatientRefs patients,
      CardIndex cards,
      AuditStream stream,
      String instanceId) {
    this.events = events;
    this.patients = patients;
    this.cards = cards;
    this.stream = stream;
    this.source = AuditMessage.source(instanceId);
  }

  @Override
  public void invocation(InvocationAudit record) {
    String id = RandomIds.uuid();
    Optional<PatientRef> patient = record.patientId().map(patients::of);
    byte[] event = events.invocation(id, record, patient);
    // Without a patient (a call refused for lacking one) nothing needs ordering with it.
    String key = patient.map(PatientRef::value).or(record::hookInstance).orElse(id);
    stream.publish(message(id, AuditMessage.INVOCATION, record.recorded(), key, event));
    CardIndex.Origin origin = new CardIndex.Origin(patient, record.rulePackVersion());
    record.cards().forEach(card -> cards.put(card.uuid(), origin));
  }

  @Override
  public void feedback(FeedbackAudit record) {
    String id = RandomIds.uuid();
    Optional<CardIndex.Origin> origin = cards.find(record.cardUuid());
    byte[] event = events.feedback(id, record, origin);
    String key =
        origin.flatMap(CardIndex.Origin::patient).map(PatientRef::value).orElse(record.cardUuid());
    stream.publish(message(id, AuditMessage.FEEDBACK, record.recorded(), key, event));
  }

  private AuditMessage message(String id, String type, Instant recorded, String key, byte[] event) {
    // AuditEvent.recorded carries milliseconds; ce_time names the same instant.
    return new AuditMessage(id, source, type, recorded.truncatedTo(ChronoUnit.MILLIS), key, event);
  }
}
