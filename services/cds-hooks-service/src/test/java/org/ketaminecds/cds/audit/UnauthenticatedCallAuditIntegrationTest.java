package org.ketaminecds.cds.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.security.TestTokens;
import org.ketaminecds.cds.testing.CdsHttp;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * A call refused for its token is on the audit stream like any refusal: an invocation AuditEvent
 * with outcome 4 and {@code unauthorized}, naming the client its token claimed to be. Same settings
 * as {@link AuditStreamIntegrationTest}, so it shares that application context.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "cds.audit.instance-id=audit-it")
@EmbeddedKafka(kraft = true, bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class UnauthenticatedCallAuditIntegrationTest {

  static final String SIGN = "/cds-services/ketamine-order-sign";

  @LocalServerPort int port;
  @Autowired EmbeddedKafkaBroker broker;

  @Test
  void callWithAnExpiredToken_isAnEventWithOutcome4_namingTheClaimedClient() {
    String endpoint = "http://127.0.0.1:" + port + SIGN;
    String subject = "ehr-client-" + UUID.randomUUID();
    String expired =
        TestTokens.sign(
            new JWTClaimsSet.Builder()
                .issuer(TestTokens.ISSUER)
                .subject(subject)
                .audience(endpoint)
                .issueTime(Date.from(Instant.now().minusSeconds(900)))
                .expirationTime(Date.from(Instant.now().minusSeconds(600)))
                .jwtID(UUID.randomUUID().toString())
                .claim("tenant", TestTokens.TENANT)
                .build());

    var response =
        new CdsHttp(port)
            .send(
                HttpRequest.newBuilder(URI.create(endpoint))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + expired)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));

    assertThat(response.status()).isEqualTo(401);
    try (AuditTopic topic = new AuditTopic(broker.getBrokersAsString(), "cds.audit")) {
      AuditTopic.Received record = topic.awaitOne(subject);
      assertThat(record.headers()).containsEntry("ce_type", "org.ketaminecds.cds.invocation");
      assertThat(AuditProfileValidator.errors(record.json())).isEmpty();
      assertThat(record.json()).doesNotContain(expired.substring(expired.lastIndexOf('.') + 1));
      AuditEvent event = record.event();
      assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
      assertThat(event.getOutcomeDesc()).isEqualTo("unauthorized");
      assertThat(event.getAgent())
          .anySatisfy(
              agent -> {
                assertThat(agent.getWho().getIdentifier().getSystem()).isEqualTo(TestTokens.ISSUER);
                assertThat(agent.getWho().getIdentifier().getValue()).isEqualTo(subject);
                assertThat(agent.getName()).isEqualTo(TestTokens.TENANT);
              });
    }
  }
}
