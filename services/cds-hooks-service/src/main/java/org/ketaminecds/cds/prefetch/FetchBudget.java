package org.ketaminecds.cds.prefetch;

import java.time.Duration;

/**
 * The time left for all FHIR fetches of one hook call: prefetch completion and any referenced
 * Medications share it, so the EHR waits at most the configured total.
 */
public record FetchBudget(long deadlineNanos) {

  static FetchBudget startingNow(Duration total) {
    return new FetchBudget(System.nanoTime() + total.toNanos());
  }

  long remainingNanos() {
    return Math.max(0, deadlineNanos - System.nanoTime());
  }
}
