package org.ketaminecds.cds.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ketaminecds.engine.Code;
import org.ketaminecds.engine.Origin;
import org.ketaminecds.engine.Route;

/** The FHIR shapes EHRs send a medication in, mapped onto the engine's record. */
class MedicationMapperTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final LocalDate TODAY = LocalDate.of(2026, 6, 1);
  private static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";

  private final MedicationMapper mapper = new MedicationMapper(Map.of(), ZoneOffset.UTC);

  private static <T extends Resource> T parse(Class<T> type, String json) {
    return FHIR.newJsonParser().parseResource(type, json);
  }

  private static MedicationRequest request(String status, String medication, String extra) {
    return parse(
        MedicationRequest.class,
        """
        {"resourceType": "MedicationRequest", "id": "r1", "status": "%s", "intent": "order",
         %s %s "subject": {"reference": "Patient/p1"}}
        """
            .formatted(status, medication, extra.isEmpty() ? "" : extra + ","));
  }

  private static final String PRODUCT =
      """
      "medicationCodeableConcept": {"coding": [{"system": "%s", "code": "312347",
        "display": "phenelzine 15 MG Oral Tablet"}], "text": "Phenelzine 15 mg tab"},
      """
          .formatted(RXNORM);

  @Test
  void aCodedProductGivesItsCodeAndItsNames() {
    var m = mapper.fromRequest(request("active", PRODUCT, ""), Origin.REQUEST, TODAY).orElseThrow();

    assertThat(m.reference()).isEqualTo("MedicationRequest/r1");
    assertThat(m.codes()).containsExactly(Code.rxnorm("312347"));
    assertThat(m.names()).contains("Phenelzine 15 mg tab", "phenelzine 15 MG Oral Tablet");
    assertThat(m.isActive()).isTrue();
  }

  @Test
  void freeTextAloneIsKeptAsAName() {
    var m =
        mapper
            .fromRequest(
                request(
                    "active", "\"medicationCodeableConcept\": {\"text\": \"Nardil 15mg\"},", ""),
                Origin.REQUEST,
                TODAY)
            .orElseThrow();

    assertThat(m.codes()).isEmpty();
    assertThat(m.names()).containsExactly("Nardil 15mg");
  }

  @Test
  void aContainedMedicationWithIngredientsGivesEachIngredientsCode() {
    MedicationRequest r =
        request(
            "active",
            """
            "contained": [{"resourceType": "Medication", "id": "combo",
              "code": {"text": "Symbyax 6/25"},
              "ingredient": [
                {"itemCodeableConcept": {"coding": [{"system": "%1$s", "code": "61381"}]}},
                {"itemCodeableConcept": {"coding": [{"system": "%1$s", "code": "4493"}]}}]}],
            "medicationReference": {"reference": "#combo"},
            """
                .formatted(RXNORM),
            "");

    var m = mapper.fromRequest(r, Origin.REQUEST, TODAY).orElseThrow();

    assertThat(m.codes()).contains(Code.rxnorm("61381"), Code.rxnorm("4493"));
    assertThat(m.names()).contains("Symbyax 6/25");
    assertThat(mapper.missingMedication(r)).isEmpty();
  }

  @Test
  void aMedicationElsewhereInTheRequestIsFoundByRelativeOrAbsoluteReference() {
    Medication med =
        parse(
            Medication.class,
            """
            {"resourceType": "Medication", "id": "m9",
             "code": {"coding": [{"system": "%s", "code": "8123"}]}}
            """
                .formatted(RXNORM));
    MedicationMapper withBundle =
        new MedicationMapper(Map.of("Medication/m9", med), ZoneOffset.UTC);

    for (String ref :
        new String[] {"Medication/m9", "https://ehr.example/fhir/Medication/m9/_history/3"}) {
      MedicationRequest r =
          request("active", "\"medicationReference\": {\"reference\": \"" + ref + "\"},", "");
      assertThat(withBundle.fromRequest(r, Origin.REQUEST, TODAY).orElseThrow().codes())
          .as(ref)
          .containsExactly(Code.rxnorm("8123"));
    }
  }

  @Test
  void aReferenceToAMedicationNotAtHandIsReportedMissing() {
    MedicationRequest r =
        request("active", "\"medicationReference\": {\"reference\": \"Medication/gone\"},", "");

    assertThat(mapper.missingMedication(r)).contains("Medication/gone");
    assertThat(mapper.unidentified(r)).isTrue();
  }

  @ParameterizedTest(name = "status {0} counts: {1}")
  @CsvSource({
    "active, true",
    "on-hold, true",
    "unknown, true",
    "cancelled, false",
    "entered-in-error, false",
    "draft, false"
  })
  void aRecordedRequestCountsByStatus(String status, boolean counts) {
    assertThat(mapper.fromRequest(request(status, PRODUCT, ""), Origin.REQUEST, TODAY).isPresent())
        .isEqualTo(counts);
  }

  @Test
  void anOrderNotToGiveTheDrugDoesNotCountRecordedOrDraft() {
    MedicationRequest doNot = request("active", PRODUCT, "\"doNotPerform\": true");
    assertThat(mapper.fromRequest(doNot, Origin.REQUEST, TODAY)).isEmpty();
    assertThat(mapper.fromRequest(doNot, Origin.DRAFT_ORDER, TODAY)).isEmpty();
    MedicationRequest explicit = request("active", PRODUCT, "\"doNotPerform\": false");
    assertThat(mapper.fromRequest(explicit, Origin.REQUEST, TODAY)).isPresent();
  }

  @Test
  void aStoppedRequestEndsWhenItsRecordLastChanged() {
    var m =
        mapper
            .fromRequest(
                request(
                    "stopped", PRODUCT, "\"meta\": {\"lastUpdated\": \"2026-05-20T10:00:00Z\"}"),
                Origin.REQUEST,
                TODAY)
            .orElseThrow();

    assertThat(m.endedOn()).contains(LocalDate.of(2026, 5, 20));
  }

  @Test
  void aCompletedRequestWithNoDateAtAllCountsAsLongEnded() {
    var m = mapper.fromRequest(request("completed", PRODUCT, ""), Origin.REQUEST, TODAY);

    assertThat(m.orElseThrow().endedOn()).contains(LocalDate.MIN);
  }

  @Test
  void anActiveRequestWhoseCourseEndedIsEnded() {
    String dosage =
        """
        "dosageInstruction": [{"timing": {"repeat": {"boundsPeriod":
          {"start": "2026-04-01", "end": "2026-05-01"}}}}]
        """;
    var m = mapper.fromRequest(request("active", PRODUCT, dosage), Origin.REQUEST, TODAY);

    assertThat(m.orElseThrow().endedOn()).contains(LocalDate.of(2026, 5, 1));
  }

  private static MedicationStatement statement(String status, String extra) {
    return parse(
        MedicationStatement.class,
        """
        {"resourceType": "MedicationStatement", "id": "s1", "status": "%s",
         "medicationCodeableConcept": {"text": "St. John's Wort 300 mg"}, %s
         "subject": {"reference": "Patient/p1"}}
        """
            .formatted(status, extra.isEmpty() ? "" : extra + ","));
  }

  @Test
  void aPatientReportedHerbalProductCounts() {
    var m = mapper.fromStatement(statement("active", ""), TODAY).orElseThrow();

    assertThat(m.origin()).isEqualTo(Origin.STATEMENT);
    assertThat(m.reference()).isEqualTo("MedicationStatement/s1");
    assertThat(m.names()).containsExactly("St. John's Wort 300 mg");
    assertThat(m.isActive()).isTrue();
  }

  @Test
  void aStatementWhoseEffectivePeriodEndedIsEnded() {
    var m =
        mapper.fromStatement(
            statement("active", "\"effectivePeriod\": {\"end\": \"2026-05-25\"}"), TODAY);

    assertThat(m.orElseThrow().endedOn()).contains(LocalDate.of(2026, 5, 25));
  }

  @Test
  void aStatementNotTakenOrEnteredInErrorDoesNotCount() {
    assertThat(mapper.fromStatement(statement("not-taken", ""), TODAY)).isEmpty();
    assertThat(mapper.fromStatement(statement("entered-in-error", ""), TODAY)).isEmpty();
  }

  @Test
  void theRouteComesFromTheDosageOrElseFromTheProductName() {
    String oral =
        """
        "dosageInstruction": [{"route": {"coding": [{"system": "http://snomed.info/sct",
          "code": "26643006"}]}}]
        """;
    var byDosage = mapper.fromRequest(request("draft", PRODUCT, oral), Origin.DRAFT_ORDER, TODAY);
    var byName =
        mapper.fromRequest(
            request(
                "draft",
                "\"medicationCodeableConcept\": {\"text\": \"Spravato 28 mg nasal spray\"},",
                ""),
            Origin.DRAFT_ORDER,
            TODAY);

    assertThat(byDosage.map(m -> m.route())).isEqualTo(Optional.of(Route.ORAL));
    assertThat(byName.map(m -> m.route())).isEqualTo(Optional.of(Route.INTRANASAL));
  }

  @Test
  void anOralRouteAsCliniciansWriteIt() {
    for (String route :
        new String[] {
          "\"dosageInstruction\": [{\"text\": \"50 mg PO before the session\"}]",
          "\"dosageInstruction\": [{\"text\": \"1 troche SL once weekly\"}]",
          "\"dosageInstruction\": [{\"route\": {\"text\": \"orally\"}}]",
          "\"dosageInstruction\": [{\"route\": {\"coding\": [{\"system\": "
              + "\"http://snomed.info/sct\", \"code\": \"372473007\"}]}}]"
        }) {
      var mapped =
          mapper.fromRequest(
              request(
                  "draft",
                  "\"medicationCodeableConcept\": {\"text\": \"Ketamine compounded\"},",
                  route),
              Origin.DRAFT_ORDER,
              TODAY);
      assertThat(mapped.map(m -> m.route())).as(route).isEqualTo(Optional.of(Route.ORAL));
    }
    assertThat(MedicationMapper.routeFromText("Ketamine 50 mg ODT")).isEqualTo(Route.ORAL);
  }
}
