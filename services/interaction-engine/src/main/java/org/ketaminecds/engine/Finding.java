package org.ketaminecds.engine;

import java.util.List;
import java.util.Optional;
import org.ketaminecds.engine.knowledge.Modifier;
import org.ketaminecds.engine.knowledge.Rule;

/**
 * One rule that fired for one ketamine order: what it found, how sure the match is, and which
 * modifiers raised the severity above the rule's own.
 */
public record Finding(
    Rule rule,
    Severity severity,
    Medication order,
    List<Medication> medications,
    List<Condition> conditions,
    Optional<BloodPressure> bloodPressure,
    List<Modifier> appliedModifiers,
    MatchConfidence confidence) {

  public Finding {
    medications = List.copyOf(medications);
    conditions = List.copyOf(conditions);
    appliedModifiers = List.copyOf(appliedModifiers);
  }
}
