package org.ketaminecds.engine.knowledge;

import java.util.List;
import org.ketaminecds.engine.Severity;

/**
 * One interaction rule, after the HL7 PDDI CDS minimum information model: the drugs involved, the
 * clinical consequence, its seriousness, the mechanism, the recommended action, the evidence, and
 * contextual modifiers that change the advice.
 *
 * @param risk the risk in a few words, for card summaries ("risk of hypertensive crisis")
 * @param triggers ids of the pack's triggers this rule applies to (ketamine, esketamine)
 * @param suggestions ids of the suggestions a card for this rule offers ("cancel-order", ...)
 */
public record Rule(
    String id,
    String title,
    String risk,
    List<String> triggers,
    Subject subject,
    Severity severity,
    String consequence,
    String seriousness,
    String mechanism,
    String action,
    String frequency,
    List<Evidence> evidence,
    List<Modifier> modifiers,
    List<String> suggestions) {

  public Rule {
    triggers = List.copyOf(triggers);
    evidence = List.copyOf(evidence);
    modifiers = List.copyOf(modifiers);
    suggestions = List.copyOf(suggestions);
  }
}
