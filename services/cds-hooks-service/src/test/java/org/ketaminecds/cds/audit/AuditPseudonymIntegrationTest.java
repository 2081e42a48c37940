package org.ketaminecds.cds.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.cds.audit.AuditStreamIntegrationTest.SIGN;
import static org.ketaminecds.cds.audit.AuditStreamIntegrationTest.ketamineWithPhenelzine;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.HookRequests;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A site with a pseudonym key gets no patient id on the stream: key and events carry the HMAC. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "cds.audit.pseudonym-key=" + AuditPseudonymIntegrationTest.KEY)
class AuditPseudonymIntegrationTest {

  static final String KEY = "test-site-pseudonym-key-0123456789abcdef";

  @LocalServerPort int port;

  @Value("${spring.kafka.bootstrap-servers}")
  String kafka;

  @Test
  void pseudonymKeySet_eventsAndKeysCarryTheHmacNotThePatientId() throws Exception {
    CdsHttp http = new CdsHttp(port);
    HookRequests request = ketamineWithPhenelzine("p-pseudonymous");
    var answered = http.post(SIGN, request.build());
    String card = answered.json().at("/cards/0/uuid").asText();
    var feedback =
        http.post(
            SIGN + "/feedback",
            """
            {"feedback": [{"card": "%s", "outcome": "accepted",
                           "outcomeTimestamp": "2025-03-01T10:16:00Z"}]}"""
                .formatted(card));
    assertThat(answered.status()).isEqualTo(200);
    assertThat(feedback.status()).isEqualTo(200);

    String pseudonym = hmac("p-pseudonymous");
    try (AuditTopic topic = new AuditTopic(kafka, "cds.audit")) {
      var invocation = topic.awaitOne(request.json().get("hookInstance").asText());
      var cardFeedback = topic.awaitOne("\"valueString\":\"" + card + "\"");
      for (AuditTopic.Received r : java.util.List.of(invocation, cardFeedback)) {
        assertThat(r.key()).isEqualTo(pseudonym);
        assertThat(r.json())
            .doesNotContain("p-pseudonymous")
            .contains("urn:ketamine-cds:patient-pseudonym")
            .contains(pseudonym);
        assertThat(AuditProfileValidator.errors(r.json())).isEmpty();
      }
    }
  }

  private static String hmac(String patientId) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(patientId.getBytes(StandardCharsets.UTF_8)));
  }
}
