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

  void check(HookBody call) {
    JsonNode body = call.head();
    if (body == null || !body.isObject()) {
      return;
    }
    JsonNode drafts = body.path("context").path("draftOrders").path("entry");
    if (drafts.isArray()) {
      check(drafts.size(), "context.draftOrders");
    }
    call.prefetch()
        .ifPresent(
            prefetch ->
                prefetch.forEach(
                    (key, value) -> value.entries().ifPresent(n -> check(n, "prefetch." + key))));
  }

  private void check(int entries, String field) {
    if (entries > maxEntries) {
      throw CdsException.invalid(field, "has more than " + maxEntries + " entries");
    }
  }
}
