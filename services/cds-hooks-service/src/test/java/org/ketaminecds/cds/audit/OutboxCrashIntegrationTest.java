package org.ketaminecds.cds.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.cds.audit.AuditStreamIntegrationTest.SIGN;
import static org.ketaminecds.cds.audit.AuditStreamIntegrationTest.ketamineWithPhenelzine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ketaminecds.cds.CdsHooksApplication;
import org.ketaminecds.cds.KraftBroker;
import org.ketaminecds.cds.security.TestTokens;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The crash test: a service process answers calls while Kafka is unreachable, so their events wait
 * in the outbox; the process is killed (no shutdown hooks, no flush). A new instance over the same
 * outbox directory relays every one of them once Kafka is there.
 */
class OutboxCrashIntegrationTest {

  static final int CALLS = 8;

  @TempDir Path work;

  @Test
  void processKilledWithEventsInTheOutbox_restartRelaysEveryOne() throws Exception {
    Path outbox = work.resolve("outbox");
    int port = freePort();
    Process service = startService(port, outbox, "127.0.0.1:" + freePort());
    Set<String> answered = new HashSet<>();
    try {
      CdsHttp http = new CdsHttp(port);
      Awaitility.await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions()
          .until(() -> http.get("/actuator/health/readiness").status() == 200);
      for (int i = 0; i < CALLS; i++) {
        HookRequests request = ketamineWithPhenelzine("p-crash");
        assertThat(http.post(SIGN, request.build()).status()).isEqualTo(200);
        answered.add(request.json().get("hookInstance").asText());
      }
      assertThat(
              http.get("/actuator/health/readiness")
                  .json()
                  .at("/components/audit/details/outboxDepth")
                  .asLong())
          .isEqualTo(CALLS);
    } finally {
      service.destroyForcibly();
      assertThat(service.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    try (KraftBroker broker = KraftBroker.onFreePorts(work.resolve("kafka"));
        AuditTopic topic = startedTopic(broker);
        ConfigurableApplicationContext restarted =
            new SpringApplicationBuilder(CdsHooksApplication.class)
                .run(
                    "--server.port=0",
                    "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                    "--cds.audit.outbox.directory=" + outbox,
                    "--cds.audit.outbox.retry-interval=200ms")) {
      List<AuditTopic.Received> relayed = topic.await(r -> "p-crash".equals(r.key()), CALLS);
      Set<String> hookInstances = new HashSet<>();
      relayed.forEach(r -> hookInstances.add(AuditStreamOrder.label(r)));
      assertThat(hookInstances).isEqualTo(answered);
      assertThat(relayed.stream().map(AuditTopic.Received::ceId).distinct()).hasSize(CALLS);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> restarted.getBean(Outbox.class).depth() == 0);
    }
  }

  private static AuditTopic startedTopic(KraftBroker broker) {
    broker.start();
    return new AuditTopic(broker.bootstrapServers(), "cds.audit");
  }

  /** The service as its own JVM, with Kafka pointed at a port nothing listens on. */
  private Process startService(int port, Path outbox, String deadKafka) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.addAll(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", classPath));
    command.addAll(
        List.of(
            CdsHooksApplication.class.getName(),
            "--server.port=" + port,
            "--spring.kafka.bootstrap-servers=" + deadKafka,
            "--cds.audit.outbox.directory=" + outbox,
            "--cds.audit.ack-timeout=100ms",
            "--logging.level.org.apache.kafka=ERROR",
            // Trust the test EHR whose tokens CdsHttp sends (its JWK Set is served by this JVM).
            "--cds.security.issuers[0].issuer=" + TestTokens.ISSUER,
            "--cds.security.issuers[0].jwks-url=" + TestTokens.jwksUrl()));
    Path log = work.resolve("service.log");
    Files.createDirectories(outbox);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
