package org.ketaminecds.cds.badinput;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.AuditEvent;

/**
 * The audit topic read as the compliance team reads it, from the beginning, up to what Kafka holds
 * now. A call's events are recorded before it is answered, so after an answer reading to the end
 * offsets sees every event the call left.
 */
final class AuditLog implements AutoCloseable {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  /**
   * One record: its CloudEvents type and id, the AuditEvent as JSON and parsed, and the JWT subject
   * of the calling client as the event names it (null when it names none).
   */
  record Entry(String ceType, String ceId, String json, AuditEvent event, String clientSubject) {

    static Entry of(String ceType, String ceId, String json) {
      AuditEvent event = FHIR.newJsonParser().parseResource(AuditEvent.class, json);
      String subject =
          event.getAgent().stream()
              .filter(a -> a.getWho().getIdentifier().hasValue())
              .map(a -> a.getWho().getIdentifier().getValue())
              .findFirst()
              .orElse(null);
      return new Entry(ceType, ceId, json, event, subject);
    }
  }

  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<Entry> entries = new ArrayList<>();

  AuditLog(String bootstrapServers, String topic) {
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

  /** Every record the topic holds now, waiting until the consumer has read up to its end. */
  synchronized List<Entry> readToEnd() {
    if (consumer.assignment().isEmpty()) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> consumer.listTopics(Duration.ofSeconds(5)).containsKey(topic));
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                entries.add(
                    Entry.of(
                        header(r, "ce_type"),
                        header(r, "ce_id"),
                        new String(r.value(), StandardCharsets.UTF_8)));
              }
              return end.entrySet().stream()
                  .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
    return List.copyOf(entries);
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void close() {
    consumer.close(Duration.ofSeconds(2));
  }
}
