package org.ketaminecds.cds.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the last attempts to make events durable showed: whether Kafka acknowledged and whether the
 * outbox could write. Read by health and by the log (which reports changes, not every event).
 */
final class DeliveryState {

  enum Kafka {
    UNKNOWN,
    UP,
    DOWN
  }

  record Snapshot(Kafka kafka, Instant kafkaSince, Optional<String> outboxProblem) {}

  private final Clock clock;
  private final AtomicReference<Snapshot> state;

  DeliveryState(Clock clock) {
    this.clock = clock;
    this.state =
        new AtomicReference<>(new Snapshot(Kafka.UNKNOWN, clock.instant(), Optional.empty()));
  }

  Snapshot snapshot() {
    return state.get();
  }

  /**
   * @return whether Kafka was not known to be up before
   */
  boolean kafkaUp() {
    return kafka(Kafka.UP);
  }

  /**
   * @return whether Kafka was not known to be down before
   */
  boolean kafkaDown() {
    return kafka(Kafka.DOWN);
  }

  void outboxOk() {
    state.updateAndGet(
        s ->
            s.outboxProblem().isEmpty()
                ? s
                : new Snapshot(s.kafka(), s.kafkaSince(), Optional.empty()));
  }

  /**
   * @return whether this problem is new (not already the last one reported)
   */
  boolean outboxFailed(String problem) {
    Snapshot before =
        state.getAndUpdate(s -> new Snapshot(s.kafka(), s.kafkaSince(), Optional.of(problem)));
    return !before.outboxProblem().equals(Optional.of(problem));
  }

  private boolean kafka(Kafka now) {
    Snapshot before =
        state.getAndUpdate(
            s -> s.kafka() == now ? s : new Snapshot(now, clock.instant(), s.outboxProblem()));
    return before.kafka() != now;
  }
}
