package org.ketaminecds.cds;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A tiny reader of the audit stream for developers: prints every record of {@code cds.audit} from
 * the beginning (key, CloudEvents headers, AuditEvent JSON) and keeps following. Started with
 * {@code ./mvnw -q -pl services/cds-hooks-service -am spring-boot:test-run@audit-tail}. Test class
 * path only.
 */
public final class AuditTail {

  private AuditTail() {}

  public static void main(String[] args) {
    String servers =
        Optional.ofNullable(System.getenv("KAFKA_BOOTSTRAP_SERVERS")).orElse("127.0.0.1:9092");
    String topic = args.length > 0 ? args[0] : "cds.audit";
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            servers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    try (var consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      System.out.println("reading " + topic + " from " + servers + " (Ctrl-C to stop)");
      while (true) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
          print(record);
        }
      }
    }
  }

  private static void print(ConsumerRecord<String, byte[]> record) {
    StringBuilder out = new StringBuilder();
    out.append("--- partition ")
        .append(record.partition())
        .append(" offset ")
        .append(record.offset())
        .append(" key ")
        .append(record.key())
        .append('\n');
    for (Header header : record.headers()) {
      out.append(header.key())
          .append(": ")
          .append(new String(header.value(), StandardCharsets.UTF_8))
          .append('\n');
    }
    out.append(new String(record.value(), StandardCharsets.UTF_8)).append('\n');
    System.out.print(out);
    System.out.flush();
  }
}
