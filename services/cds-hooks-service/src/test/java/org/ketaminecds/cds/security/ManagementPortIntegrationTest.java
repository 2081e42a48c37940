package org.ketaminecds.cds.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * The production layout for operations: metrics on a separate management port (kept inside the
 * cluster), nothing but health on the application port. Also shows the {@link TestTokens} helper
 * that other tests use to call the secured service.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "management.server.port=0")
@AutoConfigureObservability(tracing = false)
class ManagementPortIntegrationTest {

  @Autowired TestRestTemplate rest;
  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  @Test
  void metricsAndHealthAreServedOnTheManagementPort_withoutToken() {
    String management = "http://localhost:" + managementPort;
    rest.getForEntity("http://localhost:" + port + "/cds-services", String.class);

    var metrics = rest.getForEntity(management + "/actuator/prometheus", String.class);
    var health = rest.getForEntity(management + "/actuator/health", String.class);

    assertThat(metrics.getStatusCode().value()).isEqualTo(200);
    assertThat(metrics.getBody()).contains("jvm_memory_used_bytes");
    // Latency buckets, so that a p99 can be computed from Prometheus.
    assertThat(metrics.getBody()).contains("http_server_requests_seconds_bucket{");
    assertThat(health.getStatusCode().value()).isEqualTo(200);
  }

  @Test
  void theApplicationPortServesNoMetrics() {
    var metrics =
        rest.getForEntity("http://localhost:" + port + "/actuator/prometheus", String.class);

    assertThat(metrics.getStatusCode().value()).isEqualTo(403);
    assertThat(metrics.getBody()).contains("management port");
  }

  @Test
  void testTokensSignEachCallForTheEndpointItGoesTo() {
    var client =
        new RestTemplateBuilder()
            .rootUri("http://localhost:" + port)
            .additionalInterceptors(TestTokens.authorizing())
            .build();
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    HttpEntity<String> call = new HttpEntity<>(HookBodies.orderSignPrefetched(), headers);

    var first = client.postForEntity("/cds-services/ketamine-order-sign", call, String.class);
    var second = client.postForEntity("/cds-services/ketamine-order-sign", call, String.class);

    assertThat(first.getStatusCode().value()).isEqualTo(200);
    assertThat(second.getStatusCode().value()).as("a fresh jti every call").isEqualTo(200);
  }
}
