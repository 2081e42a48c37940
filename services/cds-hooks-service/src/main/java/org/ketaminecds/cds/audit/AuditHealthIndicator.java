package org.ketaminecds.cds.audit;

import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Readiness of the audit stream. Kafka down with a working outbox is UP, since calls are still
 * answered and their events are durable; the details say so (mode {@code relay}: events pass
 * through the outbox to Kafka; {@code outbox}: Kafka is down and they wait there). Down only when
 * an event could be stored nowhere, because calls are then answered 503.
 */
final class AuditHealthIndicator implements HealthIndicator {

  private final Outbox outbox;
  private final DeliveryState state;
  private final Clock clock;
  private final String topic;

  AuditHealthIndicator(Outbox outbox, DeliveryState state, Clock clock, String topic) {
    this.outbox = outbox;
    this.state = state;
    this.clock = clock;
    this.topic = topic;
  }

  @Override
  public Health health() {
    DeliveryState.Snapshot now = state.snapshot();
    long depth;
    long lagSeconds;
    try {
      depth = outbox.depth();
      lagSeconds =
          outbox
              .oldest()
              .map(t -> Math.max(0, Duration.between(t, clock.instant()).toSeconds()))
              .orElse(0L);
    } catch (Outbox.OutboxException e) {
      return Health.down().withDetail("outbox", "unreadable").build();
    }
    boolean outboxFailing = now.outboxProblem().isPresent();
    Health.Builder health =
        outboxFailing && now.kafka() == DeliveryState.Kafka.DOWN ? Health.down() : Health.up();
    return health
        .withDetail("topic", topic)
        .withDetail("mode", now.kafka() == DeliveryState.Kafka.DOWN ? "outbox" : "relay")
        .withDetail("kafka", now.kafka().name().toLowerCase(java.util.Locale.ROOT))
        .withDetail("kafkaSince", now.kafkaSince().toString())
        .withDetail("outboxDepth", depth)
        .withDetail("outboxCapacity", outbox.capacity())
        .withDetail("relayLagSeconds", lagSeconds)
        .withDetail("outbox", now.outboxProblem().orElse("ok"))
        .build();
  }
}
