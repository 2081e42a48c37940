package org.ketaminecds.engine;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The patient's latest blood-pressure reading (mmHg). Either part may be missing when the EHR
 * recorded only one.
 */
public record BloodPressure(
    String reference, OptionalInt systolic, OptionalInt diastolic, Optional<Instant> effective) {

  public static BloodPressure of(String reference, int systolic, int diastolic) {
    return new BloodPressure(
        reference, OptionalInt.of(systolic), OptionalInt.of(diastolic), Optional.empty());
  }

  /** True when either part reaches its threshold: 150/85 is at least 140/90. */
  public boolean atLeast(int systolicThreshold, int diastolicThreshold) {
    return (systolic.isPresent() && systolic.getAsInt() >= systolicThreshold)
        || (diastolic.isPresent() && diastolic.getAsInt() >= diastolicThreshold);
  }

  public String display() {
    String s = systolic.isPresent() ? Integer.toString(systolic.getAsInt()) : "?";
    String d = diastolic.isPresent() ? Integer.toString(diastolic.getAsInt()) : "?";
    return s + "/" + d + " mmHg";
  }
}
