package org.ketaminecds.cds.fhir;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.ketaminecds.engine.BloodPressure;
import org.ketaminecds.engine.Code;
import org.ketaminecds.engine.PatientContext;

/** Maps Patient, Condition and blood-pressure Observations onto the engine's patient context. */
public final class PatientContextMapper {

  private static final Set<String> ACTIVE_CLINICAL = Set.of("active", "recurrence", "relapse");
  private static final Map<String, String> PAST_CLINICAL =
      Map.of("inactive", "inactive", "remission", "in remission", "resolved", "resolved");
  private static final Set<String> EXCLUDED_VERIFICATION =
      Set.of("refuted", "entered-in-error", "unconfirmed", "provisional", "differential");
  private static final Set<String> USABLE_OBSERVATION = Set.of("final", "amended", "corrected");

  /** The units a blood pressure is written in (lower case, no spaces), as mmHg per unit. */
  private static final Map<String, Double> MM_HG_PER_UNIT =
      Map.of(
          "", 1.0,
          "mm[hg]", 1.0,
          "mmhg", 1.0,
          "kpa", 7.50062,
          "cm[hg]", 10.0,
          "cmhg", 10.0);

  /** Blood-pressure values outside this range, in mmHg, are no real readings. */
  private static final double MIN_MM_HG = 1;

  private static final double MAX_MM_HG = 400;

  public PatientContext map(
      Optional<Patient> patient,
      List<Condition> conditions,
      List<Observation> observations,
      LocalDate today) {
    return new PatientContext(
        patient.flatMap(p -> age(p, today)).map(OptionalInt::of).orElse(OptionalInt.empty()),
        conditions(conditions),
        latestBloodPressure(observations));
  }

  private Optional<Integer> age(Patient patient, LocalDate today) {
    if (patient.getBirthDate() == null) {
      return Optional.empty(); // absent, or only an id or extension (data-absent-reason)
    }
    // Read the date as written: no time zone shifts a birthday. Year-only dates count from 1 Jan.
    DateType date = patient.getBirthDateElement();
    LocalDate born =
        LocalDate.of(
            date.getYear(),
            date.getMonth() == null ? 1 : date.getMonth() + 1,
            date.getDay() == null ? 1 : date.getDay());
    if (born.isAfter(today)) {
      return Optional.empty();
    }
    return Optional.of(Period.between(born, today).getYears());
  }

  private List<org.ketaminecds.engine.Condition> conditions(List<Condition> conditions) {
    List<org.ketaminecds.engine.Condition> result = new ArrayList<>();
    for (Condition c : conditions) {
      boolean confirmed =
          !c.hasVerificationStatus() || !anyCode(c.getVerificationStatus(), EXCLUDED_VERIFICATION);
      Optional<Optional<String>> status = status(c);
      if (!confirmed || status.isEmpty()) {
        continue;
      }
      List<Code> codes = new ArrayList<>();
      List<String> names = new ArrayList<>();
      collect(c.getCode(), codes, names);
      result.add(new org.ketaminecds.engine.Condition(reference(c), codes, names, status.get()));
    }
    return result;
  }

  /**
   * Whether a condition is current (an empty past) or past (how it ended: "resolved 2019-04-02"),
   * or neither (a clinical status outside R4's, which says nothing we can use). Absent
   * clinicalStatus is read as active: some EHRs omit it on problem-list entries; one without a code
   * (display text only) says no more than an absent one. An abatement makes a condition past
   * whatever its status says. Past conditions count only for rules about a history, such as an
   * intracerebral haemorrhage.
   */
  private static Optional<Optional<String>> status(Condition c) {
    String ended =
        c.hasAbatementDateTimeType() && c.getAbatementDateTimeType().getValueAsString() != null
            ? " " + left(c.getAbatementDateTimeType().getValueAsString(), 10)
            : "";
    if (!anyCode(c.getClinicalStatus()) || anyCode(c.getClinicalStatus(), ACTIVE_CLINICAL)) {
      return Optional.of(c.hasAbatement() ? Optional.of("ended" + ended) : Optional.empty());
    }
    for (Coding coding : c.getClinicalStatus().getCoding()) {
      String past = PAST_CLINICAL.get(coding.getCode());
      if (past != null) {
        return Optional.of(Optional.of(past + ended));
      }
    }
    return Optional.empty();
  }

  private static String left(String text, int length) {
    return text.length() > length ? text.substring(0, length) : text;
  }

  private Optional<BloodPressure> latestBloodPressure(List<Observation> observations) {
    List<BloodPressure> readings =
        observations.stream()
            .filter(
                o -> o.getStatus() == null || USABLE_OBSERVATION.contains(o.getStatus().toCode()))
            .map(this::reading)
            .flatMap(Optional::stream)
            .toList();
    return readings.stream()
        .max(Comparator.comparing(bp -> bp.effective().orElse(Instant.EPOCH)))
        .map(latest -> completed(latest, readings));
  }

