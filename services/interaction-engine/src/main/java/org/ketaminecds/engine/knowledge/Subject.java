package org.ketaminecds.engine.knowledge;

/**
 * What a rule looks for on the patient's record.
 *
 * @param kind a medication class, a condition group, or a blood-pressure threshold
 * @param valueSet the class or group (empty for blood pressure)
 * @param label how cards name the class: "MAOI", "benzodiazepine"
 * @param lookbackDays for medications: how long after it ended a medication still counts (MAOI
 *     washout); 0 means only current medications
 * @param systolic for blood pressure: the systolic threshold (mmHg)
 * @param diastolic for blood pressure: the diastolic threshold (mmHg)
 */
public record Subject(
    Kind kind, String valueSet, String label, int lookbackDays, int systolic, int diastolic) {

  public enum Kind {
    MEDICATION,
    CONDITION,
    BLOOD_PRESSURE
  }
}
