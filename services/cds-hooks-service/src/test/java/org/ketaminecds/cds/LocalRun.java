package org.ketaminecds.cds;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * The README's run command starts this (spring-boot:test-run): it brings up what a developer
 * machine lacks, then the service itself. It lives on the test class path so none of it ships in
 * the production jar.
 *
 * <p>Kafka: unless bootstrap servers are configured ({@code KAFKA_BOOTSTRAP_SERVERS} or {@code
 * spring.kafka.bootstrap-servers}), a real single-node KRaft broker is started on 127.0.0.1:9092
 * with its data in {@code .local/kafka}, kept across runs.
 *
 * <p>Security: the service runs in development mode, authentication off and listening on 127.0.0.1
 * only, so the README's curl works without a token while nothing beyond this machine can call. The
 * service refuses authentication off on any other address and warns on every start. A setting given
 * explicitly (-D, environment, --argument) wins; the production jar sets neither, so there a JWT is
 * required.
 */
public final class LocalRun {

  private static final org.slf4j.Logger log = LoggerFactory.getLogger(LocalRun.class);
  private static final Path LOCAL = Path.of(".local");

  private LocalRun() {}

  public static void main(String[] args) {
    // The broker logs a great deal at INFO; its warnings are what a developer needs. Set both
    // for now (before Spring Boot configures logging) and for once it has.
    for (String logger : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
      setDefault("logging.level." + logger, "WARN");
      if (LoggerFactory.getLogger(logger) instanceof Logger logback) {
        logback.setLevel(Level.WARN);
      }
    }
    if (System.getenv("CDS_AUDIT_OUTBOX_DIRECTORY") == null) {
      setDefault("cds.audit.outbox.directory", LOCAL.resolve("audit-outbox").toString());
    }
    developmentMode();
    if (kafkaConfigured(args)) {
      log.info("Using the configured Kafka bootstrap servers for the audit stream");
    } else {
      startLocalBroker();
    }
    CdsHooksApplication.main(args);
  }

  private static void startLocalBroker() {
    KraftBroker broker = new KraftBroker(LOCAL.resolve("kafka"), 9092, 9093);
    if (broker.portInUse()) {
      throw new IllegalStateException(
          "127.0.0.1:9092 is already in use; to use the Kafka broker listening there, set"
              + " KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092");
    }
    boolean formatted = broker.formatOnce();
    broker.start();
    Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "local-kafka-shutdown"));
    System.setProperty("spring.kafka.bootstrap-servers", broker.bootstrapServers());
    log.info(
        "Started a local single-node Kafka broker (KRaft) on {} with data in {}{}; the audit"
            + " stream is topic cds.audit. Set KAFKA_BOOTSTRAP_SERVERS to use another cluster.",
        broker.bootstrapServers(),
        broker.dataDirectory(),
        formatted ? " (storage formatted now)" : "");
  }

  private static boolean kafkaConfigured(String[] args) {
    return Stream.of(
                System.getenv("KAFKA_BOOTSTRAP_SERVERS"),
                System.getenv("SPRING_KAFKA_BOOTSTRAPSERVERS"),
                System.getenv("SPRING_KAFKA_BOOTSTRAP_SERVERS"),
                System.getProperty("spring.kafka.bootstrap-servers"))
            .anyMatch(v -> v != null && !v.isBlank())
        || Arrays.stream(args).anyMatch(a -> a.startsWith("--spring.kafka.bootstrap-servers="));
  }

  private static void developmentMode() {
    // System properties, because they outrank application.yml (which turns authentication on).
    setUnlessGiven("server.address", "SERVER_ADDRESS", "127.0.0.1");
    setUnlessGiven("cds.security.enabled", "CDS_SECURITY_ENABLED", "false");
    if ("false".equals(System.getProperty("cds.security.enabled"))) {
      log.warn(
          "DEVELOPMENT MODE: authentication is OFF and the service listens on {} only."
              + " Production runs need a JWT from a registered EHR (README, Security).",
          System.getProperty("server.address", System.getenv("SERVER_ADDRESS")));
    }
  }

  private static void setUnlessGiven(String property, String environment, String value) {
    if (System.getProperty(property) == null && System.getenv(environment) == null) {
      System.setProperty(property, value);
    }
  }

  private static void setDefault(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }
}
