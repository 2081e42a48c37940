package org.ketaminecds.cds.audit;

import java.nio.file.Path;
import java.time.Duration;
import org.ketaminecds.cds.config.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The audit stream's settings ({@code cds.audit.*}). Kafka itself is configured under {@code
 * spring.kafka.*}; the bootstrap servers also come from {@code KAFKA_BOOTSTRAP_SERVERS}.
 *
 * @param topic the Kafka topic events are written to
 * @param instanceId names this service instance in {@code ce_source} and {@code AuditEvent.source};
 *     letters, digits, dot, underscore and hyphen
 * @param ackTimeout should the outbox fail, how long a call waits for Kafka to acknowledge its
 *     event directly
 * @param pseudonymKey when set (at least 32 characters), patient ids are replaced by their
 *     HMAC-SHA256 under this key in events and record keys
 * @param cardIndexSize how many recent cards are remembered with their patient, so that feedback on
 *     them is keyed and ordered with the patient's other events
 * @param outbox where every event is stored first, and waits while Kafka cannot take it
 */
@ConfigurationProperties(prefix = "cds.audit")
record AuditProperties(
    @DefaultValue("cds.audit") String topic,
    @DefaultValue("local") String instanceId,
    @DefaultValue("250ms") Duration ackTimeout,
    @DefaultValue("") String pseudonymKey,
    @DefaultValue("100000") int cardIndexSize,
    @DefaultValue Outbox outbox) {

  AuditProperties {
    Settings.positive("cds.audit.ack-timeout", ackTimeout);
    Settings.atLeast("cds.audit.card-index-size", cardIndexSize, 1);
  }

  /**
   * @param directory holds the outbox database; must be on durable storage and used by one instance
   *     only
   * @param capacity events the outbox holds at most; beyond it, events go to Kafka directly, and a
   *     call whose event Kafka cannot take either is answered 503
   * @param retryInterval pause between relay attempts while Kafka is unreachable
   */
  record Outbox(
      @DefaultValue("data/audit-outbox") Path directory,
      @DefaultValue("1000000") long capacity,
      @DefaultValue("1s") Duration retryInterval) {

    Outbox {
      // No capacity would send every event to Kafka directly: the durable record would be gone.
      Settings.atLeast("cds.audit.outbox.capacity", capacity, 1);
      Settings.positive("cds.audit.outbox.retry-interval", retryInterval);
    }
  }
}
