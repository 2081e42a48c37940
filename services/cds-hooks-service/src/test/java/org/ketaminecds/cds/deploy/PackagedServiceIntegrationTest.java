package org.ketaminecds.cds.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.deploy.DeployFiles.Instruction;
import org.ketaminecds.cds.deploy.DeployFiles.Stage;
import org.ketaminecds.cds.testing.HookRequests;
import org.ketaminecds.cds.testing.TestFhirServer;

/**
 * The compose stack without Docker: the packaged jar (what the image's build stage makes) is
 * extracted into layers and started exactly as the image's ENTRYPOINT does, with the image's and
 * compose.yaml's environment, next to the demo-ehr sidecar (docker/demo-ehr, run from source as in
 * the stack), a HAPI FHIR server holding the seed patients and a real Kafka broker. The image's
 * HEALTHCHECK must pass, and a seeded patient's order, signed by the sidecar, must get its card and
 * its audit event. Catches what tests on the class path cannot see: a dependency missing from the
 * jar, a wrong launcher class, JVM flags the JVM refuses, settings compose.yaml names wrongly.
 *
 * <p>Runs in the integration-test phase (maven-failsafe-plugin), after the jar is packaged.
 */
class PackagedServiceIntegrationTest {

  private static final Pattern ENV_PAIR = Pattern.compile("(\\w+)=(\"([^\"]*)\"|\\S+)");

  static final String SIGN = "ketamine-order-sign";

  static Process service;
  static Process sidecar;
  static TestFhirServer fhir;
  static Path workDir;
  static Path log;
  static int port;
  static int relayPort;
  static List<String> healthCheck;
  static Map<String, String> sidecarEnv;

  @BeforeAll
  static void startTheStackWithoutDocker() throws Exception {
    Stage image =
        DeployFiles.dockerfile(DeployFiles.docker().resolve("cds-hooks-service.Dockerfile")).last();
    workDir = Files.createTempDirectory("cds-image");
    extractLayers(packagedJar(), workDir);

    ObjectMapper json = new ObjectMapper();
    List<String> entrypoint =
        new ArrayList<>(
            json.readValue(
                image.last("ENTRYPOINT").orElseThrow().arguments(),
                new TypeReference<List<String>>() {}));
    assertThat(entrypoint.get(0)).isEqualTo("java");
    entrypoint.set(0, javaBinary());
    String check = image.last("HEALTHCHECK").orElseThrow().arguments();
    healthCheck =
        json.readValue(
            check.substring(check.indexOf("CMD") + 3).strip(),
            new TypeReference<List<String>>() {});

    // The seeded FHIR server, and the sidecar in front of it, on ports of this run.
    fhir = new TestFhirServer();
    for (Path seed : SeedDataIntegrationTest.seeds()) {
      Bundle bundle =
          FhirContext.forR4Cached()
              .newJsonParser()
              .parseResource(Bundle.class, DeployFiles.read(seed));
      bundle.getEntry().forEach(e -> fhir.add(e.getResource()));
    }
    port = freePort();
    int jwksPort = freePort();
    relayPort = freePort();
    String publicUrl = "http://127.0.0.1:" + port;
    sidecarEnv = DeployFiles.containerEnvironment("demo-ehr", Map.of("CDS_PUBLIC_URL", publicUrl));
    sidecarEnv.put("DEMO_EHR_JWKS_PORT", Integer.toString(jwksPort));
    sidecarEnv.put("DEMO_EHR_FHIR_PORT", Integer.toString(relayPort));
    sidecarEnv.put("DEMO_EHR_FHIR_UPSTREAM", fhir.baseUrl().replaceFirst("/fhir$", ""));
    sidecarEnv.put("DEMO_EHR_HOME", workDir.resolve("demo-ehr").toString());
    ProcessBuilder demoEhr =
        new ProcessBuilder(javaBinary(), demoEhrSource().toString(), "serve")
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("demo-ehr.log").toFile());
    demoEhr.environment().putAll(sidecarEnv);
    sidecar = demoEhr.start();

    // The service: the image's environment, then compose.yaml's (which wins, as in Docker).
    Map<String, String> env = imageEnvironment(image);
    env.putAll(
        DeployFiles.containerEnvironment(
            "cds-hooks-service",
            Map.of(
                "CDS_PUBLIC_URL",
                publicUrl,
                "KAFKA_BOOTSTRAP_SERVERS",
                bootstrapServers(),
                "EHR_JWKS_URL",
                "http://127.0.0.1:" + jwksPort + "/jwks.json",
                "EHR_FHIR_SERVER",
                "http://127.0.0.1:" + relayPort + "/fhir")));
    env.put("SERVER_PORT", Integer.toString(port));
    // On a build machine: loopback only, and a data directory of this run.
    env.put("SERVER_ADDRESS", "127.0.0.1");
    env.put("CDS_AUDIT_OUTBOX_DIRECTORY", workDir.resolve("audit-outbox").toString());

    log = workDir.resolve("service.log");
    ProcessBuilder builder =
        new ProcessBuilder(entrypoint)
            .directory(workDir.resolve("app").toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    service = builder.start();
  }

