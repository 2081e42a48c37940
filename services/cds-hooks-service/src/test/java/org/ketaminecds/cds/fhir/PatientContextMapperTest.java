package org.ketaminecds.cds.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ketaminecds.engine.BloodPressure;

/** Blood-pressure readings as the rules see them. */
class PatientContextMapperTest {

  private static final LocalDate TODAY = LocalDate.of(2026, 11, 21);

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "146, mm[Hg], 146",
    "145.6, mm[Hg], 146",
    "20, kPa, 150",
    "400, mm[Hg], 400",
    // No reading: zero, negative, beyond any body, beyond an int (used to wrap to a negative).
    "0, mm[Hg], ",
    "-120, mm[Hg], ",
    "401, mm[Hg], ",
    "3000000000, mm[Hg], ",
    "1e300, mm[Hg], ",
  })
  void systolicValues(String value, String unit, Integer expected) {
    Optional<BloodPressure> bp = latest(panel("bp", "2026-11-20T08:00:00Z", value, unit, "88"));
    assertThat(bp).isPresent();
    assertThat(bp.get().systolic())
        .isEqualTo(expected == null ? OptionalInt.empty() : OptionalInt.of(expected));
    assertThat(bp.get().diastolic()).hasValue(88);
  }

  @Test
  void aLatestReadingWithNoUsableValue_leavesTheOneBeforeIt() {
    Optional<BloodPressure> bp =
        latest(
            panel("older", "2026-11-19T08:00:00Z", "162", "mm[Hg]", "95"),
            panel("newer", "2026-11-20T08:00:00Z", "3000000000", "mm[Hg]", "-1"));
    assertThat(bp).map(BloodPressure::reference).hasValue("Observation/older");
    assertThat(bp.get().atLeast(160, 100)).isTrue();
  }

  @Test
  void componentsCodedWithLoincsOidAreRead() {
    Observation o = panel("oid", "2026-11-20T08:00:00Z", "150", "mm[Hg]", "92");
    for (Observation.ObservationComponentComponent c : o.getComponent()) {
      c.getCode().getCodingFirstRep().setSystem("urn:oid:2.16.840.1.113883.6.1");
    }
    assertThat(latest(o)).map(bp -> bp.atLeast(140, 90)).hasValue(true);
    o.getComponentFirstRep()
        .getCode()
        .getCodingFirstRep()
        .setSystem("http://example.org/not-loinc");
    assertThat(latest(o).get().systolic()).isEmpty();
  }

  private static Optional<BloodPressure> latest(Observation... observations) {
    return new PatientContextMapper()
        .map(Optional.empty(), List.of(), List.of(observations), TODAY)
        .latestBloodPressure();
  }

  private static Observation panel(
      String id, String when, String systolic, String unit, String diastolic) {
    Observation o = new Observation();
    o.setId(id);
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setCode(loinc(PatientContextMapper.BP_PANEL));
    o.setEffective(new DateTimeType(when));
    o.addComponent()
        .setCode(loinc(PatientContextMapper.SYSTOLIC))
        .setValue(new Quantity().setValue(new BigDecimal(systolic)).setUnit(unit).setCode(unit));
    o.addComponent()
        .setCode(loinc(PatientContextMapper.DIASTOLIC))
        .setValue(
            new Quantity().setValue(new BigDecimal(diastolic)).setUnit("mm[Hg]").setCode("mm[Hg]"));
    return o;
  }

  private static CodeableConcept loinc(String code) {
    return new CodeableConcept(new Coding("http://loinc.org", code, null));
  }
}
