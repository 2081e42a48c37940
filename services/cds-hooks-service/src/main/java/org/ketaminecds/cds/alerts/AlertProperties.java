package org.ketaminecds.cds.alerts;

import java.time.Duration;
import org.ketaminecds.cds.config.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Alert filtering settings (prefix {@code cds.alerts}). The two PDDI IG options are defaults that
 * each request may override through its {@code pddi-configuration-items} extension.
 *
 * @param cacheForOrderSignFiltering remember what order-select showed, for order-sign filtering
 * @param filterOutRepeatedAlerts at order-sign, leave out non-critical findings already shown at
 *     order-select to the same user, for the same patient, encounter, rule and medication
 * @param suppressOverridden leave out a non-critical finding a clinician overrode (through the
 *     feedback endpoint) for the same patient and rule, for {@code overrideSuppression}
 * @param repeatWindow how long an order-select alert counts as shown
 * @param overrideSuppression how long an override silences the same finding
 * @param stateTopic the compacted Kafka topic holding the shared state
 * @param stateKey secret for the keyed hashes that stand in for patient and user ids in the state
 *     topic; set the same value on every replica
 * @param catchUpTimeout how long a call waits to see state written by other replicas
 * @param initialLoadTimeout how long start-up waits to read the state other replicas left
 * @param maxEntries most entries a replica keeps in memory; beyond it those expiring soonest are
 *     dropped (their alerts are then shown, not filtered)
 */
@ConfigurationProperties(prefix = "cds.alerts")
public record AlertProperties(
    @DefaultValue("false") boolean cacheForOrderSignFiltering,
    @DefaultValue("false") boolean filterOutRepeatedAlerts,
    @DefaultValue("false") boolean suppressOverridden,
    @DefaultValue("12h") Duration repeatWindow,
    @DefaultValue("24h") Duration overrideSuppression,
    @DefaultValue("cds.alert-state") String stateTopic,
    @DefaultValue("") String stateKey,
    @DefaultValue("250ms") Duration catchUpTimeout,
    @DefaultValue("3s") Duration initialLoadTimeout,
    @DefaultValue("50000") int maxEntries) {

  public AlertProperties {
    Settings.atLeast("cds.alerts.max-entries", maxEntries, 1);
    if (!stateKey.isBlank() && stateKey.length() < 32) {
      throw new IllegalArgumentException(
          "cds.alerts.state-key must be at least 32 characters (it keys the hashes that stand in"
              + " for patient ids)");
    }
    Settings.positive("cds.alerts.repeat-window", repeatWindow);
    Settings.positive("cds.alerts.override-suppression", overrideSuppression);
    Settings.positive("cds.alerts.catch-up-timeout", catchUpTimeout);
    Settings.positive("cds.alerts.initial-load-timeout", initialLoadTimeout);
  }
}
