package org.ketaminecds.cds.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.testing.HookRequests;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The whole stack of docker/compose.yaml, built and started with Docker Compose: one ketamine order
 * for a seeded patient goes through it end to end, gets its card, and its audit event arrives on
 * the stack's Kafka topic. Skipped where there is no Docker engine (as on our build machines);
 * there, ComposeFileTest, DockerfileTest and SeedDataIntegrationTest check the same files without
 * one.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeStackIntegrationTest {

  static final String CDS = "cds-hooks-service";
  static final String SIGN = "/cds-services/ketamine-order-sign";
  static final String CONSUMER = "compliance-consumer";
  static final Duration START = Duration.ofMinutes(15);
  static final String REPORTS_PASSWORD = UUID.randomUUID().toString();

  static ComposeContainer stack;
  static HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void up() {
    // The settings a user copies from .env.example, with free host ports so that a stack already
    // running on this machine does not clash, and fresh secrets.
    Map<String, String> env = new HashMap<>(DeployFiles.envExample());
    env.keySet().removeIf(key -> key.startsWith("COMPOSE_"));
    env.put("CDS_HOST_PORT", Integer.toString(freePort()));
    env.put("FHIR_HOST_PORT", Integer.toString(freePort()));
    env.put("CDS_AUDIT_PSEUDONYM_KEY", UUID.randomUUID() + "-" + UUID.randomUUID());
    env.put("CDS_ALERTS_STATE_KEY", UUID.randomUUID() + "-" + UUID.randomUUID());
    env.put("COMPLIANCE_HOST_PORT", Integer.toString(freePort()));
    env.put("POSTGRES_PASSWORD", UUID.randomUUID().toString());
    env.put("COMPLIANCE_REPORTS_PASSWORD", REPORTS_PASSWORD);
    stack =
        new ComposeContainer(DeployFiles.composeFile().toFile())
            .withLocalCompose(true)
            .withBuild(true)
            .withEnv(env)
            .withExposedService(CDS, 8080, Wait.forHealthcheck().withStartupTimeout(START))
            .withExposedService(CONSUMER, 8081, Wait.forHealthcheck().withStartupTimeout(START))
            .waitingFor("demo-ehr", Wait.forHealthcheck().withStartupTimeout(START))
            .withStartupTimeout(START);
    stack.start();
  }

  @AfterAll
  static void down() {
    if (stack != null) {
      stack.stop();
    }
  }

  @Test
  void ketamineOrderForTheSeededMaoiPatient_getsACriticalCard_andIsAudited() throws Exception {
    String body =
        DeployFiles.read(DeployFiles.docker().resolve("examples/order-sign-seed-maoi.json"));
    URI sign =
        URI.create(
            "http://"
                + stack.getServiceHost(CDS, 8080)
                + ":"
                + stack.getServicePort(CDS, 8080)
                + SIGN);
    AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
    ContainerState ehr = stack.getContainerByServiceName("demo-ehr").orElseThrow();

    // The service's first FHIR read after start-up may exceed its fetch budget (412); a user
    // would send the order again.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              // Signed by the stack's demo EHR, as the README's curl does.
              var token =
                  ehr.execInContainer("java", "DemoEhr.java", "token", "ketamine-order-sign");
              assertThat(token.getExitCode()).as(token.getStderr()).isZero();
              answer.set(
                  http.send(
                      HttpRequest.newBuilder(sign)
                          .header("Content-Type", "application/json")
                          .header("Authorization", "Bearer " + token.getStdout().strip())
                          .POST(HttpRequest.BodyPublishers.ofString(body))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()));
              return answer.get().statusCode() == 200;
            });
    JsonNode cards = HookRequests.JSON.readTree(answer.get().body()).get("cards");

    assertThat(cards)
        .anySatisfy(
            card -> {
              assertThat(card.at("/source/topic/code").asText()).isEqualTo("ketamine-maoi");
              assertThat(card.get("indicator").asText()).isEqualTo("critical");
            });

    // Consumed: the compliance consumer stored the event and reports the card's rule.
    URI report =
        URI.create(
            "http://"
                + stack.getServiceHost(CONSUMER, 8081)
                + ":"
                + stack.getServicePort(CONSUMER, 8081)
                + "/reports/alerts-by-rule?format=json");
    String basic =
        Base64.getEncoder()
            .encodeToString(("compliance:" + REPORTS_PASSWORD).getBytes(StandardCharsets.UTF_8));
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              HttpResponse<String> alerts =
                  http.send(
                      HttpRequest.newBuilder(report)
                          .header("Authorization", "Basic " + basic)
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              assertThat(alerts.statusCode()).isEqualTo(200);
              assertThat(alerts.body()).contains("ketamine-maoi");
            });
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
