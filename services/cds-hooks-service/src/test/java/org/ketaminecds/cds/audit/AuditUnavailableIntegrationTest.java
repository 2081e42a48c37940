package org.ketaminecds.cds.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.cds.audit.AuditStreamIntegrationTest.SIGN;
import static org.ketaminecds.cds.audit.AuditStreamIntegrationTest.ketamineWithPhenelzine;

import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.testing.CdsHttp;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * When neither Kafka nor the outbox can take an event, the call is not answered as a success: it
 * gets 503 {@code audit_unavailable}, and readiness goes down so traffic goes elsewhere.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      // Nothing listens on port 1: Kafka is unreachable.
      "spring.kafka.bootstrap-servers=127.0.0.1:1",
      "cds.audit.ack-timeout=100ms",
      "cds.audit.outbox.capacity=2"
    })
@DirtiesContext
class AuditUnavailableIntegrationTest {

  @LocalServerPort int port;

  @Test
  void kafkaDownAndOutboxFull_callIsRefused503AndReadinessIsDown() {
    CdsHttp http = new CdsHttp(port);
    assertThat(http.post(SIGN, ketamineWithPhenelzine("p-full").build()).status()).isEqualTo(200);
    assertThat(http.post(SIGN, ketamineWithPhenelzine("p-full").build()).status()).isEqualTo(200);

    var refused = http.post(SIGN, ketamineWithPhenelzine("p-full").build());

    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.json().get("error").asText()).isEqualTo("audit_unavailable");
    assertThat(refused.json().get("message").asText()).isNotBlank();
    var readiness = http.get("/actuator/health/readiness");
    assertThat(readiness.status()).isEqualTo(503);
    assertThat(readiness.json().at("/components/audit/status").asText()).isEqualTo("DOWN");
    assertThat(readiness.json().at("/components/audit/details/outboxDepth").asLong()).isEqualTo(2);
  }
}
