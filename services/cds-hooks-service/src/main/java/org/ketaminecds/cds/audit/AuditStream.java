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
 * Makes one audit event durable before the call is answered: acknowledged by Kafka within {@code
 * ackTimeout}, else fsync'd into the local outbox, which the relay drains in order once Kafka is
 * back. Neither taking it means the call must not be answered 200.
 *
 * <p>Order is kept per record key (the patient), as Kafka keeps it per partition: while events of a
 * key wait in the outbox, that key's new events queue behind them there; other keys go straight to
 * Kafka. So one late acknowledgement sends one patient's events through the outbox for a moment,
 * not every call. While Kafka is known to be down (the last attempt failed and the relay has not
 * got through since), events go to the outbox at once instead of each waiting {@code ackTimeout}
 * first.
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
   * @throws AuditUnavailableException when neither Kafka nor the outbox took the event
   */
  void publish(AuditMessage message) {
    boolean outboxFirst =
        state.snapshot().kafka() == DeliveryState.Kafka.DOWN || outbox.holds(message.key());
    boolean durable =
        outboxFirst ? toOutbox(message) || toKafka(message) : toKafka(message) || toOutbox(message);
    if (!durable) {
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
      // Any failure to get an acknowledgement in time means the same: the outbox takes it.
      if (state.kafkaDown()) {
        log.warn(
            "Kafka did not acknowledge an audit event in time ({}); events go to the local"
                + " outbox until it does",
            e.getClass().getSimpleName());
      }
    }
    // A record still in the producer's buffer may yet arrive: then it arrives twice, with one
    // ce_id, and consumers drop the second.
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
