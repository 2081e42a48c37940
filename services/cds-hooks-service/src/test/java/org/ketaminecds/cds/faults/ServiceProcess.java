package org.ketaminecds.cds.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.ketaminecds.cds.CdsHooksApplication;
import org.ketaminecds.cds.security.TestTokens;
import org.ketaminecds.cds.testing.CdsHttp;

/**
 * The service as a JVM of its own, with authentication on (it trusts the {@link TestTokens} EHR,
 * whose JWK Set this test JVM serves), so that a test can kill it without warning: {@link #kill()}
 * is {@code kill -9}, no shutdown hooks, no flush.
 */
final class ServiceProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final int managementPort;
  private final Path log;

  private ServiceProcess(Process process, int port, int managementPort, Path log) {
    this.process = process;
    this.port = port;
    this.managementPort = managementPort;
    this.log = log;
  }

  /**
   * Starts the service on a free loopback port, writing its output to {@code log}.
   *
   * @param settings further {@code --name=value} arguments
   */
  static ServiceProcess start(Path outbox, String kafka, Path log, String... settings) {
    int port = freePort();
    int managementPort = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.addAll(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", classPath));
    command.addAll(
        List.of(
            CdsHooksApplication.class.getName(),
            "--server.address=127.0.0.1",
            "--server.port=" + port,
            "--management.server.port=" + managementPort,
            "--spring.kafka.bootstrap-servers=" + kafka,
            "--cds.audit.outbox.directory=" + outbox,
            "--logging.level.org.apache.kafka=ERROR",
            "--cds.security.issuers[0].issuer=" + TestTokens.ISSUER,
            "--cds.security.issuers[0].jwks-url=" + TestTokens.jwksUrl()));
    command.addAll(List.of(settings));
    try {
      Files.createDirectories(outbox);
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      return new ServiceProcess(process, port, managementPort, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return port;
  }

  /**
   * A counter or gauge from its Prometheus metrics (management port), summed over the series whose
   * labels contain {@code label} (e.g. {@code via="kafka"}; empty for all).
   */
  long metric(String name, String label) {
    String text = new CdsHttp(managementPort).get("/actuator/prometheus").body();
    return (long)
        text.lines()
            .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
            .filter(line -> line.contains(label))
            .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
            .sum();
  }

  /** Waits until it reports ready (the audit stream included) on its management port. */
  ServiceProcess awaitReady() {
    CdsHttp management = new CdsHttp(managementPort);
    Awaitility.await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(250))
        .failFast("the service exited; see " + log, () -> !process.isAlive())
        .ignoreExceptions()
        .until(() -> management.get("/actuator/health/readiness").status() == 200);
    return this;
  }

  /** Kills the process at once (SIGKILL) and waits until it is gone. */
  void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the service process outlived kill -9");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Everything it wrote. */
  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
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
