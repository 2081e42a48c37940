package org.ketaminecds.cds.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keys come from the configured JWK Set URL only: a redirect (to another host, over plain http)
 * fails the fetch instead of loading whatever keys are at its target.
 */
class JwkSetRedirectTest {

  private HttpServer server;
  private String base;

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/moved",
        exchange -> {
          exchange.getResponseHeaders().add("Location", base + "/elsewhere");
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    server.createContext(
        "/elsewhere",
        exchange -> {
          byte[] body = "{\"keys\":[]}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void aRedirectIsNotFollowed() throws Exception {
    var retriever = new TrustedIssuers.NoRedirectRetriever(2000, 2000, 64 * 1024);

    assertThat(retriever.retrieveResource(URI.create(base + "/elsewhere").toURL()).getContent())
        .contains("keys");
    assertThatThrownBy(() -> retriever.retrieveResource(URI.create(base + "/moved").toURL()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("302");
  }
}
