package org.ketaminecds.cds.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import org.ketaminecds.cds.discovery.CdsService;

/**
 * A validated CDS Hooks 2.0 request.
 *
 * @param prefetch the prefetch object as sent: a key with JSON {@code null} means the EHR has no
 *     such data; a missing key means it did not prefetch it
 * @param extension the request's extension object, if any
 */
public record HookRequest(
    CdsService service,
    String hookInstance,
    Optional<String> fhirServer,
    Optional<FhirAuthorization> fhirAuthorization,
    OrderContext context,
    Map<String, JsonNode> prefetch,
    Optional<JsonNode> extension) {

  public HookRequest {
    prefetch = Map.copyOf(prefetch);
  }
}
