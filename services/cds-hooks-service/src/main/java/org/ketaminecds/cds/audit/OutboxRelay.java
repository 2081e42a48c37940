package org.ketaminecds.cds.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaOperations;

/**
 * Sends the outbox to Kafka in the order events were stored, one batch at a time, within {@link
 * #PACE} of their arrival: an entry leaves the outbox only after Kafka acknowledged it and every
 * entry before it. A batch that fails is sent again from its first unacknowledged entry after a
 * pause, so an event may reach Kafka twice (consumers drop the copy by {@code ce_id}) but is never
 * lost or overtaken.
 *
 * <p>Kafka counts as down (health, log) once an acknowledgement is {@code stallTimeout} late, long
 * before the producer gives up on the batch.
 */
final class OutboxRelay implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int BATCH = 500;

  /**
   * A round that found less than a full batch waits this long after it began before the next: at a
   * steady 500 calls/s, rounds back to back carried three events each, and their queries, removals
   * and Kafka requests cost about a tenth of the service's CPU. Events reach Kafka up to this much
   * later; no call waits for it.
   */
  static final Duration PACE = Duration.ofMillis(20);

  private final KafkaOperations<String, byte[]> kafka;
  private final Outbox outbox;
  private final DeliveryState state;
  private final String topic;
  private final Duration retryInterval;
  private final Duration sendTimeout;
  private final long stallNanos;
  private final Counter relayed;
  private final Counter failures;
  private final Semaphore wake = new Semaphore(0);
  private volatile Thread worker;

  /**
   * @param sendTimeout how long to wait for a batch's acknowledgements; the producer's
   *     delivery.timeout.ms plus a margin, since the producer itself gives up by then
   * @param stallTimeout how late an acknowledgement may be before Kafka is reported down
   */
  OutboxRelay(
      KafkaOperations<String, byte[]> kafka,
      Outbox outbox,
      DeliveryState state,
      String topic,
      Duration retryInterval,
      Duration sendTimeout,
      Duration stallTimeout,
      MeterRegistry meters) {
    this.kafka = kafka;
    this.outbox = outbox;
    this.state = state;
    this.topic = topic;
    this.retryInterval = retryInterval;
    this.sendTimeout = sendTimeout;
    this.stallNanos = stallTimeout.toNanos();
    this.relayed = AuditMetrics.relayed(meters);
    this.failures = AuditMetrics.sendFailures(meters, "relay");
  }

  /** Something was added to the outbox. */
  void wake() {
    if (wake.availablePermits() == 0) {
      wake.release();
    }
  }

  @Override
  public void start() {
    long waiting = outbox.depth();
    if (waiting > 0) {
      log.info("audit outbox holds {} events from before; relaying them to Kafka", waiting);
    }
    Thread thread = new Thread(this::run, "audit-outbox-relay");
    thread.setDaemon(true);
    worker = thread;
    thread.start();
  }

  @Override
  public void stop() {
    Thread thread = worker;
    worker = null;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return worker != null;
  }

  /** Stops after the web server, so a call still being answered can use the outbox. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 4096;
  }

  private enum Next {
    AT_ONCE,
    PACED,
    WHEN_WOKEN,
    AFTER_PAUSE
  }

  private void run() {
    try {
      warmUp();
      while (worker == Thread.currentThread()) {
        long round = System.nanoTime();
        switch (relayOnceSafely()) {
          case AT_ONCE -> {}
          case PACED -> TimeUnit.NANOSECONDS.sleep(PACE.toNanos() - (System.nanoTime() - round));
          // New outbox entries wake an idle relay; a periodic look covers a missed wake-up.
          case WHEN_WOKEN -> wake.tryAcquire(retryInterval.toMillis() * 5, TimeUnit.MILLISECONDS);
          // After a failure, the full pause: new entries must not turn into a retry storm.
          case AFTER_PAUSE -> TimeUnit.MILLISECONDS.sleep(retryInterval.toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Fetches the topic's metadata before the first call needs it (and has a broker that creates
   * topics on demand create it), so the first event need not wait for that.
   */
  private void warmUp() throws InterruptedException {
    for (int attempt = 0; attempt < 5 && worker == Thread.currentThread(); attempt++) {
      try {
        kafka.partitionsFor(topic);
        return;
      } catch (RuntimeException e) {
        TimeUnit.MILLISECONDS.sleep(retryInterval.toMillis());
      }
    }
  }

  /** The relay must outlive any one failure: a dead relay would strand the outbox. */
  private Next relayOnceSafely() throws InterruptedException {
    try {
      return relayOnce();
    } catch (RuntimeException e) {
      log.error("audit outbox relay failed ({}); retrying", e.getClass().getSimpleName());
      return Next.AFTER_PAUSE;
    }
  }

  private Next relayOnce() throws InterruptedException {
    List<Outbox.Entry> batch;
    try {
      batch = outbox.head(BATCH);
    } catch (Outbox.OutboxException e) {
      log.error("cannot read the audit outbox: {}", e.getMessage());
      return Next.AFTER_PAUSE;
    }
    if (batch.isEmpty()) {
      return Next.WHEN_WOKEN;
    }
    List<CompletableFuture<?>> sent = new ArrayList<>(batch.size());
    try {
      for (Outbox.Entry entry : batch) {
        sent.add(kafka.send(entry.message().toRecord(topic)));
      }
    } catch (RuntimeException e) {
      // Not sent at all (e.g. no metadata within max.block.ms); the entries before it may be.
    }
    long acked = -1;
    int count = 0;
    boolean failed = sent.size() < batch.size();
    for (int i = 0; i < sent.size(); i++) {
      try {
        awaitAck(sent.get(i));
        acked = batch.get(i).seq();
        count++;
      } catch (ExecutionException | TimeoutException e) {
        failed = true;
        break;
      }
    }
    if (acked >= 0) {
      try {
        outbox.removeThrough(acked);
      } catch (Outbox.OutboxException e) {
        // They will be sent again: duplicates, dropped by ce_id downstream, rather than losses.
        log.error("cannot remove relayed events from the audit outbox: {}", e.getMessage());
        return Next.AFTER_PAUSE;
      }
      relayed.increment(count);
      state.outboxOk();
    }
    if (failed) {
      failures.increment();
      reportDown();
      return Next.AFTER_PAUSE;
    }
    if (state.kafkaUp()) {
      log.info("Kafka acknowledges audit events again; {} wait in the outbox", outbox.depth());
    }
    return batch.size() < BATCH ? Next.PACED : Next.AT_ONCE;
  }

  /** Waits for one acknowledgement; reports Kafka down as soon as it is late, then waits on. */
  private void awaitAck(CompletableFuture<?> ack)
      throws ExecutionException, TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + sendTimeout.toNanos();
    try {
      ack.get(stallNanos, TimeUnit.NANOSECONDS);
      return;
    } catch (TimeoutException late) {
      reportDown();
    }
    ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void reportDown() {
    if (state.kafkaDown()) {
      log.warn(
          "Kafka does not acknowledge audit events; they wait in the outbox ({} now)",
          outbox.depth());
    }
  }
}
