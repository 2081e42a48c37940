package org.ketaminecds.compliance.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketaminecds.compliance.ComplianceConsumerApplication;
import org.ketaminecds.compliance.fixtures.AuditEvents;
import org.ketaminecds.compliance.store.AuditStore;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;

/**
 * The consumer stopped and started again, as an operator would: everything written while it was
 * down is stored after the restart, each event once, and it resumes where it committed instead of
 * reading the stream again from the start.
 */
@EmbeddedKafka(
    kraft = true,
    partitions = 2,
    topics = {"cds.audit", "cds.audit.dlt"},
    bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class ConsumerRestartIntegrationTest {

  private static final String GROUP = "compliance-consumer";

  @TempDir Path storeDirectory;

  @Test
  void givenRestart_thenResumesWithoutLossAndStoresEachEventOnce(EmbeddedKafkaBroker broker)
      throws Exception {
    List<AuditEvents.Invocation> beforeStop = calls("first", 3);
    List<AuditEvents.Invocation> whileDown = calls("second", 3);

    try (Producer<byte[], byte[]> producer =
        new DefaultKafkaProducerFactory<>(
                KafkaTestUtils.producerProps(broker),
                new ByteArraySerializer(),
                new ByteArraySerializer())
            .createProducer()) {
      try (ConfigurableApplicationContext consumer = start()) {
        for (AuditEvents.Invocation call : beforeStop) {
          producer.send(call.record()).get();
        }
        AuditStore store = consumer.getBean(AuditStore.class);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> beforeStop.stream().allMatch(call -> store.contains(call.id())));
      }

      for (AuditEvents.Invocation call : whileDown) {
        producer.send(call.record()).get();
      }
      // A producer retry after a timeout: the same event a second time.
      producer.send(beforeStop.get(0).record()).get();
      producer.flush();

      try (ConfigurableApplicationContext consumer = start()) {
        AuditStore store = consumer.getBean(AuditStore.class);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> whileDown.stream().allMatch(call -> store.contains(call.id())));
        await().atMost(Duration.ofSeconds(30)).until(() -> committedAll(broker));

        assertThat(store.count()).isEqualTo(6);
        // Only the re-sent event was read twice: the restart did not start over.
        MeterRegistry meters = consumer.getBean(MeterRegistry.class);
        assertThat(meters.counter("compliance.intake.events", "result", "duplicate").count())
            .isEqualTo(1);
        assertThat(meters.counter("compliance.intake.events", "result", "stored").count())
            .isEqualTo(3);
      }
    }
  }

  private ConfigurableApplicationContext start() {
    return new SpringApplicationBuilder(ComplianceConsumerApplication.class)
        .web(WebApplicationType.NONE)
        // Arguments, not default properties: those rank below application.yml.
        .run(
            "--compliance.store.directory=" + storeDirectory,
            "--compliance.intake.group-id=" + GROUP);
  }

  private static List<AuditEvents.Invocation> calls(String prefix, int count) {
    List<AuditEvents.Invocation> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      // Different patients, so the calls spread over both partitions.
      calls.add(
          AuditEvents.invocation()
              .patient(prefix + "-patient-" + i)
              .card(prefix + "-card-" + i, "ketamine-maoi", "critical"));
    }
    return calls;
  }

  /** Whether the group's committed offsets have reached the end of every partition. */
  private static boolean committedAll(EmbeddedKafkaBroker broker) throws Exception {
    try (AdminClient admin =
        AdminClient.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      for (int partition = 0; partition < 2; partition++) {
        latest.put(new TopicPartition(AuditEvents.TOPIC, partition), OffsetSpec.latest());
      }
      var ends = admin.listOffsets(latest).all().get();
      return ends.entrySet().stream()
          .allMatch(
              end -> {
                OffsetAndMetadata offset = committed.get(end.getKey());
                return end.getValue().offset() == 0
                    || (offset != null && offset.offset() == end.getValue().offset());
              });
    }
  }
}
