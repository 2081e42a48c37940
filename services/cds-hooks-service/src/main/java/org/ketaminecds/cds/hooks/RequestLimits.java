package org.ketaminecds.cds.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import org.ketaminecds.cds.config.CdsProperties;
import org.ketaminecds.cds.errors.CdsException;
import org.springframework.stereotype.Component;

/**
 * Refuses request Bundles with more entries than configured ({@code cds.max-bundle-entries}),
 * before any FHIR parsing: draft orders and prefetched Bundles alike.
 */
@Component
class RequestLimits {

  private final int maxEntries;

  RequestLimits(CdsProperties properties) {
    this.maxEntries = properties.maxBundleEntries();
  }

  void check(JsonNode body) {
    if (body == null || !body.isObject()) {
      return;
    }
    entries(body.path("context").path("draftOrders"), "context.draftOrders");
    JsonNode prefetch = body.path("prefetch");
    if (prefetch.isObject()) {
      prefetch.fields().forEachRemaining(e -> entries(e.getValue(), "prefetch." + e.getKey()));
    }
  }

  private void entries(JsonNode resource, String field) {
    JsonNode entry = resource.path("entry");
    if (entry.isArray() && entry.size() > maxEntries) {
      throw CdsException.invalid(field, "has more than " + maxEntries + " entries");
    }
  }
}
