package org.ketaminecds.cds.audit;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One audit event as it travels: the CloudEvents envelope attributes, the record key and the FHIR
 * AuditEvent JSON. The outbox stores exactly this, so a relayed record is the record that would
 * have been sent.
 *
 * @param id the CloudEvents id, equal to {@code AuditEvent.id}; consumers drop duplicates by it
 * @param source the CloudEvents source of the instance that recorded the event
 * @param type {@link #INVOCATION} or {@link #FEEDBACK}
 * @param time when the event was recorded ({@code AuditEvent.recorded})
 * @param key the patient (or pseudonym), so that one patient's events stay in order
 * @param value the AuditEvent, FHIR JSON in UTF-8
 */
record AuditMessage(String id, String source, String type, Instant time, String key, byte[] value) {

  static final String INVOCATION = "org.ketaminecds.cds.invocation";
  static final String FEEDBACK = "org.ketaminecds.cds.feedback";
  static final String CONTENT_TYPE = "application/fhir+json";

  static String source(String instanceId) {
    return "urn:ketamine-cds:cds-hooks-service:" + instanceId;
  }

  /** The Kafka record in CloudEvents binary mode: attributes as {@code ce_*} headers. */
  ProducerRecord<String, byte[]> toRecord(String topic) {
    var event =
        CloudEventBuilder.v1()
            .withId(id)
            .withSource(URI.create(source))
            .withType(type)
            .withTime(time.atOffset(ZoneOffset.UTC))
            .withDataContentType(CONTENT_TYPE)
            .withData(value)
            .build();
    return KafkaMessageFactory.<String>createWriter(topic, key).writeBinary(event);
  }
}
