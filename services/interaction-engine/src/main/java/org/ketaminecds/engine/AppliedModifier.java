package org.ketaminecds.engine;

import java.util.List;
import org.ketaminecds.engine.knowledge.Modifier;

/**
 * A contextual modifier that held for a finding, with the patient facts that made it hold ("age
 * 72", "latest blood pressure 150/95 mmHg", "sertraline", "tramadol").
 */
public record AppliedModifier(Modifier modifier, List<String> facts) {

  public AppliedModifier {
    facts = List.copyOf(facts);
  }
}
