package org.ketaminecds.cds.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Requests refused before any controller sees them, by Tomcat (its path, headers or framing) or by
 * Spring Security's firewall: each still gets the service's JSON error body, never Tomcat's HTML
 * page or an empty body, and never a 500. Default settings, so it shares its application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ContainerRefusalsIntegrationTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

  @LocalServerPort int port;

  record Case(String name, String method, String path, Map<String, String> headers, int status) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    var json = Map.of("Content-Type", "application/json");
    return Stream.of(
        new Case(
            "an encoded '/' in the path", "POST", "/cds-services%2Fketamine-order-sign", json, 400),
        new Case("an invalid percent-encoding", "POST", "/cds-services/%zz", json, 400),
        new Case(
            "a backslash in the path", "POST", "/cds-services\\ketamine-order-sign", json, 400),
        new Case(
            "an encoded NUL in the path",
            "POST",
            "/cds-services/ketamine-order-sign%00",
            json,
            400),
        new Case("an empty path segment", "POST", "/cds-services//ketamine-order-sign", json, 400),
        new Case("TRACE", "TRACE", "/cds-services", Map.of(), 400),
        new Case(
            "an expectation the server cannot meet",
            "POST",
            "/cds-services/ketamine-order-sign",
            Map.of("Content-Type", "application/json", "Expect", "200-ok"),
            417),
        new Case(
            "an unknown transfer coding",
            "POST",
            "/cds-services/ketamine-order-sign",
            Map.of("Content-Type", "application/json", "Transfer-Encoding", "foo"),
            501),
        new Case("the error page asked for directly", "GET", "/error", Map.of(), 404));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRefusedWithTheJsonErrorBody(Case c) throws Exception {
    var response =
        new RawHttp(port)
            .send(new RawHttp.Request(c.method(), c.path(), c.headers(), BODY, false, -1));

    assertThat(response.status()).as(response.body()).isEqualTo(c.status());
    assertThat(response.headers().get("content-type")).startsWith("application/json");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("error").asText()).isNotBlank().isNotEqualTo("internal_error");
    assertThat(body.path("message").asText()).isNotBlank();
    assertThat(body.size()).isEqualTo(2);
    assertThat(response.body()).doesNotContainIgnoringCase("tomcat").doesNotContain("<");
  }
}
