package org.ketaminecds.cds.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;

/**
 * Makes one audit event durable before the call is answered: fsync'd into the local outbox, from
 * which the relay sends it to Kafka moments later, in the order events were stored (so a patient's
 * events reach Kafka in order). Should the outbox fail (disk full or failing, or at capacity), the
 * event goes to Kafka directly instead and the call waits up to {@code ackTimeout} for Kafka's
 * acknowledgement. Neither taking it means the call must not be answered 200.
 *
 * <p>The outbox comes first so that a clinician's order never waits on the audit broker: a local
 * group-committed fsync takes a fraction of a millisecond and stays there under load, whereas a
 * broker's acknowledgement takes a network round trip and, when the broker is busy or failing over,
 * hundreds of milliseconds (issue 7 measured 80-170 ms on average under load).
 */
final class AuditStream {

  private static final Logger log = LoggerFactory.getLogger(AuditStream.class);

  private final KafkaOperations<String, byte[]> kafka;
  private final Outbox outbox;
  private final OutboxRelay relay;
  private final DeliveryState state;
  private final String topic;
  private final long ackTimeoutNanos;
  private final Counter viaKafka;
  private final Counter viaOutbox;
  private final Counter sendFailures;
  private final Counter unavailable;

  AuditStream(
      KafkaOperations<String, byte[]> kafka,
      Outbox outbox,
      OutboxRelay relay,
      DeliveryState state,
      String topic,
      Duration ackTimeout,
      MeterRegistry meters) {
    this.kafka = kafka;
    this.outbox = outbox;
    this.relay = relay;
    this.state = state;
    this.topic = topic;
    this.ackTimeoutNanos = ackTimeout.toNanos();
    this.viaKafka = AuditMetrics.events(meters, "kafka");
    this.viaOutbox = AuditMetrics.events(meters, "outbox");
    this.sendFailures = AuditMetrics.sendFailures(meters, "direct");
    this.unavailable = AuditMetrics.unavailable(meters);
  }

  /**
   * @throws AuditUnavailableException when neither the outbox nor Kafka took the event
   */
  void publish(AuditMessage message) {
    if (!(toOutbox(message) || toKafka(message))) {
      unavailable.increment();
      throw new AuditUnavailableException(
          "the audit record of this call could not be stored (audit stream and local outbox"
              + " unavailable), so the call was not completed; try again");
    }
  }

  private boolean toKafka(AuditMessage message) {
    long deadline = System.nanoTime() + ackTimeoutNanos;
    try {
      // max.block.ms bounds send() itself when metadata is missing; the ack wait gets the rest.
      var sent = kafka.send(message.toRecord(topic));
      sent.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      viaKafka.increment();
      if (state.kafkaUp()) {
        log.info("Kafka acknowledges audit events again");
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // Any failure to get an acknowledgement in time means the same: not durable this way.
      if (state.kafkaDown()) {
        log.warn(
            "Kafka did not acknowledge an audit event in time ({})", e.getClass().getSimpleName());
      }
    }
    sendFailures.increment();
    return false;
  }

  private boolean toOutbox(AuditMessage message) {
    try {
      outbox.append(message);
      state.outboxOk();
      viaOutbox.increment();
      relay.wake();
      return true;
    } catch (Outbox.OutboxException e) {
      if (state.outboxFailed(e.getMessage())) {
        log.error("audit outbox cannot take events: {}", e.getMessage());
      }
      return false;
    }
  }
}
