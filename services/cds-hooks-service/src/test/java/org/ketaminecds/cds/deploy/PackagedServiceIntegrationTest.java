package org.ketaminecds.cds.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.deploy.DeployFiles.Instruction;
import org.ketaminecds.cds.deploy.DeployFiles.Stage;
import org.ketaminecds.cds.security.TestTokens;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;

/**
 * The service image without Docker: the packaged jar (what the image's build stage makes) is
 * extracted into layers and started exactly as the image's ENTRYPOINT does, with the image's
 * environment (JVM flags included), against a real Kafka broker; the image's HEALTHCHECK command
 * must pass, and an order must get its card and its audit event. Catches what the unit of
 * deployment gets wrong and tests on the class path cannot see: a dependency missing from the jar,
 * a wrong launcher class, JVM flags the JVM refuses.
 *
 * <p>Runs in the integration-test phase (maven-failsafe-plugin), after the jar is packaged.
 */
class PackagedServiceIntegrationTest {

  private static final Pattern ENV_PAIR = Pattern.compile("(\\w+)=(\"([^\"]*)\"|\\S+)");

  static Process service;
  static Path workDir;
  static Path log;
  static int port;
  static List<String> healthCheck;

  @BeforeAll
  static void startTheServiceAsTheImageDoes() throws Exception {
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

    port = freePort();
    Map<String, String> env = imageEnvironment(image);
    env.put("SERVER_PORT", Integer.toString(port));
    // On a build machine: loopback only, and a data directory of this run.
    env.put("SERVER_ADDRESS", "127.0.0.1");
    env.put("CDS_AUDIT_OUTBOX_DIRECTORY", workDir.resolve("audit-outbox").toString());
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
    // Authentication is on in the jar: register the test EHR whose tokens CdsHttp sends, the way
    // an operator registers an EHR (README, Security).
    env.put("CDS_SECURITY_ISSUERS_0_ISSUER", TestTokens.ISSUER);
    env.put("CDS_SECURITY_ISSUERS_0_JWKSURL", TestTokens.jwksUrl());

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
    if (service != null) {
      service.destroy();
      if (!service.waitFor(30, TimeUnit.SECONDS)) {
        service.destroyForcibly();
      }
    }
    if (workDir != null) {
      // Keep the service's log next to the test reports; drop the extracted image.
      Path reports = Files.createDirectories(Path.of("target", "failsafe-reports"));
      if (Files.exists(log)) {
        Files.copy(
            log, reports.resolve("packaged-service.log"), StandardCopyOption.REPLACE_EXISTING);
      }
      try (Stream<Path> files = Files.walk(workDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void startsAsTheImageDoes_passesItsHealthCheck_andAnswersAnOrderWithItsCardAndAuditEvent()
      throws Exception {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .failFast(
            "the service process ended; see target/failsafe-reports/packaged-service.log",
            () -> !service.isAlive())
        .until(() -> runHealthCheck() == 0);

    String order =
        DeployFiles.read(DeployFiles.root().resolve("docs/examples/order-sign-maoi.json"));
    String hookInstance = HookRequests.JSON.readTree(order).get("hookInstance").asText();
    var response = new CdsHttp(port).post("/cds-services/ketamine-order-sign", order);

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonNode cards = response.json().get("cards");
    assertThat(cards)
        .anySatisfy(
            card -> {
              assertThat(card.at("/source/topic/code").asText()).isEqualTo("ketamine-maoi");
              assertThat(card.get("indicator").asText()).isEqualTo("critical");
            });
    assertThat(auditEventsFor(hookInstance)).isNotEmpty();
    assertThat(Files.readString(log)).doesNotContain("Exception in thread");
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
