package org.ketaminecds.cds.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.ketaminecds.cds.errors.CdsException;

/**
 * The filtering options in force for one request: the configured defaults, overridden by the
 * request's {@code extension.pddi-configuration-items} (the PDDI CDS IG's configuration extension;
 * {@code configuration-items}, the IG's other spelling, is read too).
 */
public record AlertOptions(
    boolean cacheForOrderSignFiltering,
    boolean filterOutRepeatedAlerts,
    boolean suppressOverridden) {

  public static final String CACHE = "cache-for-order-sign-filtering";
  public static final String FILTER = "filter-out-repeated-alerts";
  public static final String SUPPRESS_OVERRIDDEN = "suppress-overridden-alerts";
  static final String[] EXTENSION_NAMES = {"pddi-configuration-items", "configuration-items"};

  public static AlertOptions resolve(AlertProperties defaults, Optional<JsonNode> extension) {
    boolean cache = defaults.cacheForOrderSignFiltering();
    boolean filter = defaults.filterOutRepeatedAlerts();
    boolean overridden = defaults.suppressOverridden();
    if (extension.isPresent()) {
      for (String name : EXTENSION_NAMES) {
        JsonNode items = extension.get().get(name);
        if (items == null || items.isNull()) {
          continue;
        }
        String path = "extension." + name;
        if (!items.isObject()) {
          throw CdsException.invalid(path, "must be an object of configuration options");
        }
        cache = flag(items, CACHE, path, cache);
        filter = flag(items, FILTER, path, filter);
        overridden = flag(items, SUPPRESS_OVERRIDDEN, path, overridden);
      }
    }
    return new AlertOptions(cache, filter, overridden);
  }

  private static boolean flag(JsonNode items, String name, String path, boolean fallback) {
    JsonNode value = items.get(name);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw CdsException.invalid(path + "." + name, "must be true or false");
    }
    return value.booleanValue();
  }
}
