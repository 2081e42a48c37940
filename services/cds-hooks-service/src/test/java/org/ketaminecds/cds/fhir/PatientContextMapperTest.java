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
import org.hl7.fhir.r4.model.InstantType;
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
    "152, mmHg, 152",
    "15.2, cm[Hg], 152",
    // A unit no blood pressure is written in: no reading, not 190 mmHg.
    "190, %, ",
    "190, [fur_us], ",
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

  /** Each way an EHR codes a reading: the panel's code and its components' codes. */
  @ParameterizedTest(name = "{0}: panel {1}|{2}, components {3} / {4}")
  @CsvSource({
    "R4 vital signs, http://loinc.org, 85354-9, 8480-6, 8462-4",
    "older LOINC panel, http://loinc.org, 55284-4, 8480-6, 8462-4",
    "sitting, http://loinc.org, 35094-2, 8459-0, 8453-3",
    "standing, http://loinc.org, 85354-9, 8460-8, 8454-1",
    "supine, http://loinc.org, 85354-9, 8461-6, 8455-8",
    "non-invasive, http://loinc.org, 85354-9, 76534-7, 76535-4",
    "UK GP system, http://snomed.info/sct, 163020007, 72313002, 1091811000000102",
    "SNOMED CT, http://snomed.info/sct, 75367002, 271649006, 271650006",
    "SNOMED CT lying, http://snomed.info/sct, 163033001, 407556006, 407557002",
    "SNOMED CT standing, http://snomed.info/sct, 163034007, 400974009, 400975005",
    "SNOMED CT sitting, http://snomed.info/sct, 163035008, 407554009, 407555005",
  })
  void aReadingIsFoundWhicheverCodesItCarries(
      String how, String system, String panel, String systolic, String diastolic) {
    Observation o = new Observation();
    o.setId("bp");
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setCode(new CodeableConcept(new Coding(system, panel, null)));
    o.setEffective(new DateTimeType("2026-11-20T08:00:00Z"));
    o.addComponent()
        .setCode(new CodeableConcept(new Coding(system, systolic, null)))
        .setValue(new Quantity().setValue(184).setUnit("mmHg").setCode("mm[Hg]"));
    o.addComponent()
        .setCode(new CodeableConcept(new Coding(system, diastolic, null)))
        .setValue(new Quantity().setValue(112).setUnit("mmHg").setCode("mm[Hg]"));
    Optional<BloodPressure> bp = latest(o);
    assertThat(bp).map(BloodPressure::systolic).hasValue(OptionalInt.of(184));
    assertThat(bp).map(BloodPressure::diastolic).hasValue(OptionalInt.of(112));
  }

  @Test
  void aSittingSystolicRecordedOnItsOwnIsRead() {
    Observation o = new Observation();
    o.setId("sbp");
    o.setCode(loinc("8459-0"));
    o.setEffective(new DateTimeType("2026-11-20T08:00:00Z"));
    o.setValue(new Quantity().setValue(181).setUnit("mmHg").setCode("mm[Hg]"));
    assertThat(latest(o)).map(bp -> bp.atLeast(180, 110)).hasValue(true);
  }

  @Test
  void systolicAndDiastolicRecordedApartAtOneTimeAreOneReading() {
    Observation systolic = single("sbp", "8480-6", "2026-11-20T08:00:00Z", 150);
    Observation diastolic = single("dbp", "8462-4", "2026-11-20T08:00:00Z", 115);
    Observation earlier = single("old", "8462-4", "2026-11-19T08:00:00Z", 70);

    for (List<Observation> order :
        List.of(List.of(systolic, diastolic, earlier), List.of(earlier, diastolic, systolic))) {
      BloodPressure bp = latest(order.toArray(Observation[]::new)).orElseThrow();
      assertThat(bp.display()).isEqualTo("150/115 mmHg");
      assertThat(bp.atLeast(180, 110)).isTrue();
    }
  }

  @Test
  void aReadingTimedAsAnInstantCountsByThatTime() {
    Observation newer = single("newer", "8480-6", "2026-11-20T08:00:00Z", 186);
    newer.setEffective(new InstantType("2026-11-21T06:30:00Z"));
    Observation older = single("older", "8480-6", "2026-11-20T09:00:00Z", 120);
    assertThat(latest(older, newer)).map(BloodPressure::reference).hasValue("Observation/newer");
  }

  @Test
  void partsTakenAtDifferentTimesAreNotCombined() {
    BloodPressure bp =
        latest(
                single("sbp", "8480-6", "2026-11-20T08:00:00Z", 150),
                single("dbp", "8462-4", "2026-11-20T07:00:00Z", 115))
            .orElseThrow();
    assertThat(bp.display()).isEqualTo("150/? mmHg");
  }

  @Test
  void aSnomedCodeUnderLoincsSystemIsNoReading() {
    Observation o = panel("mixed", "2026-11-20T08:00:00Z", "150", "mm[Hg]", "92");
    o.getComponentFirstRep().getCode().getCodingFirstRep().setCode("271649006");
    assertThat(latest(o).get().systolic()).isEmpty();
    assertThat(latest(o).get().diastolic()).hasValue(92);
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
    o.setCode(loinc("85354-9"));
    o.setEffective(new DateTimeType(when));
    o.addComponent()
        .setCode(loinc("8480-6"))
        .setValue(new Quantity().setValue(new BigDecimal(systolic)).setUnit(unit).setCode(unit));
    o.addComponent()
        .setCode(loinc("8462-4"))
        .setValue(
            new Quantity().setValue(new BigDecimal(diastolic)).setUnit("mm[Hg]").setCode("mm[Hg]"));
    return o;
  }

  private static Observation single(String id, String loinc, String when, int mmHg) {
    Observation o = new Observation();
    o.setId(id);
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setCode(loinc(loinc));
    o.setEffective(new DateTimeType(when));
    o.setValue(new Quantity().setValue(mmHg).setUnit("mmHg").setCode("mm[Hg]"));
    return o;
  }

  private static CodeableConcept loinc(String code) {
    return new CodeableConcept(new Coding("http://loinc.org", code, null));
  }
}