  @AfterAll
  static void stop() throws Exception {
    for (Process process : new Process[] {service, sidecar}) {
      if (process != null) {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
    if (fhir != null) {
      fhir.close();
    }
    if (workDir != null) {
      // Keep the logs next to the test reports; drop the extracted image.
      Path reports = Files.createDirectories(Path.of("target", "failsafe-reports"));
      for (String name : List.of("service.log", "demo-ehr.log")) {
        if (Files.exists(workDir.resolve(name))) {
          Files.copy(
              workDir.resolve(name),
              reports.resolve("packaged-" + name),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
      try (Stream<Path> files = Files.walk(workDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void aSeededPatientsOrder_signedByTheSidecar_getsItsCardAndAuditEvent() throws Exception {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .failFast(
            "the service process ended; see target/failsafe-reports/packaged-service.log",
            () -> !service.isAlive())
        .until(() -> runHealthCheck() == 0);
    await()
        .atMost(Duration.ofMinutes(1))
        .failFast("the demo-ehr sidecar ended", () -> !sidecar.isAlive())
        .until(
            () ->
                get("http://127.0.0.1:" + sidecarEnv.get("DEMO_EHR_JWKS_PORT") + "/jwks.json")
                    == 200);
    // What the sidecar's health check in compose.yaml asks: the FHIR server, through the relay.
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> get("http://127.0.0.1:" + relayPort + "/fhir/metadata") == 200);

    ObjectNode order =
        (ObjectNode)
            HookRequests.JSON.readTree(
                DeployFiles.read(
                    DeployFiles.docker().resolve("examples/order-sign-seed-maoi.json")));
    order.put("fhirServer", "http://127.0.0.1:" + relayPort + "/fhir");
    String hookInstance = order.get("hookInstance").asText();
    // Authentication is on, as compose.yaml configures the service: no token, no check.
    assertThat(post(order.toString(), null).statusCode()).isEqualTo(401);
    // The service's first FHIR read after start-up may exceed its 2 s fetch budget (412) while
    // HAPI's client sets itself up; a user sends the order again.
    AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () -> {
              answer.set(post(order.toString(), token()));
              return answer.get().statusCode() != 412;
            });
    HttpResponse<String> response = answer.get();

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode cards = HookRequests.JSON.readTree(response.body()).get("cards");
    assertThat(cards)
        .anySatisfy(
            card -> {
              assertThat(card.at("/source/topic/code").asText()).isEqualTo("ketamine-maoi");
              assertThat(card.get("indicator").asText()).isEqualTo("critical");
            });
    assertThat(auditEventsFor(hookInstance)).isNotEmpty();
    assertThat(Files.readString(log)).doesNotContain("Exception in thread");
  }

  /** What a user does by hand: the sidecar's token command. */
  private static String token() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(javaBinary(), demoEhrSource().toString(), "token", SIGN)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().putAll(sidecarEnv);
    Process process = builder.start();
    String token = new String(process.getInputStream().readAllBytes()).strip();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(token.split("\\.")).hasSize(3);
    return token;
  }

  private static HttpResponse<String> post(String body, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/cds-services/" + SIGN))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int get(String url) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static Path demoEhrSource() {
    return DeployFiles.docker().resolve("demo-ehr/DemoEhr.java");
  }

  /** The image's ENV instructions, in order, as a map. */
  private static Map<String, String> imageEnvironment(Stage image) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Instruction instruction : image.all("ENV")) {
      Matcher m = ENV_PAIR.matcher(instruction.arguments());
      while (m.find()) {
        env.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2));
      }
    }
    assertThat(env).containsKey("JAVA_TOOL_OPTIONS");
    return env;
  }

  /** What the build stage does: the jar's layers, extracted and laid over each other. */
  private static void extractLayers(Path jar, Path dir) throws Exception {
    Path layers = dir.resolve("layers");
    Process extract =
        new ProcessBuilder(
                javaBinary(),
                "-Djarmode=tools",
                "-jar",
                jar.toString(),
                "extract",
                "--layers",
                "--launcher",
                "--destination",
                layers.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("extract.log").toFile())
            .start();
    assertThat(extract.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(extract.exitValue()).as(Files.readString(dir.resolve("extract.log"))).isZero();
    Path app = dir.resolve("app");
    for (String layer :
        List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application")) {
      copyTree(layers.resolve(layer), app);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      return;
    }
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.sorted(Comparator.naturalOrder()).toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  private static Path packagedJar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      List<Path> jars =
          files
              .filter(f -> f.getFileName().toString().matches("cds-hooks-service-.*\\.jar"))
              .filter(f -> !f.getFileName().toString().contains("-tests"))
              .toList();
      assertThat(jars).as("the packaged service jar in target/").hasSize(1);
      return jars.get(0);
    }
  }

  private static int runHealthCheck() throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(healthCheck).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.redirectErrorStream(true);
    builder.environment().put("SERVER_PORT", Integer.toString(port));
    Process check = builder.start();
    if (!check.waitFor(10, TimeUnit.SECONDS)) {
      check.destroyForcibly();
      return -1;
    }
    return check.exitValue();
  }

  private static List<ConsumerRecord<String, String>> auditEventsFor(String hookInstance) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "packaged-test-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    List<ConsumerRecord<String, String>> found = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of("cds.audit"));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer
                    .poll(Duration.ofMillis(500))
                    .forEach(
                        r -> {
                          if (r.value().contains(hookInstance)) {
                            found.add(r);
                          }
                        });
                return !found.isEmpty();
              });
    }
    return found;
  }

  /** The broker the test platform started for this run (junit-platform.properties). */
  private static String bootstrapServers() {
    String servers = System.getProperty("spring.kafka.bootstrap-servers");
    assertThat(servers).as("the global embedded Kafka broker").isNotBlank();
    return servers;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
