package org.ketaminecds.cds.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketaminecds.cds.testing.HookRequests.medicationRequest;
import static org.ketaminecds.cds.testing.HookRequests.patient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.CdsHooksApplication;
import org.ketaminecds.cds.security.TestTokens;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Order-select / order-sign coordination and repeat-alert filtering across two service replicas
 * that share state only through a real Kafka broker (in-JVM KRaft).
 */
class AlertFilteringIntegrationTest {

  static final String SELECT = "/cds-services/ketamine-order-select";
  static final String SIGN = "/cds-services/ketamine-order-sign";
  static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-21T09:00:00Z"));

  static EmbeddedKafkaBroker broker;
  static final List<ConfigurableApplicationContext> replicas = new ArrayList<>();
  static CdsHttp replicaA;
  static CdsHttp replicaB;

  @BeforeAll
  static void start() {
    broker = new EmbeddedKafkaKraftBroker(1, 1);
    broker.afterPropertiesSet();
    replicaA = replica();
    replicaB = replica();
  }

  @AfterAll
  static void stop() {
    replicas.forEach(ConfigurableApplicationContext::close);
    broker.destroy();
  }

  static CdsHttp replica(String... settings) {
    return http(start(settings));
  }

  static CdsHttp http(ConfigurableApplicationContext replica) {
    return new CdsHttp(((WebServerApplicationContext) replica).getWebServer().getPort());
  }

