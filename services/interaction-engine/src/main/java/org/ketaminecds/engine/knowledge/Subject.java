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
 * @param includePast for conditions: a past one (resolved, inactive, in remission) counts too, as
 *     for a history of intracerebral haemorrhage; otherwise only current conditions count
 */
public record Subject(
    Kind kind,
    String valueSet,
    String label,
    int lookbackDays,
    int systolic,
    int diastolic,
    boolean includePast) {

  /** A subject that counts current conditions only (or is no condition group). */
  public Subject(
      Kind kind, String valueSet, String label, int lookbackDays, int systolic, int diastolic) {
    this(kind, valueSet, label, lookbackDays, systolic, diastolic, false);
  }

  public enum Kind {
    MEDICATION,
    CONDITION,
    BLOOD_PRESSURE
  }
}
