package org.ketaminecds.compliance.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.ketaminecds.compliance.fixtures.AuditEvents;
import org.ketaminecds.compliance.fixtures.ConsumerIntegrationTest;
import org.ketaminecds.compliance.store.AuditStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;

/**
 * The consumer against a real Kafka broker (in-JVM KRaft) and its embedded file store: what the
 * stream delivers is stored once, and what breaks the contract ends in the dead-letter topic
 * without stopping anything.
 */
class AuditIntakeIntegrationTest extends ConsumerIntegrationTest {

  @Autowired KafkaTemplate<byte[], byte[]> kafka;
  @Autowired AuditStore store;
  @Autowired JdbcClient jdbc;
  @Autowired MeterRegistry meters;
  @Autowired EmbeddedKafkaBroker broker;

  @Test
  void theStoreDirectoryIsItsOwnersAlone() throws Exception {
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(STORE)))
        .isEqualTo("rwx------");
  }

  @Test
  void givenSameEventDeliveredTwice_thenStoredOnce() throws Exception {
    var call =
        AuditEvents.invocation()
            .patient("dup-patient")
            .recorded("2025-07-01T09:00:00Z")
            .card("dup-card", "ketamine-maoi", "critical");
    // Same key, so same partition: the follower is read after both copies.
    var follower = AuditEvents.invocation().patient("dup-patient").recorded("2025-07-01T09:01:00Z");
    double duplicatesBefore = duplicates();

    kafka.send(call.record()).get();
    kafka.send(call.record()).get();
    kafka.send(follower.record()).get();

    await().atMost(Duration.ofSeconds(30)).until(() -> store.contains(follower.id()));
    assertThat(count("select count(*) from audit_event where event_id = ?", call.id()))
        .isEqualTo(1);
    assertThat(count("select count(*) from invocation_card where card_uuid = ?", "dup-card"))
        .isEqualTo(1);
    assertThat(duplicates()).isEqualTo(duplicatesBefore + 1);
  }

  @Test
  void givenPoisonRecords_thenEachIsDeadLetteredWithItsReasonAndConsumptionGoesOn()
      throws Exception {
    var notJson = AuditEvents.invocation().patient("poison-patient");
    byte[] garbage = "this is not an audit event".getBytes(StandardCharsets.UTF_8);
    var noRecorded = AuditEvents.invocation().patient("poison-patient");
    byte[] withoutRecorded =
        noRecorded
            .json()
            .replaceAll("\"recorded\":\"[^\"]*\",", "")
            .getBytes(StandardCharsets.UTF_8);
    var noHeaders = AuditEvents.invocation().patient("poison-patient");
    ProducerRecord<byte[], byte[]> headerless = noHeaders.record();
    headerless.headers().remove("ce_id");
    var valid = AuditEvents.invocation().patient("poison-patient").recorded("2025-07-02T08:00:00Z");

    kafka.send(notJson.record(garbage)).get();
    kafka.send(noRecorded.record(withoutRecorded)).get();
    kafka.send(headerless).get();
    kafka.send(valid.record()).get();

    await().atMost(Duration.ofSeconds(30)).until(() -> store.contains(valid.id()));
    Map<String, ConsumerRecord<byte[], byte[]>> deadLetters = readDeadLetters(3);
    assertThat(deadLetters).containsOnlyKeys(notJson.id(), noRecorded.id(), "(no ce_id)");

    ConsumerRecord<byte[], byte[]> unreadable = deadLetters.get(notJson.id());
    assertThat(header(unreadable, IntakeConfiguration.REASON_HEADER)).isEqualTo("unreadable");
    assertThat(header(unreadable, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo("cds.audit");
    assertThat(unreadable.value()).isEqualTo(garbage);

    ConsumerRecord<byte[], byte[]> incomplete = deadLetters.get(noRecorded.id());
    assertThat(header(incomplete, IntakeConfiguration.REASON_HEADER)).isEqualTo("missing_element");
    assertThat(header(incomplete, KafkaHeaders.DLT_EXCEPTION_MESSAGE))
        .contains("AuditEvent.recorded");

    assertThat(header(deadLetters.get("(no ce_id)"), IntakeConfiguration.REASON_HEADER))
        .isEqualTo("missing_header");
    assertThat(store.contains(notJson.id())).isFalse();
    assertThat(store.contains(noRecorded.id())).isFalse();
  }

  private Map<String, ConsumerRecord<byte[], byte[]>> readDeadLetters(int expected) {
    Map<String, Object> properties =
        KafkaTestUtils.consumerProps("dead-letter-reader", "false", broker);
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Map<String, ConsumerRecord<byte[], byte[]>> byId = new HashMap<>();
    try (Consumer<byte[], byte[]> consumer =
        new DefaultKafkaConsumerFactory<>(
                properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())
            .createConsumer()) {
      consumer.subscribe(List.of("cds.audit.dlt"));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> record :
                    KafkaTestUtils.getRecords(consumer, Duration.ofMillis(500))) {
                  String id = header(record, "ce_id");
                  byId.put(id == null ? "(no ce_id)" : id, record);
                }
                return byId.size() >= expected;
              });
    }
    return byId;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    List<Header> found = new ArrayList<>();
    record.headers().headers(name).forEach(found::add);
    return found.isEmpty()
        ? null
        : new String(found.get(found.size() - 1).value(), StandardCharsets.UTF_8);
  }

  private long count(String sql, String parameter) {
    return jdbc.sql(sql).param(parameter).query(Long.class).single();
  }

  private double duplicates() {
    return meters.counter("compliance.intake.events", "result", "duplicate").count();
  }
}
