package org.ketaminecds.cds.alerts;

import java.time.Duration;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

@Configuration
class AlertStateConfiguration {

  /**
   * The topic's definition; {@link KafkaAlertState} creates it when missing. Not a bean of type
   * NewTopic: Spring Kafka's admin would then wait for the broker at start-up.
   *
   * <p>Compacted, so the latest entry per key survives; entries also age out, after the longest
   * time any of them can count.
   */
  @Bean
  AlertStateTopic alertStateTopic(
      AlertProperties properties,
      @Value("${cds.alerts.state-topic-replicas:1}") int replicas,
      @Value("${cds.alerts.state-topic-partitions:3}") int partitions) {
    Duration keep =
        (properties.repeatWindow().compareTo(properties.overrideSuppression()) > 0
                ? properties.repeatWindow()
                : properties.overrideSuppression())
            .plusHours(1);
    return new AlertStateTopic(
        TopicBuilder.name(properties.stateTopic())
            .partitions(partitions)
            .replicas(replicas)
            .config(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE)
            .config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(keep.toMillis()))
            .build());
  }

  /** Wraps the definition so that no NewTopic bean exists. */
  record AlertStateTopic(NewTopic definition) {}
}
