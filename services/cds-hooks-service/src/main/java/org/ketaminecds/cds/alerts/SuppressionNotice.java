package org.ketaminecds.cds.alerts;

import java.util.ArrayList;
import java.util.List;
import org.ketaminecds.cds.RandomIds;
import org.ketaminecds.cds.cards.Card;
import org.ketaminecds.cds.cards.Card.CardSource;
import org.ketaminecds.cds.cards.Card.Coding;
import org.ketaminecds.cds.cards.CardRenderer;

/**
 * The info card that says alerts were left out, how many and why: the PDDI CDS IG asks that
 * filtering is never silent.
 */
final class SuppressionNotice {

  private SuppressionNotice() {}

  static Card card(RepeatAlertFilter.Outcome outcome, AlertProperties properties, String rulesUrl) {
    int n = outcome.suppressed();
    String summary =
        n
            + (n == 1 ? " alert was" : " alerts were")
            + " not repeated: already shown at order selection or overridden recently";
    List<String> lines = new ArrayList<>();
    if (outcome.repeated() > 0) {
      lines.add(
          "- "
              + outcome.repeated()
              + " already shown when this order was selected (same prescriber, patient,"
              + " encounter, rule and medication), within the last "
              + hours(properties.repeatWindow())
              + ".");
    }
    if (outcome.overridden() > 0) {
      lines.add(
          "- "
              + outcome.overridden()
              + " overridden by a clinician for this patient within the last "
              + hours(properties.overrideSuppression())
              + ".");
    }
    String detail =
        String.join("\n", lines)
            + "\n\nCritical alerts are always shown. Alerts are left out only because the EHR asked"
            + " for it (PDDI CDS configuration options `"
            + AlertOptions.FILTER
            + "` and `"
            + AlertOptions.SUPPRESS_OVERRIDDEN
            + "`) or the site configured it. The earlier alerts are in the audit trail.";
    return new Card(
        RandomIds.uuid(),
        summary.length() > Card.MAX_SUMMARY ? n + " repeated alerts not shown again" : summary,
        detail,
        "info",
        new CardSource(
            "Ketamine interaction alert filtering",
            rulesUrl,
            null,
            new Coding(CardRenderer.RULE_SYSTEM, "alerts-not-repeated", "Alerts not repeated")),
        List.of(),
        null,
        List.of(),
        List.of());
  }

  private static String hours(java.time.Duration duration) {
    long hours = duration.toHours();
    return hours >= 1
        ? hours + (hours == 1 ? " hour" : " hours")
        : duration.toMinutes() + " minutes";
  }
}
