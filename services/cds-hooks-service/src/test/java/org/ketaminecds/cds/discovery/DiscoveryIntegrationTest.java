package org.ketaminecds.cds.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.ketaminecds.cds.testing.CdsHttp;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DiscoveryIntegrationTest {

  /** The prefetch tokens CDS Hooks 2.0 allows for the order hooks. */
  static final Set<String> LEGAL_TOKENS =
      Set.of(
          "context.userId",
          "context.patientId",
          "context.encounterId",
          "userPractitionerId",
          "userPractitionerRoleId",
          "userPatientId",
          "userRelatedPersonId");

  @LocalServerPort int port;

  @Test
  void discovery_listsBothServicesWithHookTitleDescriptionIdAndPrefetch() {
    var response = new CdsHttp(port).get("/cds-services");
    assertThat(response.status()).isEqualTo(200);
    JsonNode services = response.json().get("services");
    assertThat(services.findValuesAsText("id"))
        .containsExactlyInAnyOrder("ketamine-order-select", "ketamine-order-sign");
    for (JsonNode service : services) {
      String id = service.get("id").asText();
      assertThat(service.get("hook").asText())
          .isEqualTo(id.endsWith("select") ? "order-select" : "order-sign");
      assertThat(service.get("title").asText()).isNotBlank();
      assertThat(service.get("description").asText()).isNotBlank();
      assertThat(service.get("usageRequirements").asText()).contains("ketamine-interactions");
      assertThat(service.get("prefetch").fieldNames())
          .toIterable()
          .contains(
              "patient",
              "medicationRequests",
              "medicationStatements",
              "conditions",
              "bloodPressure");
    }
  }

  @Test
  void prefetchTemplates_useOnlyTokensTheSpecAllows() {
    JsonNode services = new CdsHttp(port).get("/cds-services").json().get("services");
    Set<String> used = new HashSet<>();
    Pattern token = Pattern.compile("\\{\\{\\s*([^}\\s]+)\\s*}}");
    for (JsonNode service : services) {
      service
          .get("prefetch")
          .forEach(
              template -> {
                Matcher m = token.matcher(template.asText());
                while (m.find()) {
                  used.add(m.group(1));
                }
              });
    }
    assertThat(used).isNotEmpty();
    assertThat(LEGAL_TOKENS).containsAll(used);
  }
}
