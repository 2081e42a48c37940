package org.ketaminecds.engine;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** What the rules need to know about the patient besides medications. */
public record PatientContext(
    OptionalInt ageYears, List<Condition> conditions, Optional<BloodPressure> latestBloodPressure) {

  public PatientContext {
    ageYears = ageYears == null ? OptionalInt.empty() : ageYears;
    conditions = List.copyOf(conditions);
    latestBloodPressure = latestBloodPressure == null ? Optional.empty() : latestBloodPressure;
  }

  public static PatientContext unknown() {
    return new PatientContext(OptionalInt.empty(), List.of(), Optional.empty());
  }
}
