package org.ketaminecds.cds.discovery;

import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /cds-services}: what this CDS service offers. */
@RestController
class DiscoveryController {

  private final CdsServiceCatalog catalog;

  DiscoveryController(CdsServiceCatalog catalog) {
    this.catalog = catalog;
  }

  // A FHIR client stack may accept only application/fhir+json, as on the service endpoints.
  @GetMapping(
      path = "/cds-services",
      produces = {MediaType.APPLICATION_JSON_VALUE, "application/fhir+json"})
  Map<String, List<CdsService>> discovery() {
    return Map.of("services", catalog.services());
  }
}
