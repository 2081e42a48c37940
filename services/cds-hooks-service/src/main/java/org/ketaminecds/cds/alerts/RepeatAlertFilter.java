package org.ketaminecds.cds.alerts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.ketaminecds.cds.alerts.AlertState.Entry;
import org.ketaminecds.cds.discovery.Hook;
import org.ketaminecds.engine.Finding;
import org.ketaminecds.engine.Severity;
import org.springframework.stereotype.Component;

/**
 * Decides which findings to show, and remembers what was shown. Critical findings are always shown;
 * every suppression is counted so the clinician is told about it.
 */
@Component
public class RepeatAlertFilter {

  private final AlertState state;
  private final AlertProperties properties;
  private final AlertKeys keys;

  public RepeatAlertFilter(AlertState state, AlertProperties properties) {
    this.state = state;
    this.properties = properties;
    this.keys = new AlertKeys(properties.stateKey());
    boolean filtering =
        properties.cacheForOrderSignFiltering()
            || properties.filterOutRepeatedAlerts()
            || properties.suppressOverridden();
    if (filtering && properties.stateKey().isBlank()) {
      org.slf4j.LoggerFactory.getLogger(RepeatAlertFilter.class)
          .warn(
              "cds.alerts.state-key is not set: the alert-state topic's keys are hashed with a"
                  + " built-in key, so whoever reads the topic could test patient ids against"
                  + " them; set a secret of at least 32 characters, the same on every replica");
    }
  }

  /** Who saw the alerts: the facts that identify a repeat. */
  public record Audience(String userId, String patientId, String encounterId) {}

  /**
   * @param repeated findings left out because order-select already showed them
   * @param overridden findings left out because a clinician overrode them recently
   */
  public record Outcome(List<Finding> shown, int repeated, int overridden) {
    public Outcome {
      shown = List.copyOf(shown);
    }

    public int suppressed() {
      return repeated + overridden;
    }
  }

  /** A finding and the uuid of the card that showed it. */
  public record ShownCard(Finding finding, String cardUuid) {}

  public Outcome filter(
      Hook hook, AlertOptions options, Audience audience, List<Finding> findings, Instant now) {
    boolean repeats = hook == Hook.ORDER_SIGN && options.filterOutRepeatedAlerts();
    boolean overrides = options.suppressOverridden();
    boolean anyFilterable = findings.stream().anyMatch(f -> f.severity() != Severity.CRITICAL);
    if ((!repeats && !overrides) || !anyFilterable) {
      return new Outcome(findings, 0, 0);
    }
    state.catchUp();
    List<Finding> shown = new ArrayList<>();
    int repeated = 0;
    int overridden = 0;
    for (Finding finding : findings) {
      if (finding.severity() == Severity.CRITICAL) {
        shown.add(finding);
      } else if (overrides
          && state.get(keys.override(audience.patientId(), finding.rule().id()), now).isPresent()) {
        overridden++;
      } else if (repeats
          && state
              .get(
                  keys.shown(
                      audience.userId(), audience.patientId(), audience.encounterId(), finding),
                  now)
              .isPresent()) {
        repeated++;
      } else {
        shown.add(finding);
      }
    }
    return new Outcome(shown, repeated, overridden);
  }

  /**
   * Remembers, for later calls on any replica: at order-select with caching on, what was shown;
   * always, which card stood for which patient and rule, so an override can be applied.
   */
  public void remember(
      Hook hook, AlertOptions options, Audience audience, List<ShownCard> cards, Instant now) {
    boolean cache = hook == Hook.ORDER_SELECT && options.cacheForOrderSignFiltering();
    List<Entry> entries = new ArrayList<>();
    for (ShownCard card : cards) {
      Finding finding = card.finding();
      if (finding.severity() == Severity.CRITICAL) {
        continue; // never filtered, so nothing to remember
      }
      if (cache) {
        entries.add(
            new Entry(
                keys.shown(
                    audience.userId(), audience.patientId(), audience.encounterId(), finding),
                finding.rule().id(),
                now.plus(properties.repeatWindow())));
      }
      entries.add(
          new Entry(
              AlertKeys.card(card.cardUuid()),
              keys.override(audience.patientId(), finding.rule().id()),
              now.plus(properties.overrideSuppression())));
    }
    if (!entries.isEmpty()) {
      // A sign call may follow at once on another replica: wait until the cache is shared.
      state.put(entries, cache);
    }
  }

  /** An override silences the same non-critical finding for this patient and rule for a while. */
  public void feedback(String cardUuid, String outcome, Instant now) {
    if (!"overridden".equals(outcome)) {
      return;
    }
    state.catchUp();
    Optional<Entry> card = state.get(AlertKeys.card(cardUuid), now);
    card.ifPresent(
        c ->
            state.put(
                List.of(
                    new Entry(c.value(), "overridden", now.plus(properties.overrideSuppression()))),
                true));
  }
}
