package org.ketaminecds.cds.audit;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.kafka.KafkaConnectionDetails;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerProducerListener;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.ProducerListener;

/** Wires the Kafka audit stream: producer, outbox, relay, recorder, health and metrics. */
@Configuration
class AuditConfiguration {

  private static final Logger log = LoggerFactory.getLogger(AuditConfiguration.class);

  /**
   * How late an acknowledgement of relayed events may be before Kafka is reported down (health,
   * log). Well above a busy broker's worst moments, so the report does not flap under load.
   */
  static final Duration KAFKA_DOWN_AFTER = Duration.ofSeconds(2);

  /**
   * Defaults an operator may change under {@code spring.kafka.producer.properties}. No call waits
   * for Kafka while the outbox takes events, so the relay's sends may linger 5 ms to travel in
   * fewer, larger requests: at 500 calls/s, sending each event at once cost the service a tenth of
   * its CPU in the producer alone (issue 7).
   */
  private static final Map<String, Object> DEFAULTS =
      Map.of(
          ProducerConfig.LINGER_MS_CONFIG, 5,
          ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);

  @Bean
  ProducerFactory<String, byte[]> auditProducerFactory(
      KafkaProperties kafka,
      KafkaConnectionDetails connection,
      ObjectProvider<SslBundles> ssl,
      AuditProperties audit,
      MeterRegistry meters) {
    Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties(ssl.getIfAvailable()));
    config.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        String.join(",", connection.getProducer().getBootstrapServers()));
    DEFAULTS.forEach(config::putIfAbsent);
    // A call waits for Kafka at most ackTimeout in all, metadata look-up included; after that its
    // event goes to the outbox. Kafka being down must never hold up an order.
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, audit.ackTimeout().toMillis());
    // The durability guarantee rests on these, so configuration cannot weaken them.
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "cds-audit-" + audit.instanceId());
    var factory =
        new DefaultKafkaProducerFactory<>(
            config, new StringSerializer(), new ByteArraySerializer());
    // Unacknowledged records are also in the outbox, so shutting down need not wait for them.
    factory.setPhysicalCloseTimeout(2);
    factory.addListener(new MicrometerProducerListener<>(meters));
    return factory;
  }

  @Bean
  KafkaTemplate<String, byte[]> auditKafkaTemplate(ProducerFactory<String, byte[]> producers) {
    KafkaTemplate<String, byte[]> template = new KafkaTemplate<>(producers);
    // The default listener logs a failed record's key, which is a patient id: no PHI in logs.
    // Failures are counted and reported (once per change) by the stream and the relay instead.
    template.setProducerListener(new ProducerListener<>() {});
    return template;
  }

  @Bean(destroyMethod = "close")
  Outbox auditOutbox(AuditProperties audit, Clock clock, MeterRegistry meters) {
    Outbox outbox = new Outbox(audit.outbox().directory(), audit.outbox().capacity(), clock);
    AuditMetrics.outbox(meters, outbox, clock);
    log.info(
        "audit outbox in {} ({} events waiting)",
        audit.outbox().directory().toAbsolutePath(),
        outbox.depth());
    return outbox;
  }

  @Bean
  DeliveryState auditDeliveryState(Clock clock) {
    return new DeliveryState(clock);
  }

  @Bean
  OutboxRelay auditOutboxRelay(
      KafkaTemplate<String, byte[]> kafka,
      ProducerFactory<String, byte[]> producers,
      Outbox outbox,
      DeliveryState state,
      AuditProperties audit,
      MeterRegistry meters) {
    Object delivery =
        producers.getConfigurationProperties().get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
    Duration sendTimeout = Duration.ofMillis(Long.parseLong(delivery.toString())).plusSeconds(5);
    return new OutboxRelay(
        kafka,
        outbox,
        state,
        audit.topic(),
        audit.outbox().retryInterval(),
        sendTimeout,
        KAFKA_DOWN_AFTER,
        meters);
  }

  @Bean
  AuditRecorder kafkaAuditRecorder(
      KafkaTemplate<String, byte[]> kafka,
      Outbox outbox,
      OutboxRelay relay,
      DeliveryState state,
      AuditProperties audit,
      MeterRegistry meters) {
    String instance = instanceId(audit.instanceId());
    var stream =
        new AuditStream(kafka, outbox, relay, state, audit.topic(), audit.ackTimeout(), meters);
    return new KafkaAuditRecorder(
        new AuditEvents(instance),
        new PatientRefs(audit.pseudonymKey()),
        new CardIndex(audit.cardIndexSize()),
        stream,
        instance);
  }

  @Bean
  AuditHealthIndicator auditHealthIndicator(
      Outbox outbox, DeliveryState state, Clock clock, AuditProperties audit) {
    return new AuditHealthIndicator(outbox, state, clock, audit.topic());
  }

  /** It becomes part of a URN ({@code ce_source}), so only URN-safe characters. */
  private static String instanceId(String id) {
    if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "cds.audit.instance-id must be 1-64 letters, digits, '.', '_' or '-'");
    }
    return id;
  }
}
