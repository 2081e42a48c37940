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
 * A broker name that does not resolve yet (a cluster whose DNS entries are not there, as while it
 * starts) is Kafka being away, not a reason to crash-loop: the service starts, answers with its
 * cards, and keeps the events in the outbox until the broker can be reached.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.kafka.bootstrap-servers=kafka-not-in-dns.invalid:9092"})
@DirtiesContext
class UnresolvableKafkaIntegrationTest {

  @LocalServerPort int port;

  @Test
  void theServiceStartsAndAnswersWithTheEventsInTheOutbox() {
    CdsHttp http = new CdsHttp(port);

    var answer = http.post(SIGN, ketamineWithPhenelzine("p-no-dns").build());

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.json().get("cards")).hasSize(1);
    var readiness = http.get("/actuator/health/readiness");
    assertThat(readiness.json().at("/components/audit/status").asText()).isEqualTo("UP");
    assertThat(readiness.json().at("/components/audit/details/outboxDepth").asLong())
        .isGreaterThanOrEqualTo(1);
  }
}
