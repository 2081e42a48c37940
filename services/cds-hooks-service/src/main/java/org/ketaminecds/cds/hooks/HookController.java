package org.ketaminecds.cds.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.ketaminecds.cds.audit.CallerIdentity;
import org.ketaminecds.cds.cards.CdsResponse;
import org.ketaminecds.cds.config.CdsProperties;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code POST /cds-services/{id}} and {@code POST /cds-services/{id}/feedback}. The caller is the
 * CDS client whose token the security filter verified (absent only with authentication off).
 */
@RestController
class HookController {

  private final HookService hooks;
  private final String publicUrl;

  HookController(HookService hooks, CdsProperties properties) {
    this.hooks = hooks;
    this.publicUrl = properties.publicUrl().replaceAll("/+$", "");
  }

  @PostMapping(
      path = "/cds-services/{id}",
      consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"},
      // A FHIR client stack may accept only application/fhir+json: answered in JSON all the same
      // rather than refused with 406, which would leave the order unchecked.
      produces = {MediaType.APPLICATION_JSON_VALUE, "application/fhir+json"})
  CdsResponse invoke(
      @PathVariable String id,
      @RequestBody JsonNode body,
      @AuthenticationPrincipal CallerIdentity caller) {
    return hooks.invoke(id, body, baseUrl(), Optional.ofNullable(caller));
  }

  @PostMapping(
      path = "/cds-services/{id}/feedback",
      consumes = {MediaType.APPLICATION_JSON_VALUE, "application/*+json"})
  ResponseEntity<Void> feedback(
      @PathVariable String id,
      @RequestBody JsonNode body,
      @AuthenticationPrincipal CallerIdentity caller) {
    hooks.feedback(id, body, Optional.ofNullable(caller));
    return ResponseEntity.ok().build();
  }

  private String baseUrl() {
    return publicUrl.isEmpty()
        ? ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString()
        : publicUrl;
  }
}
