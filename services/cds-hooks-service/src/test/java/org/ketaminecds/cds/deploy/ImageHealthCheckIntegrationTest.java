package org.ketaminecds.cds.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.deploy.DeployFiles.Instruction;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The service image's HEALTHCHECK, taken verbatim from its Dockerfile and run with bash as Docker
 * would run it inside the container: it passes against the running service and fails when nothing
 * listens or the readiness probe does not answer 200. (The JRE image has no curl; this proves the
 * bash probe really works.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImageHealthCheckIntegrationTest {

  static List<String> command;

  @LocalServerPort int port;

  @BeforeAll
  static void readTheHealthCheck() throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash runs the check in the image");
    Instruction check =
        DeployFiles.dockerfile(DeployFiles.docker().resolve("cds-hooks-service.Dockerfile"))
            .last()
            .last("HEALTHCHECK")
            .orElseThrow();
    String exec = check.arguments().substring(check.arguments().indexOf("CMD") + 3).strip();
    command = new ObjectMapper().readValue(exec, new TypeReference<List<String>>() {});
    assertThat(command.get(0)).isEqualTo("bash");
  }

  @Test
  void passes_whenTheServiceIsReady() throws Exception {
    assertThat(run(port)).isZero();
  }

  @Test
  void fails_whenNothingListensOnThePort() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }

    assertThat(run(closed)).isNotZero();
  }

  @Test
  void fails_whenTheProbeAnswersAnythingBut200() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = "{\"status\":\"OUT_OF_SERVICE\"}".getBytes();
          exchange.sendResponseHeaders(503, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      assertThat(run(server.getAddress().getPort())).isNotZero();
    } finally {
      server.stop(0);
    }
  }

  private static int run(int port) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("SERVER_PORT", Integer.toString(port));
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process process = builder.start();
    // Docker gives the check 3 s (HEALTHCHECK --timeout); a hung check is a failed check.
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }
}
