package org.ketaminecds.engine.knowledge;

import java.util.List;
import org.ketaminecds.engine.Severity;

/**
 * A contextual modifier: when its condition holds, the finding takes at least this severity and the
 * card adds this action.
 */
public record Modifier(
    String id,
    String description,
    ModifierCondition when,
    Severity severity,
    String action,
    List<Evidence> evidence) {

  public Modifier {
    evidence = List.copyOf(evidence);
  }
}
