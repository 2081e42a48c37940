package org.ketaminecds.cds.alerts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.ketaminecds.cds.cards.Card;
import org.ketaminecds.cds.discovery.Hook;
import org.ketaminecds.engine.Evaluation;
import org.ketaminecds.engine.Finding;
import org.springframework.stereotype.Component;

/**
 * The one call the order check makes: filter the findings, let the caller render what is shown,
 * remember it, and add the notice when anything was left out.
 */
@Component
public class AlertFiltering {

  private final RepeatAlertFilter filter;
  private final AlertProperties properties;

  AlertFiltering(RepeatAlertFilter filter, AlertProperties properties) {
    this.filter = filter;
    this.properties = properties;
  }

  /** Renders the findings to show, one card per finding and in their order, then extras. */
  @FunctionalInterface
  public interface Renderer {
    List<Card> render(Evaluation shown);
  }

  public List<Card> apply(
      Hook hook,
      AlertOptions options,
      RepeatAlertFilter.Audience audience,
      Evaluation evaluation,
      Instant now,
      String rulesUrl,
      Renderer renderer) {
    RepeatAlertFilter.Outcome outcome =
        filter.filter(hook, options, audience, evaluation.findings(), now);
    Evaluation shown =
        new Evaluation(
            evaluation.rulePackVersion(), evaluation.triggeringOrders(), outcome.shown());
    List<Card> cards = new ArrayList<>(renderer.render(shown));
    List<RepeatAlertFilter.ShownCard> remembered = new ArrayList<>();
    List<Finding> findings = outcome.shown();
    for (int i = 0; i < findings.size() && i < cards.size(); i++) {
      remembered.add(new RepeatAlertFilter.ShownCard(findings.get(i), cards.get(i).uuid()));
    }
    filter.remember(hook, options, audience, remembered, now);
    if (outcome.suppressed() > 0) {
      cards.add(SuppressionNotice.card(outcome, properties, rulesUrl));
    }
    return cards;
  }

  public AlertOptions options(java.util.Optional<com.fasterxml.jackson.databind.JsonNode> ext) {
    return AlertOptions.resolve(properties, ext);
  }

  public void feedback(String cardUuid, String outcome, Instant now) {
    filter.feedback(cardUuid, outcome, now);
  }
}
