package org.ketaminecds.cds.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Alert state in a compacted Kafka topic that every replica reads in full: writes go to Kafka, and
 * each replica applies the topic to an in-memory map. So state survives restarts and is shared
 * across replicas. When Kafka cannot be reached the filter fails open: alerts are shown rather than
 * silenced on state we cannot see.
 */
@Component
class KafkaAlertState implements AlertState, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(KafkaAlertState.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration LOAD_POLL = Duration.ofMillis(200);
  private static final Duration FOLLOW_POLL = Duration.ofSeconds(1);

  private final AlertProperties properties;
  private final Clock clock;
  private final NewTopic topic;
  private final KafkaProperties kafka;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Long> applied = new ConcurrentHashMap<>();
  private final Object progress = new Object();
  private final AtomicBoolean running = new AtomicBoolean();
  private final Counter failures;
  private final Counter evicted;
  private volatile KafkaProducer<String, String> producer;
  private volatile KafkaConsumer<String, String> consumer;
  private volatile Admin admin;
  private Thread reader;
  private Instant lastPrune = Instant.EPOCH;
  private final CountDownLatch loaded = new CountDownLatch(1);
  private volatile Map<TopicPartition, Long> initialEnds = Map.of();
  private final ThreadPoolExecutor writer =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(10_000),
          r -> {
            Thread t = new Thread(r, "alert-state-writer");
            t.setDaemon(true);
            return t;
          });

  KafkaAlertState(
      AlertProperties properties,
      KafkaProperties kafka,
      MeterRegistry meters,
      Clock clock,
      AlertStateConfiguration.AlertStateTopic alertStateTopic) {
    this.properties = properties;
    this.topic = alertStateTopic.definition();
    this.clock = clock;
    this.kafka = kafka;
    this.failures =
        Counter.builder("cds.alerts.state.failures")
            .description("Alert-state reads or writes that could not reach Kafka")
            .register(meters);
    this.evicted =
        Counter.builder("cds.alerts.state.evicted")
            .description(
                "Live alert-state entries dropped to stay within cds.alerts.max-entries; their"
                    + " alerts are shown again rather than filtered")
            .register(meters);
    Gauge.builder("cds.alerts.state.entries", entries, Map::size)
        .description("Alert-state entries held by this replica")
        .register(meters);
  }

  @Override
  public void put(List<Entry> batch, boolean awaitDurable) {
    for (Entry entry : batch) {
      entries.merge(entry.key(), entry, KafkaAlertState::later);
    }
    // Sends are handed to their own thread: a producer waiting for an unreachable broker (metadata,
    // a full buffer) must never hold up a clinician's order.
    CompletableFuture<Void> acknowledged = new CompletableFuture<>();
    try {
      writer.execute(() -> send(batch, acknowledged));
    } catch (RejectedExecutionException e) {
      failures.increment();
      return;
    }
    if (awaitDurable) {
      try {
        acknowledged.get(properties.catchUpTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // Counted where the send failed.
      } catch (TimeoutException e) {
        failures.increment();
      }
    }
  }

  /**
   * Hands the batch to the producer and returns without waiting for Kafka: the writer is free for
   * the next call's entries at once, and entries sent while a request is in flight travel together
   * in the next one. {@code acknowledged} completes when Kafka has every entry of the batch.
   */
  private void send(List<Entry> batch, CompletableFuture<Void> acknowledged) {
    if (batch.isEmpty()) {
      acknowledged.complete(null);
      return;
    }
    AtomicInteger waiting = new AtomicInteger(batch.size());
    Callback callback =
        (metadata, failure) -> {
          if (failure != null) {
            if (acknowledged.completeExceptionally(failure)) {
              failures.increment();
              log.warn(
                  "alert state could not be written to Kafka: {}",
                  failure.getClass().getSimpleName());
            }
          } else if (waiting.decrementAndGet() == 0) {
            acknowledged.complete(null);
          }
        };
    try {
      for (Entry e : batch) {
        producer.send(new ProducerRecord<>(properties.stateTopic(), e.key(), encode(e)), callback);
      }
    } catch (RuntimeException e) {
      callback.onCompletion(null, e);
    }
  }

  private static Entry later(Entry a, Entry b) {
    return a.expires().isAfter(b.expires()) ? a : b;
  }

  @Override
  public void catchUp() {
    if (loaded.getCount() > 0) {
      return; // not loaded yet: nothing to wait for that would arrive within the bound
    }
    Map<TopicPartition, Long> ends;
    try {
      List<TopicPartition> partitions = List.copyOf(applied.keySet());
      if (partitions.isEmpty()) {
        return;
      }
      ends =
          admin
              .listOffsets(
                  partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
              .all()
              .get(properties.catchUpTimeout().toMillis(), TimeUnit.MILLISECONDS)
              .entrySet()
              .stream()
              .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      failures.increment();
      return;
    }
    long deadline = System.nanoTime() + properties.catchUpTimeout().toNanos();
    synchronized (progress) {
      while (!caughtUp(ends)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          failures.increment();
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(progress, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private boolean caughtUp(Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream()
        .allMatch(e -> applied.getOrDefault(e.getKey(), 0L) >= e.getValue());
  }

  @Override
  public Optional<Entry> get(String key, Instant now) {
    Entry entry = entries.get(key);
    if (entry == null || !entry.expires().isAfter(now)) {
      return Optional.empty();
    }
    return Optional.of(entry);
  }

  @Override
  public void start() {
    running.set(true);
    boolean connected = connect();
    reader = new Thread(this::read, "alert-state-reader");
    reader.setDaemon(true);
    reader.start();
    if (!connected) {
      return;
    }
    // Start serving with the state other replicas left, if Kafka lets us read it quickly;
    // otherwise the filter fails open (shows alerts) until it has.
    try {
      if (!loaded.await(properties.initialLoadTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("alert state not loaded yet; repeated alerts are shown until it is");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Creates the Kafka clients. A client refuses to be created when no bootstrap address resolves (a
   * broker name not yet in DNS, as while a cluster starts): the service starts all the same, shows
   * repeated alerts (the filter fails open), and the reader tries again every few seconds.
   */
  private synchronized boolean connect() {
    if (consumer != null) {
      return true;
    }
    KafkaProducer<String, String> newProducer = null;
    KafkaConsumer<String, String> newConsumer = null;
    try {
      Map<String, Object> producerProps = new HashMap<>(kafka.buildProducerProperties(null));
      producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
      producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
      producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
      producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
      producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "cds-alert-state-producer");
      newProducer = new KafkaProducer<>(producerProps);

      Map<String, Object> consumerProps = new HashMap<>(kafka.buildConsumerProperties(null));
      consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG); // every replica reads everything
      consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "cds-alert-state-reader");
      newConsumer = new KafkaConsumer<>(consumerProps);
      admin = Admin.create(kafka.buildAdminProperties(null));
      producer = newProducer;
      consumer = newConsumer;
      return true;
    } catch (KafkaException e) {
      if (newProducer != null) {
        newProducer.close(Duration.ZERO);
      }
      if (newConsumer != null) {
        newConsumer.close(Duration.ZERO);
      }
      failures.increment();
      log.warn(
          "alert state: no Kafka client ({}); repeated alerts are shown until one can be made",
          e.getMessage());
      return false;
    }
  }

  private void read() {
    while (running.get()) {
      if (consumer == null && !connect()) {
        prune(clock.instant());
        try {
          TimeUnit.SECONDS.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        continue;
      }
      try {
        // First, so the bound holds while Kafka is away too (puts still land in the map).
        prune(clock.instant());
        if (consumer.assignment().isEmpty() && !assign()) {
          continue;
        }
        // Short polls until the initial load is done (start-up waits for it); then long ones: a
        // poll returns as soon as records arrive, so a longer one delays nothing and wakes the
        // reader less often (idle, sampled per thread with jstack: 70 ms of CPU a second at
        // 200 ms, 29 at 1 s).
        boolean wasLoaded = loaded.getCount() == 0;
        var records = consumer.poll(wasLoaded ? FOLLOW_POLL : LOAD_POLL);
        Instant now = clock.instant();
        for (ConsumerRecord<String, String> record : records) {
          apply(record, now);
        }
        synchronized (progress) {
          for (TopicPartition partition : consumer.assignment()) {
            applied.put(partition, consumer.position(partition));
          }
          if (!wasLoaded && caughtUp(initialEnds)) {
            loaded.countDown();
          }
          progress.notifyAll();
        }
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        failures.increment();
        log.warn("alert state reader: {}", e.getClass().getSimpleName());
      }
    }
  }

  private boolean assign() {
    ensureTopic();
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(properties.stateTopic(), Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      infos = List.of();
    }
    if (infos == null || infos.isEmpty()) {
      return false; // topic not there yet (created by KafkaAdmin at start) or broker away
    }
    List<TopicPartition> partitions =
        infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    initialEnds = consumer.endOffsets(partitions, Duration.ofSeconds(2));
    return true;
  }

  /**
   * Creates the compacted topic if it is missing. Done here, off the start-up path, so a broker
   * that is down never delays the service's start.
   */
  private void ensureTopic() {
    try {
      admin.createTopics(List.of(topic)).all().get(5, TimeUnit.SECONDS);
      log.info("created alert-state topic {}", topic.name());
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        failures.increment();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      failures.increment();
    }
  }

  private void apply(ConsumerRecord<String, String> record, Instant now) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      entries.remove(record.key());
      return;
    }
    try {
      JsonNode node = JSON.readTree(record.value());
      Entry entry =
          new Entry(
              record.key(),
              node.path("value").asText(),
              Instant.ofEpochMilli(node.path("expires").asLong()));
      if (entry.expires().isAfter(now)) {
        entries.merge(entry.key(), entry, KafkaAlertState::later);
      }
    } catch (Exception e) {
      failures.increment();
    }
  }

  /**
   * Drops expired entries once a minute, and at once when the map outgrows {@code maxEntries}: then
   * also the live entries that expire soonest, down to nine tenths of the bound, so memory stays
   * bounded under any load (a forgotten entry only means an alert is shown rather than filtered).
   */
  private void prune(Instant now) {
    boolean full = entries.size() > properties.maxEntries();
    if (!full && !now.isAfter(lastPrune.plusSeconds(60))) {
      return;
    }
    entries.values().removeIf(e -> !e.expires().isAfter(now));
    lastPrune = now;
    int excess = entries.size() - properties.maxEntries() * 9 / 10;
    if (full && excess > 0) {
      long dropped =
          entries.values().stream()
              .sorted(Comparator.comparing(Entry::expires))
              .limit(excess)
              // sorted() has read the whole map before the first removal
              .filter(e -> entries.remove(e.key(), e))
              .count();
      evicted.increment(dropped);
    }
  }

  private static String encode(Entry entry) {
    return JSON.createObjectNode()
        .put("value", entry.value())
        .put("expires", entry.expires().toEpochMilli())
        .toString();
  }

  @Override
  public void stop() {
    running.set(false);
    if (consumer != null) {
      consumer.wakeup();
    } else if (reader != null) {
      reader.interrupt(); // waiting to try Kafka again
    }
    try {
      if (reader != null) {
        reader.join(2000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(1));
    }
    writer.shutdown();
    if (producer != null) {
      producer.close(Duration.ofSeconds(1));
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(1));
    }
  }

  @Override
  public boolean isRunning() {
    return running.get();
  }
}
