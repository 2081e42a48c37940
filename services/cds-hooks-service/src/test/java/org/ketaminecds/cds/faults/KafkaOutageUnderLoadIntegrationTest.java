package org.ketaminecds.cds.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.cds.testing.HookRequests.medicationRequest;
import static org.ketaminecds.cds.testing.HookRequests.orderSign;
import static org.ketaminecds.cds.testing.HookRequests.patient;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketaminecds.cds.KraftBroker;
import org.ketaminecds.cds.faults.LoadDriver.Call;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The audit guarantee under load: a steady ten calls a second from eight EHR client threads, each
 * call signed, go on while the Kafka broker is restarted and then stopped for a full minute. Every
 * call is answered 200, on time for an order screen, and after recovery every one of those calls
 * has its audit event on the topic (counted once per {@code ce_id}; copies are reported, not lost
 * events hidden). The service relies on its fsync'd outbox while Kafka is away.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "cds.audit.outbox.retry-interval=200ms")
@DirtiesContext
class KafkaOutageUnderLoadIntegrationTest {

  static final int CLIENTS = 8;
  static final Duration INTERVAL = Duration.ofMillis(100);

  /** Calls before the restart, between the restart and the outage, and after the outage. */
  static final int WARM = 30;

  static final int AROUND_RESTART = 80;
  static final int AFTER = 50;
  static final Duration OUTAGE = Duration.ofSeconds(60);
  static final int PATIENTS = 40;
  static final Duration ANSWER_BOUND = Duration.ofSeconds(5);

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

  /** Ketamine for a patient on phenelzine: a critical card, so each answer is a full check. */
  static HookRequests order(int n) {
    String patientId = "p-load-" + (n % PATIENTS);
    return orderSign(patientId)
        .draft("ket-" + n, "238083", "Ketamine 100 mg/mL injection")
        .prefetch("patient", patient(patientId, "1970-01-01"))
        .prefetchBundle(
            "medicationRequests",
            medicationRequest("mao-" + n, "active", "8123", "Phenelzine 15 mg tablet", patientId))
        .nullPrefetchExcept("patient", "medicationRequests");
  }

  @Test
  void restartAndAMinuteLongOutageUnderLoad_everyCallAnswered_noAuditEventLost() {
    CdsHttp http = new CdsHttp(port);
    long restart;
    long outageStart;
    long outageEnd;
    JsonNode duringOutage;
    List<Call> calls;
    try (LoadDriver load =
        new LoadDriver(port, CLIENTS, INTERVAL, KafkaOutageUnderLoadIntegrationTest::order)) {
      load.start();
      load.awaitIssued(WARM);
      restart = System.nanoTime();
      broker.stop();
      broker.start();
      load.awaitIssued(load.issued() + AROUND_RESTART);

      broker.stop();
      outageStart = System.nanoTime();
      // The load goes on meanwhile, at its own pace.
      Awaitility.await()
          .atMost(OUTAGE.plusSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> System.nanoTime() - outageStart >= OUTAGE.toNanos());
      duringOutage = http.get("/actuator/health/readiness").json();
      outageEnd = System.nanoTime();
      broker.start();

      load.awaitIssued(load.issued() + AFTER);
      calls = load.stop();
    }

    assertThat(duringOutage.get("status").asText()).isEqualTo("UP");
    assertThat(duringOutage.at("/components/audit/details/mode").asText()).isEqualTo("outbox");
    assertThat(duringOutage.at("/components/audit/details/outboxDepth").asLong()).isPositive();
    List<Call> failed = calls.stream().filter(c -> !c.answered200()).toList();
    assertThat(failed).as("calls not answered 200").isEmpty();
    // Kafka away never holds an order up: a call's event is fsync'd into the outbox and the call
    // answered; only the relay waits for Kafka. The bound is generous, for a loaded build machine;
    // the first calls (a cold JVM) are not held to it.
    assertThat(LoadDriver.quantile(between(calls, restart, Long.MAX_VALUE), 1))
        .as("slowest answer from the restart on")
        .isLessThan(ANSWER_BOUND);

    List<String> answered = calls.stream().map(Call::hookInstance).toList();
    try (DeliveredEvents topic = new DeliveredEvents(broker.bootstrapServers())) {
      topic.awaitAll(answered, Duration.ofMinutes(2));
      assertThat(topic.eventsPerCall()).as("events per call").hasSize(answered.size());
      assertThat(topic.eventsPerCall().values()).as("events per call").containsOnly(1);
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  http.get("/actuator/health/readiness")
                          .json()
                          .at("/components/audit/details/outboxDepth")
                          .asLong()
                      == 0);

      List<Call> inOutage = between(calls, outageStart, outageEnd);
      System.out.printf(
          "Kafka restart and a %d s outage under load (%d client threads, a call every %d ms): %d"
              + " calls, %d answered 200; latency before %s; around the restart %s; during the"
              + " outage (%d calls) %s; after %s; %d events on the topic for %d calls, lost 0,"
              + " %d duplicate records%n",
          Duration.ofNanos(outageEnd - outageStart).toSeconds(),
          CLIENTS,
          INTERVAL.toMillis(),
          calls.size(),
          calls.size() - failed.size(),
          LoadDriver.latencies(between(calls, Long.MIN_VALUE, restart)),
          LoadDriver.latencies(between(calls, restart, outageStart)),
          inOutage.size(),
          LoadDriver.latencies(inOutage),
          LoadDriver.latencies(between(calls, outageEnd, Long.MAX_VALUE)),
          topic.events(),
          answered.size(),
          topic.duplicates());
    }
  }

  /** The calls sent in this span of {@link System#nanoTime()}. */
  private static List<Call> between(List<Call> calls, long from, long to) {
    return calls.stream().filter(c -> c.startNanos() >= from && c.startNanos() < to).toList();
  }
}
