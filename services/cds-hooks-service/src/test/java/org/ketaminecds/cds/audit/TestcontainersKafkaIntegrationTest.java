package org.ketaminecds.cds.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.cds.audit.AuditStreamIntegrationTest.SIGN;
import static org.ketaminecds.cds.audit.AuditStreamIntegrationTest.ketamineWithPhenelzine;

import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The audit stream against Kafka in a container, as in a Docker-based deployment. Skipped where
 * there is no Docker (the build machines); the in-JVM broker tests cover the same behaviour there.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class TestcontainersKafkaIntegrationTest {

  @Container static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:3.9.1");

  @LocalServerPort int port;

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    registry.add("spring.kafka.bootstrap-servers", KAFKA::getBootstrapServers);
  }

  @Test
  void answeredCall_reachesKafkaInAContainer() {
    HookRequests request = ketamineWithPhenelzine("p-container");

    assertThat(new CdsHttp(port).post(SIGN, request.build()).status()).isEqualTo(200);

    try (AuditTopic topic = new AuditTopic(KAFKA.getBootstrapServers(), "cds.audit")) {
      var record = topic.awaitOne(request.json().get("hookInstance").asText());
      assertThat(record.key()).isEqualTo("p-container");
      assertThat(record.headers()).containsEntry("ce_type", "org.ketaminecds.cds.invocation");
      assertThat(AuditProfileValidator.errors(record.json())).isEmpty();
    }
  }
}
