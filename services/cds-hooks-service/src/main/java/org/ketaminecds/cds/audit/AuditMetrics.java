package org.ketaminecds.cds.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The audit stream's meters, named once. */
final class AuditMetrics {

  private AuditMetrics() {}

  /** Events made durable, by where: {@code kafka} (acknowledged) or {@code outbox}. */
  static Counter events(MeterRegistry meters, String via) {
    return Counter.builder("cds.audit.events")
        .description("Audit events made durable, by where they were first stored")
        .tag("via", via)
        .register(meters);
  }

  /** Kafka sends that failed or were not acknowledged in time, by path (direct or relay). */
  static Counter sendFailures(MeterRegistry meters, String path) {
    return Counter.builder("cds.audit.send.failures")
        .description("Audit event sends to Kafka that failed or timed out")
        .tag("path", path)
        .register(meters);
  }

  /** Calls refused with 503 because neither Kafka nor the outbox took their event. */
  static Counter unavailable(MeterRegistry meters) {
    return Counter.builder("cds.audit.unavailable")
        .description("Audit events neither Kafka nor the outbox could take (call answered 503)")
        .register(meters);
  }

  static Counter relayed(MeterRegistry meters) {
    return Counter.builder("cds.audit.relayed")
        .description("Audit events relayed from the outbox to Kafka")
        .register(meters);
  }

  static void outbox(MeterRegistry meters, Outbox outbox, Clock clock) {
    Gauge.builder("cds.audit.outbox.depth", outbox, Outbox::depth)
        .description("Audit events waiting in the local outbox for Kafka")
        .register(meters);
    TimeGauge.builder(
            "cds.audit.relay.lag",
            outbox,
            TimeUnit.MILLISECONDS,
            o ->
                o.oldest()
                    .map(t -> Math.max(0, Duration.between(t, clock.instant()).toMillis()))
                    .orElse(0L))
        .description("Age of the oldest audit event waiting in the outbox (0 when empty)")
        .register(meters);
  }
}
