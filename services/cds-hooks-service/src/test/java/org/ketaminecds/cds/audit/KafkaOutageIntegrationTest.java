package org.ketaminecds.cds.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.cds.audit.AuditStreamIntegrationTest.SIGN;
import static org.ketaminecds.cds.audit.AuditStreamIntegrationTest.ketamineWithPhenelzine;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketaminecds.cds.KraftBroker;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The fault test: the broker is stopped while calls go on, and started again on the same port.
 * Every call is answered 200 throughout, and afterwards every event is on the topic, once after
 * dropping copies by {@code ce_id}, in the order the calls were made.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "cds.audit.outbox.retry-interval=200ms")
@DirtiesContext
class KafkaOutageIntegrationTest {

  static final String PATIENT = "p-outage";

  @TempDir static Path kafkaData;
  static KraftBroker broker;

  @LocalServerPort int port;

  @BeforeAll
  static void startBroker() {
    broker = KraftBroker.onFreePorts(kafkaData);
    broker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    registry.add("spring.kafka.bootstrap-servers", () -> broker.bootstrapServers());
  }

  @Test
  void brokerStoppedAndRestarted_everyCallAnswered_everyEventArrivesOnceAndInOrder() {
    CdsHttp http = new CdsHttp(port);
    List<String> expected = new ArrayList<>();
    try (AuditTopic topic = new AuditTopic(broker.bootstrapServers(), "cds.audit")) {
      for (int i = 0; i < 3; i++) {
        call(http, expected);
      }
      topic.await(r -> PATIENT.equals(r.key()), 3);

      broker.stop();
      String card = call(http, expected);
      for (int i = 0; i < 14; i++) {
        call(http, expected);
      }
      var feedback =
          http.post(
              SIGN + "/feedback",
              """
              {"feedback": [{"card": "%s", "outcome": "overridden",
                             "outcomeTimestamp": "2025-03-01T10:16:00Z"}]}"""
                  .formatted(card));
      assertThat(feedback.status()).isEqualTo(200);
      expected.add("feedback:" + card);
      call(http, expected);

      // The relay reports Kafka down once an acknowledgement is 2 s late.
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                JsonNode audit = http.get("/actuator/health/readiness").json();
                assertThat(audit.get("status").asText()).isEqualTo("UP");
                assertThat(audit.at("/components/audit/details/mode").asText()).isEqualTo("outbox");
                assertThat(audit.at("/components/audit/details/kafka").asText()).isEqualTo("down");
                assertThat(audit.at("/components/audit/details/outboxDepth").asLong()).isPositive();
              });

      broker.start();

      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> firstOccurrences(topic.poll()).size() >= expected.size());
      List<AuditTopic.Received> arrived = topic.poll();
      Map<String, AuditTopic.Received> events = firstOccurrences(arrived);
      assertThat(events.values().stream().map(AuditStreamOrder::label).toList())
          .containsExactlyElementsOf(expected);
      assertThat(arrived).extracting(AuditTopic.Received::partition).containsOnly(0);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  http.get("/actuator/health/readiness")
                          .json()
                          .at("/components/audit/details/outboxDepth")
                          .asLong()
                      == 0);
    }
  }

  /** Makes one call for the patient; returns its card's uuid. */
  private static String call(CdsHttp http, List<String> expected) {
    HookRequests request = ketamineWithPhenelzine(PATIENT);
    var response = http.post(SIGN, request.build());
    assertThat(response.status()).isEqualTo(200);
    expected.add(request.json().get("hookInstance").asText());
    return response.json().at("/cards/0/uuid").asText();
  }

  /** The patient's events in arrival order, each counted once: consumers drop copies by ce_id. */
  private static Map<String, AuditTopic.Received> firstOccurrences(
      List<AuditTopic.Received> received) {
    Map<String, AuditTopic.Received> events = new LinkedHashMap<>();
    received.stream()
        .filter(r -> PATIENT.equals(r.key()))
        .forEach(r -> events.putIfAbsent(r.ceId(), r));
    return events;
  }
}
