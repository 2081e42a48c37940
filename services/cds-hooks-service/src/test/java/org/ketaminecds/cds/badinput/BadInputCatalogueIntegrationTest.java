package org.ketaminecds.cds.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketaminecds.cds.audit.AuditTopic;
import org.ketaminecds.cds.security.TestTokens;
import org.ketaminecds.cds.testing.TestFhirServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.ProducerFactory;

/**
 * The bad-input catalogue ({@code src/test/resources/bad-inputs}, published as {@code
 * docs/bad-input-catalogue.md}) against the running service: real HTTP on a random port,
 * authentication on with signed tokens of a trusted test EHR, the audit stream on a real Kafka
 * broker. It proves, for every malformed or adversarial request in the catalogue:
 *
 * <ul>
 *   <li>the answer has exactly the catalogued status and error code, in a JSON body of exactly
 *       {@code error} and {@code message}, with no stack trace and no Java class name in the
 *       message, and no cards;
 *   <li>the call left exactly one audit event on the Kafka topic, recording the refusal (outcome 4
 *       and the error code), with no patient name, MRN or access token in it;
 *   <li>the requests a serious service answers (an unknown extra prefetch key, a UTF-8 byte order
 *       mark) get exactly the catalogued cards, and one audit event of the answer;
 * </ul>
 *
 * and, after the whole catalogue, that the service still answers a valid order with its card. Each
 * call carries its own token whose {@code sub} names the case: that is how its audit event is found
 * (the client agent of every event names the token's subject, even for a body that was never read).
 * Default settings, so it shares its application context with other tests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCatalogueIntegrationTest {

  /**
   * What must reach neither an error message nor the audit stream from these bodies: the patient's
   * name and MRN, the EHR's FHIR access token, the id of the other patient whose data some cases
   * slip in.
   */
  static final List<String> PRIVATE =
      List.of(
          "Quackenbush", "Wilhelmina", "MRN-40417713", "ehr-access-token-7Hq2Zp", "pt-77001234");

  /** A package-qualified Java class name, as in com.fasterxml.jackson.databind.JsonNode. */
  static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.){2,}[A-Z]\\w*");

  static final String RUN = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());

  static AuditTopic audit;
  static Instant started;
  static final Map<String, Integer> answers = new TreeMap<>();

  @LocalServerPort int port;
  @Autowired MeterRegistry meters;

  /**
   * The audit stream's own producer settings, for the broker it writes to. Not the
   * spring.kafka.bootstrap-servers property: a later test's embedded broker may have changed that
   * system property since this cached application context started.
   */
  @Autowired ProducerFactory<String, byte[]> auditProducerFactory;

  @Value("${cds.audit.topic}")
  String topic;

  RawHttp http;

  static Stream<BadInputCase> catalogue() {
    return BadInputCase.all().stream();
  }

  @BeforeEach
  void connect() {
    http = new RawHttp(port);
    if (audit == null) {
      Object servers =
          auditProducerFactory
              .getConfigurationProperties()
              .get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
      audit =
          new AuditTopic(
              servers instanceof List<?> list
                  ? String.join(",", list.stream().map(String::valueOf).toList())
                  : String.valueOf(servers),
              topic);
      started = Instant.now();
    }
  }

  @AfterAll
  static void report() {
    if (audit != null) {
      audit.close();
      audit = null;
      System.out.printf(
          "bad-input catalogue: %d requests in %d ms, answers %s%n",
          answers.values().stream().mapToInt(Integer::intValue).sum(),
          Duration.between(started, Instant.now()).toMillis(),
          answers);
    }
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @MethodSource("catalogue")
  void answersExactlyAsCatalogued_andLeavesOneAuditEvent(BadInputCase c) throws Exception {
    String subject = "bad-input-" + RUN + "-" + c.number();

    RawHttp.Response response = http.send(request(c, subject));

    answers.merge(
        response.status() + errorCode(response).map(e -> " " + e).orElse(""), 1, Integer::sum);
    assertThat(response.status())
        .as("%s: status; body: %s", c.id(), response.body())
        .isEqualTo(c.expectedStatus());
    if (c.expectedError().isPresent()) {
      assertRefusal(c, response);
    } else if (c.auditedAs().equals("invocation")) {
      JsonNode body = BadInputCase.JSON.readTree(response.body());
      List<String> rules = new ArrayList<>();
      body.path("cards").forEach(card -> rules.add(card.at("/source/topic/code").asText()));
      assertThat(rules).as("cards").containsExactlyInAnyOrderElementsOf(c.expectedCards());
    } else {
      assertThat(response.body()).isEmpty();
    }
    assertOneAuditEvent(c, subject);
  }

  @Order(2)
  @Test
  void afterTheWholeCatalogue_aValidOrderStillGetsItsCard() throws Exception {
    BadInputCase valid =
        new BadInputCase(
            0,
            "valid",
            (ObjectNode) BadInputCase.JSON.readTree("{\"request\": {\"base\": \"order-sign\"}}"));

    RawHttp.Response response = http.send(request(valid, "after-the-catalogue-" + RUN));

    assertThat(response.status()).isEqualTo(200);
    assertThat(
            BadInputCase.JSON.readTree(response.body()).at("/cards/0/source/topic/code").asText())
        .isEqualTo("ketamine-maoi");
  }

  private void assertRefusal(BadInputCase c, RawHttp.Response response) throws Exception {
    assertThat(response.headers().get("content-type")).startsWith("application/json");
    JsonNode body = BadInputCase.JSON.readTree(response.body());
    List<String> fields = new ArrayList<>();
    body.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).as("fields of %s", response.body()).containsExactly("error", "message");
    assertThat(body.get("error").asText())
        .as("%s: error code; message: %s", c.id(), body.get("message"))
        .isEqualTo(c.expectedError().get());
    String message = body.get("message").asText();
    assertThat(message).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(CLASS_NAME.matcher(message).find()).as("a class name in: %s", message).isFalse();
    assertThat(message).as("Java names are quoted in backticks").doesNotContain("`");
    for (String secret : PRIVATE) {
      assertThat(message).doesNotContain(secret);
    }
    c.expectedMessagePart().ifPresent(part -> assertThat(message).contains(part));
  }

  private void assertOneAuditEvent(BadInputCase c, String subject) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollDelay(Duration.ZERO)
        .until(() -> meters.get("cds.audit.outbox.depth").gauge().value() == 0);
    List<AuditTopic.Received> events =
        audit.readToEnd().stream()
            .filter(r -> r.mentions(subject) && subject.equals(clientSubject(r.event())))
            .toList();
    assertThat(events.stream().map(AuditTopic.Received::ceId).distinct())
        .as("%s: audit events of this call", c.id())
        .hasSize(1);
    AuditTopic.Received entry = events.get(0);
    for (String secret : PRIVATE) {
      assertThat(entry.json()).doesNotContain(secret);
    }
    assertThat(entry.json().length()).as("size of the audit event").isLessThan(20_000);
    AuditEvent event = entry.event();
    if (c.auditedAs().equals("feedback")) {
      assertThat(entry.ceType()).isEqualTo("org.ketaminecds.cds.feedback");
      assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
      return;
    }
    assertThat(entry.ceType()).isEqualTo("org.ketaminecds.cds.invocation");
    if (c.expectedError().isPresent()) {
      assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
      assertThat(event.getOutcomeDesc()).isEqualTo(c.expectedError().get());
    } else {
      assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
    }
  }

  /** The JWT subject of the calling client as the event names it (null when it names none). */
  private static String clientSubject(AuditEvent event) {
    return event.getAgent().stream()
        .filter(a -> a.getWho().getIdentifier().hasValue())
        .map(a -> a.getWho().getIdentifier().getValue())
        .findFirst()
        .orElse(null);
  }

  /** The error code of an answer with a JSON error body. */
  private static Optional<String> errorCode(RawHttp.Response response) {
    try {
      return Optional.ofNullable(BadInputCase.JSON.readTree(response.body()).get("error"))
          .map(JsonNode::asText);
    } catch (IOException notJson) {
      return Optional.empty();
    }
  }

  private RawHttp.Request request(BadInputCase c, String subject) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + token(c, subject));
    headers.putAll(c.headers());
    Map<String, String> values =
        Map.of(
            "hookInstance", UUID.randomUUID().toString(),
            "fhirServer", TestFhirServer.shared().baseUrl(),
            "cardUuid", UUID.randomUUID().toString());
    return new RawHttp.Request(
        c.method(), c.path(), headers, c.body(values), c.chunked(), c.declaredLength());
  }

  /** A token of the trusted test EHR whose subject names the case, for the URL called. */
  private String token(BadInputCase c, String subject) {
    String path = c.path().replaceAll("\\?.*", "");
    String audience = "http://" + http.authority() + path;
    Instant now = Instant.now();
    Instant expires = now.plusSeconds(120);
    switch (c.token()) {
      case "valid" -> {}
      case "other-service" ->
          audience =
              "http://"
                  + http.authority()
                  + (path.startsWith(BadInputCase.SELECT)
                      ? BadInputCase.SIGN
                      : BadInputCase.SELECT);
      case "expired" -> {
        now = now.minusSeconds(900);
        expires = now.plusSeconds(300);
      }
      default -> throw new IllegalArgumentException("unknown token kind: " + c.token());
    }
    return TestTokens.sign(
        new JWTClaimsSet.Builder()
            .issuer(TestTokens.ISSUER)
            .subject(subject)
            .audience(audience)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(expires))
            .jwtID(UUID.randomUUID().toString())
            .claim("tenant", TestTokens.TENANT)
            .build());
  }
}
