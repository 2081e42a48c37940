package org.ketaminecds.compliance.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ketaminecds.compliance.fixtures.ReportScenario.BENZODIAZEPINE;
import static org.ketaminecds.compliance.fixtures.ReportScenario.MAOI;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.ketaminecds.compliance.fixtures.AuditEvents;
import org.ketaminecds.compliance.fixtures.ConsumerIntegrationTest;
import org.ketaminecds.compliance.fixtures.ReportScenario;
import org.ketaminecds.compliance.store.AuditStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * A day of traffic streamed through Kafka, then read back the way a compliance officer would: the
 * JSON and CSV endpoints and the HTML page, behind the report login.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportEndpointsIntegrationTest extends ConsumerIntegrationTest {

  private final ReportScenario scenario = new ReportScenario(LocalDate.of(2025, 6, 2));
  private final String day = "from=2025-06-02&to=2025-06-03";

  @Autowired KafkaTemplate<byte[], byte[]> kafka;
  @Autowired AuditStore store;
  @Autowired TestRestTemplate http;
  @Autowired ObjectMapper json;

  @BeforeAll
  void streamTheDay() throws Exception {
    for (AuditEvents.Event<?> event : scenario.events) {
      kafka.send(event.record()).get();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> scenario.events.stream().allMatch(event -> store.contains(event.id())));
  }

  @Test
  void overrideRateAsJson_countsWhatWasStreamed() throws Exception {
    ResponseEntity<String> response = get("/reports/override-rate?" + day);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
    JsonNode report = json.readTree(response.getBody());
    assertThat(report.get("report").asText()).isEqualTo("override-rate");
    assertThat(report.get("from").asText()).isEqualTo("2025-06-02T00:00:00Z");
    assertThat(report.get("to").asText()).isEqualTo("2025-06-03T00:00:00Z");
    JsonNode maoi = report.get("rows").get(1);
    assertThat(maoi.get("ruleId").asText()).isEqualTo(MAOI);
    assertThat(maoi.get("cardsShown").asLong()).isEqualTo(3);
    assertThat(maoi.get("overridden").asLong()).isEqualTo(1);
    assertThat(maoi.get("accepted").asLong()).isEqualTo(1);
    assertThat(maoi.get("overrideRate").asDouble()).isEqualTo(0.5);
  }

  @Test
  void alertsAsCsv_isADownloadableTable() {
    ResponseEntity<String> response = get("/reports/alerts-by-rule?format=csv&" + day);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(response.getHeaders().getContentType().toString())
        .isEqualTo("text/csv;charset=UTF-8");
    assertThat(response.getHeaders().getContentDisposition().getFilename())
        .isEqualTo("alerts-by-rule_2025-06-02T00-00-00Z_2025-06-03T00-00-00Z.csv");
    assertThat(response.getBody())
        .isEqualTo(
            "ruleId,indicator,cards,calls\r\n"
                + MAOI
                + ",critical,3,3\r\n"
                + BENZODIAZEPINE
                + ",warning,1,1\r\n");
  }

  @Test
  void latencyAndUsers_reportTheStreamedNumbers() throws Exception {
    JsonNode latency = json.readTree(get("/reports/latency?" + day).getBody()).get("rows");
    assertThat(latency.get(1).get("serviceId").asText()).isEqualTo("ketamine-order-sign");
    assertThat(latency.get(1).get("p50Ms").asLong()).isEqualTo(40);
    assertThat(latency.get(1).get("p95Ms").asLong()).isEqualTo(300);

    String users = get("/reports/calls-by-user?format=csv&" + day).getBody();
    assertThat(users)
        .isEqualTo(
            "user,calls,cardsShown,overridden\r\nPractitioner/1,3,3,1\r\nPractitioner/2,2,1,0\r\n");
  }

  @Test
  void noReport_namesAPatientOrQuotesAComment() {
    for (ReportName name : ReportName.values()) {
      for (String format : new String[] {"json", "csv"}) {
        String body = get("/reports/" + name.id() + "?format=" + format + "&" + day).getBody();
        assertThat(body)
            .as(name.id() + " as " + format)
            .doesNotContain(scenario.patient, "Patient/", "free text");
      }
    }
  }

  @Test
  void page_showsTablesAndChartsWithoutExternalResources() {
    ResponseEntity<String> response = get("/reports?" + day);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(response.getHeaders().getContentType().isCompatibleWith(MediaType.TEXT_HTML))
        .isTrue();
    assertThat(response.getHeaders().getFirst("Content-Security-Policy"))
        .contains("default-src 'none'");
    String page = response.getBody();
    assertThat(page)
        .contains("Override rate per rule", "Calls whose cards got no feedback", "<svg")
        .contains(MAOI + " (critical)", "50.0 % of 2")
        .contains(scenario.call5.id())
        .doesNotContain("http://", scenario.patient);
  }

  @Test
  void withoutLogin_reportsAreRefusedWithAJsonBodyAndABasicChallenge() {
    ResponseEntity<String> response = http.getForEntity("/reports/summary", String.class);

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Basic");
    assertThat(response.getBody()).contains("\"error\":\"unauthorized\"");
    assertThat(
            http.withBasicAuth(USER, "wrong")
                .getForEntity("/reports/summary", String.class)
                .getStatusCode())
        .isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(http.getForEntity("/actuator/health", String.class).getStatusCode())
        .isEqualTo(HttpStatus.OK);
  }

  @Test
  void badRequests_getClearJsonErrors() {
    ResponseEntity<String> unknown = get("/reports/everything");
    assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(unknown.getBody()).contains("\"error\":\"unknown_report\"", "override-rate");

    ResponseEntity<String> badDate = get("/reports/summary?from=last-tuesday");
    assertThat(badDate.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(badDate.getBody()).contains("\"error\":\"invalid_parameter\"", "'from'");

    ResponseEntity<String> reversed = get("/reports/summary?from=2025-06-03&to=2025-06-02");
    assertThat(reversed.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);

    ResponseEntity<String> format = get("/reports/summary?format=xlsx");
    assertThat(format.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(format.getBody()).contains("'format'");

    ResponseEntity<String> nowhere = get("/nowhere");
    assertThat(nowhere.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(nowhere.getBody()).contains("\"error\":\"not_found\"");
  }

  private ResponseEntity<String> get(String path) {
    return http.withBasicAuth(USER, PASSWORD).getForEntity(path, String.class);
  }
}
