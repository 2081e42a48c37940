package org.ketaminecds.cds.prefetch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * How each prefetch key of the ketamine checks was obtained, for the integration engineer: {@code
 * cds_prefetch_total{key, outcome}} with outcome {@code prefetched} (sent by the EHR, {@code null}
 * included), {@code fetched} (read from {@code fhirServer}) or {@code unavailable}. A key that is
 * always fetched is one the EHR does not prefetch; one that is often unavailable makes checks
 * incomplete or refused.
 */
@Component
class PrefetchMetrics {

  enum Outcome {
    PREFETCHED,
    FETCHED,
    UNAVAILABLE;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final MeterRegistry meters;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  PrefetchMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  /**
   * @param key a prefetch key of the service's own templates (never a key from the request)
   */
  void count(String key, Outcome outcome) {
    counters
        .computeIfAbsent(
            key + '|' + outcome.tag(),
            k ->
                Counter.builder("cds.prefetch")
                    .description("Prefetch keys of ketamine checks, by how their data was obtained")
                    .tag("key", key)
                    .tag("outcome", outcome.tag())
                    .register(meters))
        .increment();
  }
}
