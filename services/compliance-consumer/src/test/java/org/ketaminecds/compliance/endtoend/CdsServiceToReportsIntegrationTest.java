package org.ketaminecds.compliance.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.ketaminecds.compliance.fixtures.ConsumerIntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

/**
 * From a clinician's order to the compliance officer's report, with nothing stood in: the CDS Hooks
 * service's packaged jar (as built by this reactor) runs in its own JVM with authentication on,
 * writes its audit events to the same real Kafka broker this consumer reads, and the reports then
 * count what the service was asked and answered.
 *
 * <p>Needs {@code services/cds-hooks-service/target/cds-hooks-service-*.jar}; the root build
 * ({@code ./mvnw -B verify}) packages that module before this one. Without the jar the test is
 * skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CdsServiceToReportsIntegrationTest extends ConsumerIntegrationTest {

  private static final String ISSUER = "https://e2e-ehr.example.org";
  private static final String SUBJECT = "e2e-ehr-client";
  private static final String SIGN = "/cds-services/ketamine-order-sign";
  private static final Path SERVICE_TARGET = Path.of("..", "cds-hooks-service", "target");

  @Autowired TestRestTemplate reports;
  @Autowired EmbeddedKafkaBroker broker;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private ECKey key;
  private HttpServer jwks;
  private Path workDir;
  private Path log;
  private Process service;
  private String baseUrl;
  private Instant started;

  @BeforeAll
  void startTheCdsServiceAsAnOperatorWould() throws Exception {
    Optional<Path> jar = packagedService();
    Assumptions.assumeTrue(
        jar.isPresent(), "no packaged cds-hooks-service jar: build that module first");
    started = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    key = new ECKeyGenerator(Curve.P_384).keyID("e2e-es384").generate();
    jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    byte[] keys = new JWKSet(key).toPublicJWKSet().toString().getBytes(StandardCharsets.UTF_8);
    jwks.createContext(
        "/jwks.json",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
          exchange.sendResponseHeaders(200, keys.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(keys);
          }
        });
    jwks.start();

    int port = freePort();
    baseUrl = "http://127.0.0.1:" + port;
    workDir = Files.createTempDirectory("e2e-cds-service");
    log = workDir.resolve("service.log");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-XX:TieredStopAtLevel=1",
            "-jar",
            jar.get().toAbsolutePath().toString(),
            "--server.port=" + port,
            "--server.address=127.0.0.1",
            "--cds.public-url=" + baseUrl,
            "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
            "--cds.audit.instance-id=e2e",
            "--cds.audit.outbox.directory=" + workDir.resolve("audit-outbox"),
            "--cds.security.issuers[0].issuer=" + ISSUER,
            "--cds.security.issuers[0].jwks-url=http://127.0.0.1:"
                + jwks.getAddress().getPort()
                + "/jwks.json");
    service =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .failFast("the CDS service process ended; see its log", () -> !service.isAlive())
        .until(this::ready);
  }

  @AfterAll
  void stopTheCdsService() throws Exception {
    if (service != null) {
      service.destroy();
      if (!service.waitFor(30, TimeUnit.SECONDS)) {
        service.destroyForcibly();
      }
    }
    if (jwks != null) {
      jwks.stop(0);
    }
    if (workDir != null) {
      Path reportsDir = Files.createDirectories(Path.of("target", "surefire-reports"));
      if (Files.exists(log)) {
        Files.copy(
            log, reportsDir.resolve("e2e-cds-service.log"), StandardCopyOption.REPLACE_EXISTING);
      }
      try (Stream<Path> files = Files.walk(workDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void ordersAndFeedbackAtTheService_areCountedInTheComplianceReports() throws Exception {
    // A clinician signs IV ketamine for a patient on phenelzine: the MAOI card, among others.
    String order =
        Files.readString(Path.of("..", "..", "docs", "examples", "order-sign-maoi.json"));
    HttpResponse<String> answered = post(SIGN, order);
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
    JsonNode cards = json.readTree(answered.body()).get("cards");
    JsonNode maoi = null;
    Map<String, Long> expectedAlerts = new HashMap<>();
    for (JsonNode card : cards) {
      String rule = card.at("/source/topic/code").asText();
      expectedAlerts.merge(rule + "/" + card.get("indicator").asText(), 1L, Long::sum);
      if (rule.equals("ketamine-maoi")) {
        maoi = card;
      }
    }
    assertThat(maoi).as("the MAOI card").isNotNull();

    // An EHR bug: a call without its body is refused, and audited as refused.
    assertThat(post(SIGN, "{}").statusCode()).isEqualTo(400);

    // The clinician overrides the MAOI card with the first reason it offers.
    JsonNode reason = maoi.at("/overrideReasons/0");
    String feedback =
        json.writeValueAsString(
            Map.of(
                "feedback",
                List.of(
                    Map.of(
                        "card", maoi.get("uuid").asText(),
                        "outcome", "overridden",
                        "outcomeTimestamp", Instant.now().toString(),
                        "overrideReason",
                            Map.of(
                                "reason",
                                json.convertValue(reason, Map.class),
                                "userComment",
                                "monitored on the ward")))));
    HttpResponse<String> recorded = post(SIGN + "/feedback", feedback);
    assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(200);

    String range =
        "from="
            + started
            + "&to="
            + Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              JsonNode summary = report("summary", range).get(0);
              return summary.get("calls").asLong() == 2
                  && summary.get("feedbackEvents").asLong() == 1;
            });

    JsonNode summary = report("summary", range).get(0);
    assertThat(summary.get("answered").asLong()).isEqualTo(1);
    assertThat(summary.get("refused").asLong()).isEqualTo(1);
    assertThat(summary.get("cardsShown").asLong()).isEqualTo(cards.size());
    assertThat(summary.get("overridden").asLong()).isEqualTo(1);
    assertThat(summary.get("callsWithoutFeedback").asLong()).isZero();

    Map<String, Long> alerts = new HashMap<>();
    for (JsonNode row : report("alerts-by-rule", range)) {
      alerts.put(
          row.get("ruleId").asText() + "/" + row.get("indicator").asText(),
          row.get("cards").asLong());
    }
    assertThat(alerts).isEqualTo(expectedAlerts);

    JsonNode maoiRate = rowFor(report("override-rate", range), "ketamine-maoi");
    assertThat(maoiRate.get("cardsShown").asLong()).isEqualTo(1);
    assertThat(maoiRate.get("overridden").asLong()).isEqualTo(1);
    assertThat(maoiRate.get("overrideRate").asDouble()).isEqualTo(1.0);

    JsonNode reasons = report("override-reasons", range);
    assertThat(reasons).hasSize(1);
    assertThat(reasons.get(0).get("ruleId").asText()).isEqualTo("ketamine-maoi");
    assertThat(reasons.get(0).get("reasonCode").asText()).isEqualTo(reason.get("code").asText());

    JsonNode clients = report("calls-by-client", range);
    assertThat(clients).hasSize(1);
    assertThat(clients.get(0).get("clientIssuer").asText()).isEqualTo(ISSUER);
    assertThat(clients.get(0).get("clientSubject").asText()).isEqualTo(SUBJECT);
    assertThat(clients.get(0).get("answered").asLong()).isEqualTo(1);
    assertThat(clients.get(0).get("refused").asLong()).isEqualTo(1);

    JsonNode users = report("calls-by-user", range);
    assertThat(rowFor(users, "Practitioner/example", "user").get("overridden").asLong())
        .isEqualTo(1);

    JsonNode latency = report("latency", range);
    assertThat(latency).hasSize(1);
    assertThat(latency.get(0).get("serviceId").asText()).isEqualTo("ketamine-order-sign");
    assertThat(latency.get(0).get("calls").asLong()).isEqualTo(2);
  }

  private JsonNode report(String name, String range) throws IOException {
    String body =
        reports
            .withBasicAuth(USER, PASSWORD)
            .getForObject("/reports/" + name + "?" + range, String.class);
    return json.readTree(body).get("rows");
  }

  private static JsonNode rowFor(JsonNode rows, String ruleId) {
    return rowFor(rows, ruleId, "ruleId");
  }

  private static JsonNode rowFor(JsonNode rows, String value, String column) {
    List<JsonNode> found = new ArrayList<>();
    rows.forEach(
        row -> {
          if (value.equals(row.path(column).asText())) {
            found.add(row);
          }
        });
    assertThat(found).as(column + " " + value).hasSize(1);
    return found.get(0);
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token(baseUrl + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private boolean ready() throws InterruptedException {
    try {
      return get("/actuator/health/readiness").statusCode() == 200;
    } catch (IOException notListeningYet) {
      return false;
    }
  }

  /** A token as the registered EHR signs it: aud is the endpoint called, a fresh jti. */
  private String token(String audience) throws Exception {
    Instant now = Instant.now();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES384)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(SUBJECT)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(120)))
                .jwtID(UUID.randomUUID().toString())
                .build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  private static Optional<Path> packagedService() throws IOException {
    if (!Files.isDirectory(SERVICE_TARGET)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(SERVICE_TARGET)) {
      return files
          .filter(
              f -> f.getFileName().toString().matches("cds-hooks-service-[^-]+(-SNAPSHOT)?\\.jar"))
          .findFirst();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
