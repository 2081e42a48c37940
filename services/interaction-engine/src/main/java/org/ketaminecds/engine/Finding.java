package org.ketaminecds.engine;

import java.util.List;
import java.util.Optional;
import org.ketaminecds.engine.knowledge.Rule;
import org.ketaminecds.engine.knowledge.Trigger;

/**
 * One rule that fired for one ketamine or esketamine order: what it found, how sure the match is,
 * and which modifiers raised the severity above the rule's own or added advice.
 *
 * @param trigger what the order is (ketamine or esketamine)
 * @param medications the patient's medications in the rule's class (medication rules)
 * @param conditions the patient's conditions in the rule's group (condition rules)
 * @param bloodPressure the reading that reached the threshold (blood-pressure rules)
 * @param confidence {@link MatchConfidence#TEXT} when everything was recognised by name only
 * @param uncheckedModifiers modifiers that would have raised the severity but could not be checked
 *     for want of data (no age, no blood-pressure reading), with what was missing
 */
public record Finding(
    Rule rule,
    Trigger trigger,
    Severity severity,
    Medication order,
    List<MedicationMatch> medications,
    List<Condition> conditions,
    Optional<BloodPressure> bloodPressure,
    List<AppliedModifier> appliedModifiers,
    MatchConfidence confidence,
    List<AppliedModifier> uncheckedModifiers) {

  public Finding {
    medications = List.copyOf(medications);
    conditions = List.copyOf(conditions);
    appliedModifiers = List.copyOf(appliedModifiers);
    uncheckedModifiers = List.copyOf(uncheckedModifiers);
  }
}
