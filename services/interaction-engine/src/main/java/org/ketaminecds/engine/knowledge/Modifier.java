package org.ketaminecds.engine.knowledge;

import java.util.List;
import org.ketaminecds.engine.Severity;

/**
 * A contextual modifier: when its condition holds, the finding takes at least this severity and the
 * card adds this action.
 *
 * @param risk the risk for this patient in a few words, for the card's summary when the modifier
 *     raises the rule's severity (there the rule's own risk, "generally compatible", would
 *     mislead); empty for a modifier that cannot raise it
 */
public record Modifier(
    String id,
    String description,
    ModifierCondition when,
    Severity severity,
    String action,
    List<Evidence> evidence,
    String risk) {

  public Modifier {
    evidence = List.copyOf(evidence);
    risk = risk == null ? "" : risk;
  }
}