  static ConfigurableApplicationContext start(String... settings) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                "--cds.alerts.state-key=test-secret-of-at-least-32-characters",
                // Trust the test EHR whose tokens CdsHttp sends.
                "--cds.security.issuers[0].issuer=" + TestTokens.ISSUER,
                "--cds.security.issuers[0].jwks-url=" + TestTokens.jwksUrl()));
    args.addAll(List.of(settings));
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(CdsHooksApplication.class, TestClock.class)
            // Command-line arguments: they outrank application.yml, as the tests need.
            .run(args.toArray(String[]::new));
    replicas.add(context);
    return context;
  }

  @TestConfiguration
  static class TestClock {
    @Bean
    @Primary
    Clock testClock() {
      return CLOCK;
    }
  }

  /** A patient on alprazolam (warning) and phenelzine (critical), ordered ketamine. */
  static HookRequests order(String hook, String patientId, boolean filtering) {
    HookRequests request =
        hook.equals("order-select")
            ? HookRequests.orderSelect(patientId)
            : HookRequests.orderSign(patientId);
    request
        .draft("ket-1", "238083", "Ketamine 100 mg/mL injection")
        .prefetch("patient", patient(patientId, "1980-02-02"))
        .prefetchBundle(
            "medicationRequests",
            medicationRequest("benzo-1", "active", "596", "Alprazolam 1 mg tablet", patientId),
            medicationRequest("mao-1", "active", "8123", "Phenelzine 15 mg tablet", patientId))
        .nullPrefetchExcept("patient", "medicationRequests");
    ((ObjectNode) request.json().get("context")).put("encounterId", "enc-1");
    if (hook.equals("order-select")) {
      request.select("MedicationRequest/ket-1");
    }
    if (filtering) {
      ObjectNode items =
          request.json().putObject("extension").putObject("pddi-configuration-items");
      items.put("cache-for-order-sign-filtering", true);
      items.put("filter-out-repeated-alerts", true);
      items.put("suppress-overridden-alerts", true);
    }
    return request;
  }

  static JsonNode cards(CdsHttp replica, String path, HookRequests request) {
    var response = replica.post(path, request.build());
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json().get("cards");
  }

  static List<String> indicators(JsonNode cards) {
    return cards.findValuesAsText("indicator");
  }

  static String newPatient() {
    return "p-" + UUID.randomUUID();
  }

  @Test
  void withoutTheOptions_orderSignRepeatsEverythingOrderSelectShowed() {
    String patient = newPatient();
    JsonNode atSelect = cards(replicaA, SELECT, order("order-select", patient, false));
    JsonNode atSign = cards(replicaB, SIGN, order("order-sign", patient, false));

    assertThat(indicators(atSelect)).containsExactlyInAnyOrder("critical", "warning");
    assertThat(indicators(atSign)).containsExactlyInAnyOrder("critical", "warning");
  }

  @Test
  void withTheOptions_aWarningShownAtSelectOnOneReplica_isNotRepeatedAtSignOnAnother() {
    String patient = newPatient();
    cards(replicaA, SELECT, order("order-select", patient, true));
    JsonNode atSign = cards(replicaB, SIGN, order("order-sign", patient, true));

    assertThat(indicators(atSign)).containsExactlyInAnyOrder("critical", "info");
    JsonNode notice = notice(atSign);
    assertThat(notice.get("summary").asText()).startsWith("1 alert was not repeated");
    assertThat(notice.get("detail").asText())
        .contains("already shown when this order was selected");
    assertThat(atSign.findValuesAsText("summary"))
        .anyMatch(s -> s.toLowerCase().contains("phenelzine"))
        .noneMatch(s -> s.toLowerCase().contains("alprazolam"));
  }

  @Test
  void beyondMaxEntries_theSoonestToExpireAreForgotten_andTheirAlertsShownAgain() {
    // Its own topic, so the other tests' entries do not count against this replica's bound.
    ConfigurableApplicationContext context =
        start("--cds.alerts.max-entries=6", "--cds.alerts.state-topic=cds.alert-state-bounded");
    CdsHttp bounded = http(context);
    MeterRegistry meters = context.getBean(MeterRegistry.class);
    // Each select remembers two entries for the alprazolam warning: shown (12 h) and its card
    // (24 h). A minute apart, so the first patient's "shown" entry expires first.
    List<String> patients = List.of(newPatient(), newPatient(), newPatient(), newPatient());
    for (String patient : patients) {
      cards(bounded, SELECT, order("order-select", patient, true));
      CLOCK.advance(Duration.ofMinutes(1));
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> meters.get("cds.alerts.state.evicted").counter().count() >= 3);
    assertThat(meters.get("cds.alerts.state.entries").gauge().value()).isLessThanOrEqualTo(6);

    JsonNode latest = cards(bounded, SIGN, order("order-sign", patients.get(3), true));
    assertThat(latest.findValuesAsText("summary"))
        .as("the latest patient's entry was kept: not repeated")
        .noneMatch(s -> s.toLowerCase().contains("alprazolam"));
    JsonNode first = cards(bounded, SIGN, order("order-sign", patients.get(0), true));
    assertThat(first.findValuesAsText("summary"))
        .as("the first patient's entry was forgotten: shown again, never silently dropped")
        .anyMatch(s -> s.toLowerCase().contains("alprazolam"));
  }

  @Test
  void aDifferentUserOrEncounter_isShownTheAlertAgain() {
    String patient = newPatient();
    cards(replicaA, SELECT, order("order-select", patient, true));
    HookRequests otherUser = order("order-sign", patient, true);
    ((ObjectNode) otherUser.json().get("context")).put("userId", "Practitioner/someone-else");
    assertThat(indicators(cards(replicaB, SIGN, otherUser))).contains("warning");
  }

  @Test
  void theSharedStateSurvivesAReplicaRestart() {
    String patient = newPatient();
    cards(replicaA, SELECT, order("order-select", patient, true));
    CdsHttp restarted = replica();
    JsonNode atSign = cards(restarted, SIGN, order("order-sign", patient, true));
    assertThat(indicators(atSign)).containsExactlyInAnyOrder("critical", "info");
  }

  @Test
  void afterTheRepeatWindow_theAlertIsShownAgain() {
    String patient = newPatient();
    cards(replicaA, SELECT, order("order-select", patient, true));
    CLOCK.advance(Duration.ofHours(13));
    JsonNode atSign = cards(replicaB, SIGN, order("order-sign", patient, true));
    assertThat(indicators(atSign)).containsExactlyInAnyOrder("critical", "warning");
  }

  @Test
  void anOverrideSilencesTheSameNonCriticalFindingForThePatient_butNeverACriticalOne() {
    String patient = newPatient();
    JsonNode first = cards(replicaA, SIGN, order("order-sign", patient, true));
    for (JsonNode card : first) {
      replicaA.post(
          SIGN + "/feedback",
          """
          {"feedback":[{"card":"%s","outcome":"overridden",
            "overrideReason":{"reason":{"code":"will-monitor","display":"Will monitor"}},
            "outcomeTimestamp":"2026-11-21T09:01:00Z"}]}
          """
              .formatted(card.get("uuid").asText()));
    }
    JsonNode later = cards(replicaB, SIGN, order("order-sign", patient, true));
    assertThat(indicators(later)).containsExactlyInAnyOrder("critical", "info");
    assertThat(notice(later).get("detail").asText()).contains("overridden by a clinician");

    HookRequests optionOff = order("order-sign", patient, false);
    assertThat(indicators(cards(replicaB, SIGN, optionOff))).contains("warning");
  }

  @Test
  void anOptionThatIsNotABoolean_is400() {
    HookRequests request = order("order-sign", newPatient(), false);
    request
        .json()
        .putObject("extension")
        .putObject("pddi-configuration-items")
        .put("filter-out-repeated-alerts", "yes");
    var response = replicaA.post(SIGN, request.build());
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("message").asText()).contains("filter-out-repeated-alerts");
  }

  @Test
  void discoveryAdvertisesTheOptions() {
    JsonNode services = replicaA.get("/cds-services").json().get("services");
    for (JsonNode service : services) {
      assertThat(service.at("/extension/pddi-configuration-items").findValuesAsText("code"))
          .contains("cache-for-order-sign-filtering", "filter-out-repeated-alerts");
    }
  }

  private static JsonNode notice(JsonNode cards) {
    for (JsonNode card : cards) {
      if (card.at("/source/topic/code").asText().equals("alerts-not-repeated")) {
        return card;
      }
    }
    throw new AssertionError("no notice card in " + cards);
  }

  /** A clock the test moves forward, shared by both replicas. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