  /**
   * Systolic and diastolic recorded as two Observations of one measurement (the same effective
   * time: a UK GP record's triplet, a flowsheet's two rows) are one reading. Read apart, a high
   * diastolic next to a normal systolic would go unseen.
   */
  private static BloodPressure completed(BloodPressure latest, List<BloodPressure> readings) {
    OptionalInt systolic = latest.systolic();
    OptionalInt diastolic = latest.diastolic();
    if (latest.effective().isEmpty() || (systolic.isPresent() && diastolic.isPresent())) {
      return latest;
    }
    for (BloodPressure other : readings) {
      if (other != latest && other.effective().equals(latest.effective())) {
        systolic = systolic.isPresent() ? systolic : other.systolic();
        diastolic = diastolic.isPresent() ? diastolic : other.diastolic();
      }
    }
    return new BloodPressure(latest.reference(), systolic, diastolic, latest.effective());
  }

  private Optional<BloodPressure> reading(Observation o) {
    OptionalInt systolic = OptionalInt.empty();
    OptionalInt diastolic = OptionalInt.empty();
    if (BloodPressureCodes.isSystolic(o.getCode()) && o.hasValueQuantity()) {
      systolic = mmHg(o.getValueQuantity());
    } else if (BloodPressureCodes.isDiastolic(o.getCode()) && o.hasValueQuantity()) {
      diastolic = mmHg(o.getValueQuantity());
    }
    for (Observation.ObservationComponentComponent component : o.getComponent()) {
      if (!component.hasValueQuantity()) {
        continue;
      }
      if (BloodPressureCodes.isSystolic(component.getCode())) {
        systolic = mmHg(component.getValueQuantity());
      } else if (BloodPressureCodes.isDiastolic(component.getCode())) {
        diastolic = mmHg(component.getValueQuantity());
      }
    }
    if (systolic.isEmpty() && diastolic.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new BloodPressure(reference(o), systolic, diastolic, takenAt(o)));
  }

  /**
   * When an observation was taken: its effective time (a dateTime, an instant, or a period's
   * start), else when it was issued. Readings are ordered by it, here and when a FHIR server's page
   * is checked for being newest first.
   */
  public static Optional<Instant> takenAt(Observation o) {
    if (o.hasEffectiveDateTimeType()) {
      return Optional.ofNullable(o.getEffectiveDateTimeType().getValue()).map(d -> d.toInstant());
    }
    if (o.hasEffectiveInstantType()) {
      return Optional.ofNullable(o.getEffectiveInstantType().getValue()).map(d -> d.toInstant());
    }
    if (o.hasEffectivePeriod() && o.getEffectivePeriod().getStart() != null) {
      return Optional.of(o.getEffectivePeriod().getStart().toInstant());
    }
    return Optional.ofNullable(o.getIssued()).map(d -> d.toInstant());
  }

  private static OptionalInt mmHg(Quantity q) {
    if (q.getValue() == null) {
      return OptionalInt.empty(); // absent, or only an id or extension
    }
    // mmHg as UCUM and EHRs write it, or no unit at all (the usual one); kPa and cmHg are
    // converted. Any other unit (%, a typo) is no blood pressure: read as no value.
    double value = q.getValue().doubleValue();
    String unit = q.hasCode() ? q.getCode() : q.hasUnit() ? q.getUnit() : "";
    Double factor = MM_HG_PER_UNIT.get(unit.replace(" ", "").toLowerCase(Locale.ROOT));
    if (factor == null) {
      return OptionalInt.empty();
    }
    value = value * factor;
    // A value no blood pressure has (zero, negative, or a unit or keying error such as 3e9)
    // tells nothing about the patient; it is read as no value, never as a low or a high one.
    if (!(value >= MIN_MM_HG && value <= MAX_MM_HG)) {
      return OptionalInt.empty();
    }
    return OptionalInt.of((int) Math.round(value));
  }

  private static boolean anyCode(CodeableConcept cc, Set<String> codes) {
    return cc.getCoding().stream()
        .anyMatch(c -> c.getCode() != null && codes.contains(c.getCode()));
  }

  private static boolean anyCode(CodeableConcept cc) {
    return cc.getCoding().stream().anyMatch(c -> c.getCode() != null);
  }

  static void collect(CodeableConcept cc, List<Code> codes, List<String> names) {
    if (cc.hasText()) {
      names.add(cc.getText());
    }
    for (Coding coding : cc.getCoding()) {
      if (coding.getSystem() != null && coding.getCode() != null) {
        codes.add(new Code(coding.getSystem(), coding.getCode()));
      }
      if (coding.hasDisplay()) {
        names.add(coding.getDisplay());
      }
    }
  }

  private static String reference(org.hl7.fhir.r4.model.Resource r) {
    return r.hasIdElement() && r.getIdElement().hasIdPart()
        ? r.fhirType() + "/" + r.getIdElement().getIdPart()
        : r.fhirType();
  }
}
