package org.ketaminecds.cds.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketaminecds.cds.KraftBroker;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Order is kept per patient, not across patients: one patient's events waiting in the outbox hold
 * back that patient's next event (it queues behind them), while other patients' events go straight
 * to Kafka. A real broker; the relay is started only when the test lets the outbox drain.
 */
class AuditStreamRoutingIntegrationTest {

  private static final String TOPIC = "cds.audit";

  @TempDir static Path kafkaData;
  static KraftBroker broker;

  @TempDir Path outboxDirectory;

  @BeforeAll
  static void startBroker() {
    broker = KraftBroker.onFreePorts(kafkaData);
    broker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void aPatientsEventsWaitingInTheOutbox_holdBackOnlyThatPatientsNextEvent() {
    var producers =
        new DefaultKafkaProducerFactory<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new StringSerializer(),
            new ByteArraySerializer());
    var kafka = new KafkaTemplate<>(producers);
    var meters = new SimpleMeterRegistry();
    Clock clock = Clock.systemUTC();
    try (Outbox outbox = new Outbox(outboxDirectory, 100, clock);
        AuditTopic topic = new AuditTopic(broker.bootstrapServers(), TOPIC)) {
      // As if Kafka had missed the acknowledgement of patient A's first event.
      outbox.append(message("a-1", "patient-a"));
      DeliveryState state = new DeliveryState(clock);
      var relay =
          new OutboxRelay(
              kafka, outbox, state, TOPIC, Duration.ofMillis(100), Duration.ofSeconds(30), meters);
      var stream =
          new AuditStream(kafka, outbox, relay, state, TOPIC, Duration.ofSeconds(10), meters);

      stream.publish(message("b-1", "patient-b"));
      stream.publish(message("a-2", "patient-a"));

      assertThat(topic.await(r -> r.key().equals("patient-b"), 1))
          .extracting(AuditTopic.Received::ceId)
          .containsExactly("b-1");
      assertThat(outbox.head(10)).extracting(e -> e.message().id()).containsExactly("a-1", "a-2");

      relay.start();
      try {
        assertThat(topic.await(r -> r.key().equals("patient-a"), 2))
            .extracting(AuditTopic.Received::ceId)
            .containsExactly("a-1", "a-2");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outbox.depth() == 0);
        assertThat(outbox.holds("patient-a")).isFalse();

        stream.publish(message("a-3", "patient-a"));
        assertThat(outbox.depth()).isZero();
        assertThat(topic.await(r -> r.key().equals("patient-a"), 3))
            .extracting(AuditTopic.Received::ceId)
            .containsExactly("a-1", "a-2", "a-3");
        assertThat(meters.get("cds.audit.events").tag("via", "kafka").counter().count())
            .isEqualTo(2);
      } finally {
        relay.stop();
        producers.destroy();
      }
    }
  }

  private static AuditMessage message(String id, String patient) {
    return new AuditMessage(
        id,
        AuditMessage.source("test"),
        AuditMessage.INVOCATION,
        Instant.parse("2025-03-01T10:00:00Z"),
        patient,
        ("{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\"}")
            .getBytes(StandardCharsets.UTF_8));
  }
}
