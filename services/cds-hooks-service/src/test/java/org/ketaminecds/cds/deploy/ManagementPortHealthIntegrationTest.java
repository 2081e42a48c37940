package org.ketaminecds.cds.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.testing.CdsHttp;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * With a management port of its own (as the README advises for metrics), readiness and liveness are
 * still answered on the application port, where the image's HEALTHCHECK and load balancers ask;
 * metrics are not.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"management.server.port=0", "management.server.address=127.0.0.1"})
@DirtiesContext
class ManagementPortHealthIntegrationTest {

  @LocalServerPort int port;

  @Test
  void probesAreAnsweredOnTheApplicationPort() {
    CdsHttp http = new CdsHttp(port);

    var ready = http.get("/readyz");
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(ready.json().at("/components/audit/status").asText()).isEqualTo("UP");
    assertThat(http.get("/livez").status()).isEqualTo(200);
    assertThat(http.get("/actuator/prometheus").status()).isIn(403, 404);
  }
}
