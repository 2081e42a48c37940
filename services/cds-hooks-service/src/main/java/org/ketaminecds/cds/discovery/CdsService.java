package org.ketaminecds.cds.discovery;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One CDS service as discovery describes it (CDS Hooks 2.0 "CDS Service" object).
 *
 * @param prefetch prefetch key to FHIR query template
 * @param extension the configuration options a request may set (PDDI CDS IG)
 */
public record CdsService(
    @JsonIgnore Hook hookType,
    String id,
    String title,
    String description,
    Map<String, String> prefetch,
    String usageRequirements,
    Map<String, Object> extension) {

  @JsonProperty("hook")
  public String hook() {
    return hookType.id();
  }
}
