package org.ketaminecds.bench;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service under test: the packaged jar, started with {@code java -jar} as an operator would,
 * listening on loopback only, its audit stream on the benchmark's broker, trusting the benchmark's
 * EHR, with the ceiling endpoint on. Its output goes to a log file.
 */
final class ServiceProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

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

  static ServiceProcess start(
      Path jar, List<String> jvm, Path work, String kafka, BenchIssuer issuer) throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no service jar at " + jar + "; build it first (bench/run.sh does)");
    }
    int port = freePort();
    int managementPort = freePort();
    String baseUrl = "http://127.0.0.1:" + port;
    Path outbox = work.resolve("audit-outbox");
    Path log = work.resolve("service.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvm);
    command.addAll(
        List.of(
            "-Dcds.security.issuers[0].issuer=" + BenchIssuer.ISSUER,
            "-Dcds.security.issuers[0].jwks-url=" + issuer.jwksUrl(),
            "-Dcds.security.issuers[0].algorithms[0]=" + issuer.algorithm(),
            "-jar",
            jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
    Map<String, String> env = builder.environment();
    env.putAll(BenchSettings.CONTAINER_ENV);
    env.put("SERVER_PORT", Integer.toString(port));
    env.put("SERVER_ADDRESS", "127.0.0.1");
    env.put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort));
    env.put("MANAGEMENT_SERVER_ADDRESS", "127.0.0.1");
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
    env.put("CDS_PUBLICURL", baseUrl);
    env.put("CDS_AUDIT_OUTBOX_DIRECTORY", outbox.toString());
    env.put("CDS_AUDIT_INSTANCEID", "bench");
    env.put("CDS_BENCH_CEILINGENDPOINT", "true");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    ServiceProcess service = new ServiceProcess(builder.start(), port, managementPort, log);
    service.awaitReady(Duration.ofMinutes(3));
    return service;
  }

  long pid() {
    return process.pid();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The Prometheus scrape of the management port. */
  String metrics() throws IOException, InterruptedException {
    return get("http://127.0.0.1:" + managementPort + "/actuator/prometheus").body();
  }

  /** The readiness document (audit mode, outbox depth). */
  String readiness() throws IOException, InterruptedException {
    return get("http://127.0.0.1:" + managementPort + "/actuator/health/readiness").body();
  }

  /**
   * Waits until the service has finished what the last phase left it (requests a load generator
   * gave up on are still served, the outbox drains): its CPU use stays under 15 % of a core for a
   * second, or two minutes have passed. Not lower: an idle service's alert-state reader alone (a
   * Kafka consumer following its topic) takes about 3 % of a core, and took 7 % or more before its
   * polls were lengthened.
   */
  void awaitIdle() {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    Duration last = cpu();
    while (System.nanoTime() < deadline) {
      pause(Duration.ofSeconds(1));
      Duration now = cpu();
      if (now.minus(last).toMillis() < 150) {
        return;
      }
      last = now;
    }
  }

  private Duration cpu() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  private void awaitReady(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the service stopped while starting (exit " + process.exitValue() + "); see " + log);
      }
      try {
        if (get("http://127.0.0.1:" + managementPort + "/actuator/health/readiness").statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      pause(Duration.ofMillis(250));
    }
    throw new IllegalStateException("the service was not ready within " + limit + "; see " + log);
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Between polls of the process. */
  private static void pause(Duration time) {
    try {
      TimeUnit.MILLISECONDS.sleep(time.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
