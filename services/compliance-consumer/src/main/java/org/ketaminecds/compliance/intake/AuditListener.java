package org.ketaminecds.compliance.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.ketaminecds.compliance.store.AuditStore;
import org.ketaminecds.compliance.store.RecordPosition;
import org.ketaminecds.compliance.verification.AuditEventVerifier;
import org.ketaminecds.compliance.verification.InvalidAuditEventException;
import org.ketaminecds.compliance.verification.VerifiedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Verifies each audit record and stores it. The listener returns only once the event is committed
 * to the store, and the container commits the offset only after that: a crash in between means the
 * record is read again, and the store's key makes the second copy a no-op.
 */
@Component
@ConditionalOnProperty(name = "compliance.intake.enabled", matchIfMissing = true)
class AuditListener {

  /** The listener container's id, to stop and start it (tests, operations). */
  static final String ID = "audit-intake";

  private static final Logger log = LoggerFactory.getLogger(AuditListener.class);

  private final AuditEventVerifier verifier;
  private final AuditStore store;
  private final Counter stored;
  private final Counter duplicates;
  private final Counter rejected;

  AuditListener(AuditEventVerifier verifier, AuditStore store, MeterRegistry meters) {
    this.verifier = verifier;
    this.store = store;
    this.stored = meters.counter("compliance.intake.events", "result", "stored");
    this.duplicates = meters.counter("compliance.intake.events", "result", "duplicate");
    this.rejected = meters.counter("compliance.intake.events", "result", "rejected");
  }

  @KafkaListener(
      id = ID,
      topics = "${compliance.intake.topic}",
      groupId = "${compliance.intake.group-id}")
  void receive(ConsumerRecord<byte[], byte[]> record) {
    VerifiedEvent event;
    try {
      event = verifier.verify(headers(record), record.value());
    } catch (InvalidAuditEventException e) {
      rejected.increment();
      // Position and reason only: the record itself may identify a patient.
      log.warn(
          "rejected {}-{}@{}: {} ({})",
          record.topic(),
          record.partition(),
          record.offset(),
          e.reason().code(),
          e.getMessage());
      throw e;
    }
    RecordPosition position =
        new RecordPosition(record.topic(), record.partition(), record.offset());
    if (store.save(event, position)) {
      stored.increment();
    } else {
      duplicates.increment();
      log.debug(
          "duplicate event {} at {}-{}@{}",
          event.id(),
          record.topic(),
          record.partition(),
          record.offset());
    }
  }

  private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
    Map<String, String> headers = new HashMap<>();
    for (Header header : record.headers()) {
      if (header.value() != null) {
        headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
      }
    }
    return headers;
  }
}
