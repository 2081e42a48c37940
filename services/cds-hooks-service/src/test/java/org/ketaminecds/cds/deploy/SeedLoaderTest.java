package org.ketaminecds.cds.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docker/seed/load.sh, the compose stack's one-shot seeder, run with sh and curl against a local
 * HTTP server: it posts every seed Bundle to the FHIR base URL as FHIR JSON, and stops with the
 * server's answer when one is refused, so that the stack never starts on a half-seeded server.
 */
class SeedLoaderTest {

  record Received(String method, String path, String contentType, String body) {}

  final List<Received> received = new CopyOnWriteArrayList<>();
  final Map<String, Integer> statusByBundle = new ConcurrentHashMap<>();
  HttpServer server;

  @BeforeEach
  void start() throws IOException {
    assumeTrue(onPath("curl") && onPath("sh"), "the seeder runs sh and curl");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/fhir",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          received.add(
              new Received(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  body));
          int status =
              statusByBundle.entrySet().stream()
                  .filter(e -> body.contains("\"" + e.getKey() + "\""))
                  .map(Map.Entry::getValue)
                  .findFirst()
                  .orElse(200);
          byte[] answer =
              (status == 200
                      ? "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}"
                      : "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                          + "\"code\":\"processing\",\"diagnostics\":\"simulated refusal\"}]}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
          exchange.sendResponseHeaders(status, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void postsEverySeedBundle_asFhirJson_toTheBaseUrl() throws Exception {
    List<Path> seeds = SeedDataIntegrationTest.seeds();

    Result result = runLoader();

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(received).hasSameSizeAs(seeds);
    for (int i = 0; i < seeds.size(); i++) {
      Received request = received.get(i);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.path()).isEqualTo("/fhir");
      assertThat(request.contentType()).isEqualTo("application/fhir+json");
      assertThat(request.body()).isEqualTo(DeployFiles.read(seeds.get(i)));
    }
  }

  @Test
  void stopsWithTheServersAnswer_whenABundleIsRefused() throws Exception {
    String firstPatient = SeedDataIntegrationTest.seededPatients().findFirst().orElseThrow();
    statusByBundle.put(firstPatient, 400);

    Result result = runLoader();

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("was refused").contains("simulated refusal");
    assertThat(received).hasSize(1);
  }

  record Result(int exitCode, String output) {}

  private Result runLoader() throws IOException, InterruptedException {
    Path script = DeployFiles.docker().resolve("seed/load.sh");
    ProcessBuilder builder = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true);
    builder
        .environment()
        .put("FHIR_BASE_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/fhir");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("seed loader did not finish: " + output);
    }
    return new Result(process.exitValue(), output);
  }

  private static boolean onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
