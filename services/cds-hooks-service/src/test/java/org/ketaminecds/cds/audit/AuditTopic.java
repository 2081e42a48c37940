package org.ketaminecds.cds.audit;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.AuditEvent;

/** Reads the audit topic from the beginning, as the compliance consumer would. */
public final class AuditTopic implements AutoCloseable {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  /** One record as it arrived. */
  public record Received(String key, Map<String, String> headers, String json, int partition) {

    public String ceId() {
      return headers.get("ce_id");
    }

    public String ceType() {
      return headers.get("ce_type");
    }

    public AuditEvent event() {
      return FHIR.newJsonParser().parseResource(AuditEvent.class, json);
    }

    public boolean mentions(String text) {
      return json.contains(text);
    }
  }

  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<Received> received = new ArrayList<>();

  public AuditTopic(String bootstrapServers, String topic) {
    this.topic = topic;
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
  }

  /** Everything received so far, after one more poll. */
  public synchronized List<Received> poll() {
    if (assigned()) {
      fetch();
    }
    return List.copyOf(received);
  }

  /**
   * Everything the topic holds now: reads until the end offsets of this moment. A call's events are
   * recorded before it is answered, so after an answer this sees every event the call left.
   */
  public synchronized List<Received> readToEnd() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollDelay(Duration.ZERO)
        .until(this::assigned);
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              fetch();
              return end.entrySet().stream()
                  .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
    return List.copyOf(received);
  }

  /** Reads from the beginning once the topic exists; false while it does not. */
  private boolean assigned() {
    if (consumer.assignment().isEmpty()) {
      var partitions = consumer.listTopics(Duration.ofSeconds(5)).get(topic);
      if (partitions == null) {
        return false;
      }
      List<TopicPartition> assigned =
          partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
    }
    return true;
  }

  private void fetch() {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
      Map<String, String> headers = new LinkedHashMap<>();
      for (Header h : r.headers()) {
        headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
      }
      received.add(
          new Received(
              r.key(), headers, new String(r.value(), StandardCharsets.UTF_8), r.partition()));
    }
  }

  /** Waits until at least {@code count} received records match, and returns all that match. */
  public List<Received> await(Predicate<Received> matching, int count) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> poll().stream().filter(matching).count() >= count);
    return poll().stream().filter(matching).toList();
  }

  /**
   * The one event that mentions this text (a hookInstance, a card uuid). A record may arrive twice
   * with one {@code ce_id} (the contract lets consumers drop the copy); two ids are two events.
   */
  public Received awaitOne(String text) {
    List<Received> found = await(r -> r.mentions(text), 1);
    long events = found.stream().map(Received::ceId).distinct().count();
    if (events != 1) {
      throw new AssertionError("expected one event mentioning " + text + ", got " + events);
    }
    return found.get(0);
  }

  @Override
  public synchronized void close() {
    consumer.close(Duration.ofSeconds(2));
  }
}
