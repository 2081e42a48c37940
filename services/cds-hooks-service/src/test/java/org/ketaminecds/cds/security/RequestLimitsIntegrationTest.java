package org.ketaminecds.cds.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Requests beyond the structural limits get a 400 naming the limit, before any FHIR parsing. */
class RequestLimitsIntegrationTest extends SecuredServiceTestBase {

  @Test
  void givenJsonNestedDeeperThanTheLimit_then400() throws Exception {
    String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
    String body =
        HookBodies.orderSignPrefetched().replaceFirst("\\{", "{\"extension\": " + deep + ",");

    var response = post(SIGN, body, "Bearer " + validFor(SIGN));

    assertThat(response.getStatusCode().value()).isEqualTo(400);
    assertThat(read(response).path("error").asText()).isEqualTo("malformed_json");
    assertThat(read(response).path("message").asText()).contains("structural limit");
  }

  @Test
  void givenMoreDraftOrdersThanTheLimit_then400() throws Exception {
    String entry = "{\"resource\": {\"resourceType\": \"MedicationRequest\"}},";
    String body =
        HookBodies.orderSignPrefetched()
            .replace(
                "\"entry\": [{\"resource\":\n",
                "\"entry\": [" + entry.repeat(1000) + "{\"resource\":\n");

    var response = post(SIGN, body, "Bearer " + validFor(SIGN));

    assertThat(response.getStatusCode().value()).isEqualTo(400);
    assertThat(read(response).path("message").asText())
        .isEqualTo("'context.draftOrders' has more than 1000 entries");
  }

  @Test
  void givenPrefetchBundleLargerThanTheLimit_then400() throws Exception {
    String body =
        HookBodies.orderSignPrefetched()
            .replace(
                "\"entry\": [{\"resource\": {\"resourceType\": \"MedicationRequest\", \"id\": \"phenelzine-1\"",
                "\"entry\": ["
                    + "{\"resource\": {\"resourceType\": \"MedicationRequest\"}},".repeat(1000)
                    + "{\"resource\": {\"resourceType\": \"MedicationRequest\", \"id\": \"phenelzine-1\"");

    var response = post(SIGN, body, "Bearer " + validFor(SIGN));

    assertThat(response.getStatusCode().value()).isEqualTo(400);
    assertThat(read(response).path("message").asText())
        .isEqualTo("'prefetch.medicationRequests' has more than 1000 entries");
  }
}
