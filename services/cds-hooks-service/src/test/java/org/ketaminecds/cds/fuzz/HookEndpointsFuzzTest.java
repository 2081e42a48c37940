package org.ketaminecds.cds.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.errors.ErrorCode;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.engine.knowledge.Rule;
import org.ketaminecds.engine.knowledge.RulePack;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Coverage-guided fuzzing of the whole service over HTTP: the real application on a random loopback
 * port (default settings, so the context is shared with the other integration tests: authentication
 * on, every call with a fresh token signed by the test EHR, the audit stream on the module's
 * embedded Kafka broker), receiving fuzzed bodies on the order-sign, order-select and feedback
 * endpoints. Two targets: any bytes as the body, and the real request shapes of {@link FuzzSeeds}
 * with fields replaced, removed, duplicated or re-typed by {@link FuzzedJson}.
 *
 * <p>Proves, for every input, what an EHR integration relies on: the answer is 200 or one of the
 * documented 4xx statuses, never a 5xx; an error is a JSON {@code {"error", "message"}} body whose
 * error is a documented {@link ErrorCode} matching the status, with no stack trace; a 200 to a hook
 * is a cards list whose every card comes from a rule of the pack (or is the service's own "check
 * incomplete" / "alerts not repeated" notice), with a summary under 140 characters.
 *
 * <p>Runs the committed corpus ({@code HookEndpointsFuzzTestInputs/}) on every build; {@code
 * bench/fuzz.sh http-bytes 5m} and {@code bench/fuzz.sh http-mutations 5m} fuzz it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HookEndpointsFuzzTest {

  static final String SIGN = "/cds-services/ketamine-order-sign";
  static final String SELECT = "/cds-services/ketamine-order-select";
  static final List<String> ENDPOINTS =
      List.of(SIGN, SELECT, SIGN + "/feedback", SELECT + "/feedback");

  /** The service's own cards, besides one per rule. */
  static final Set<String> SERVICE_TOPICS = Set.of("check-incomplete", "alerts-not-repeated");

  static final Set<String> INDICATORS = Set.of("info", "warning", "critical");
  static final Set<String> ERROR_CODES =
      Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet());

  @LocalServerPort int port;
  @Autowired RulePack pack;
  private CdsHttp http;

  @FuzzTest
  void anyBody(FuzzedDataProvider data) {
    allowLoopbackConnections();
    String endpoint = data.pickValue(ENDPOINTS);
    byte[] body = data.consumeRemainingAsBytes();
    assertDocumentedAnswer(endpoint, post(endpoint, body));
  }

  @FuzzTest
  void mutatedBodies(FuzzedDataProvider data) {
    allowLoopbackConnections();
    boolean feedback = data.consumeInt(0, 3) == 0;
    JsonNode seed = data.pickValue(feedback ? FuzzSeeds.feedbackBodies() : FuzzSeeds.hookBodies());
    String endpoint =
        feedback
            ? data.pickValue(List.of(SIGN, SELECT)) + "/feedback"
            : seed.path("hook").asText().equals("order-select") ? SELECT : SIGN;
    byte[] body;
    try {
      body = FuzzedJson.JSON.writeValueAsBytes(FuzzedJson.mutate(seed, data, 8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    assertDocumentedAnswer(endpoint, post(endpoint, body));
  }

  /** The seeds themselves are valid calls: their orders get cards, their feedback is taken. */
  @Test
  void everySeedIsAnsweredAsAValidCall() {
    for (JsonNode seed : FuzzSeeds.hookBodies()) {
      String endpoint = seed.path("hook").asText().equals("order-select") ? SELECT : SIGN;
      CdsHttp.Response response = post(endpoint, seed.toString().getBytes());
      assertThat(response.status()).as("%s answers %s", endpoint, response.body()).isEqualTo(200);
      assertDocumentedAnswer(endpoint, response);
    }
    for (JsonNode seed : FuzzSeeds.feedbackBodies()) {
      assertThat(post(SIGN + "/feedback", seed.toString().getBytes()).status()).isEqualTo(200);
    }
  }

  private CdsHttp.Response post(String endpoint, byte[] body) {
    if (http == null) {
      http = new CdsHttp(port); // one client, its connections kept alive, as an EHR's
    }
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + endpoint))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private void assertDocumentedAnswer(String endpoint, CdsHttp.Response response) {
    int status = response.status();
    String body = response.body();
    if (status == 200) {
      if (endpoint.endsWith("/feedback")) {
        return;
      }
      assertCards(endpoint, response.json());
      return;
    }
    if (status < 400 || status >= 500) {
      fail("%s answered %d, not 200 or a documented 4xx: %s", endpoint, status, body);
    }
    assertThat(response.raw().headers().firstValue("Content-Type"))
        .as("%s error content type", endpoint)
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    JsonNode error = response.json();
    Set<String> fields = new HashSet<>();
    error.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).as("error body %s", body).containsExactlyInAnyOrder("error", "message");
    assertThat(error.get("error").isTextual() && error.get("message").isTextual())
        .as("error and message are strings: %s", body)
        .isTrue();
    String code = error.get("error").asText();
    assertThat(ERROR_CODES).as("documented error code in %s", body).contains(code);
    assertThat(ErrorCode.valueOf(code.toUpperCase()).status().value())
        .as("status of %s", code)
        .isEqualTo(status);
    assertThat(error.get("message").asText())
        .as("message without a stack trace")
        .doesNotContain("\tat ", "Exception", ".java:");
  }

  private void assertCards(String endpoint, JsonNode answer) {
    assertThat(answer.path("cards").isArray())
        .as("%s answers a cards list: %s", endpoint, answer)
        .isTrue();
    Set<String> topics = pack.rules().stream().map(Rule::id).collect(Collectors.toSet());
    topics.addAll(SERVICE_TOPICS);
    for (JsonNode card : answer.get("cards")) {
      assertThat(topics)
          .as("card from a rule of the pack: %s", card)
          .contains(card.path("source").path("topic").path("code").asText());
      assertThat(INDICATORS).contains(card.path("indicator").asText());
      assertThat(card.path("summary").asText()).isNotBlank().hasSizeLessThan(140);
    }
  }

  /**
   * While fuzzing, Jazzer's SSRF detector flags every network connection. This test's calls, the
   * service's Kafka producer and its JWK Set client stay on loopback; nothing else may be reached.
   * Set on every call: Jazzer installs its agent with the first fuzz test (so not in a {@code
   * BeforeAll}) and resets the detector when fuzzing starts. Replaying the corpus in the build runs
   * without the agent's hooks (pom.xml, {@code jazzer.hooks}): no detector to tell.
   */
  private static void allowLoopbackConnections() {
    try {
      BugDetectors.allowNetworkConnections((host, port) -> loopback(host));
    } catch (IllegalStateException noDetectorInstalled) {
      // regression mode without hooks
    }
  }

  private static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
