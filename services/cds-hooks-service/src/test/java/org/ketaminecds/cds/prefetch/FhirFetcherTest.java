package org.ketaminecds.cds.prefetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FhirFetcherTest {

  @ParameterizedTest(name = "{1} -> {2}")
  @CsvSource({
    "https://ehr.example.org/fhir, https://ehr.example.org/fhir?_getpages=abc&_offset=20, true",
    "https://ehr.example.org/fhir, https://ehr.example.org/fhir/MedicationRequest?page=2, true",
    "https://ehr.example.org/fhir, https://EHR.example.org:443/fhir/MedicationRequest?p=2, true",
    "https://ehr.example.org/fhir, https://ehr.example.org/fhirx/MedicationRequest, false",
    "https://ehr.example.org/fhir, https://ehr.example.org/other?page=2, false",
    "https://ehr.example.org/fhir, https://ehr.example.org/fhir/../admin, false",
    "https://ehr.example.org/fhir, https://ehr.example.org/fhir/%2e%2e/evil/Bundle, false",
    "https://ehr.example.org/fhir, https://ehr.example.org/fhir/%2E%2E/evil, false",
    "https://ehr.example.org/fhir, https://ehr.example.org/fhir/..%2fevil/Bundle, false",
    "https://ehr.example.org/fhir, https://ehr.example.org/fhir/.%2e/evil, false",
    "https://ehr.example.org/fhir, http://ehr.example.org/fhir?page=2, false",
    "https://ehr.example.org/fhir, https://ehr.example.org:8443/fhir?page=2, false",
    "https://ehr.example.org/fhir, https://ehr.example.org.evil.example/fhir?page=2, false",
    "https://ehr.example.org/fhir, https://user@ehr.example.org/fhir?page=2, false",
    "https://ehr.example.org/fhir, /fhir?page=2, false",
  })
  void nextPagesAreFollowedOnlyOnTheSameServer(String base, String next, boolean followed) {
    assertThat(FhirFetcher.onServer(base, next)).isEqualTo(followed);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "'Observation?patient=1&code=http://loinc.org|8480-6&_sort=-date&_count=10', true",
    "'Observation?_count=10&patient=1&_sort=date', true",
    "'Observation?patient=1&_count=10', false",
    "'Observation?patient=1&_sort=-date', false",
    "'MedicationRequest?patient=1&status=active', false",
    "'Patient/1', false",
    "'Observation?patient=1&x_sort=-date&y_count=10', false",
  })
  void onlyASortedSearchWithAPageSizeAsksForTheLatest(String query, boolean latest) {
    assertThat(FhirFetcher.asksForLatest(query)).isEqualTo(latest);
  }

  @Test
  void aFirstPageAnswersOnlyIfTheServerSortedItNewestFirst() {
    String query = "Observation?patient=1&_sort=-date&_count=10";
    Bundle sorted = page(reading("2026-11-20"), reading("2026-11-19"), reading("2026-11-19"));
    Bundle unsorted = page(reading("2026-11-19"), reading("2026-11-20"));
    Bundle undated = page(reading("2026-11-20"), new Observation());

    assertThat(FhirFetcher.firstPageAnswers(query, sorted)).isTrue();
    assertThat(FhirFetcher.firstPageAnswers(query, unsorted)).isFalse();
    assertThat(FhirFetcher.firstPageAnswers(query, undated)).isFalse();
    assertThat(FhirFetcher.firstPageAnswers(query, page())).isFalse();
    assertThat(FhirFetcher.firstPageAnswers("Observation?patient=1", sorted)).isFalse();
  }

  private static Observation reading(String day) {
    Observation o = new Observation();
    o.setEffective(new org.hl7.fhir.r4.model.DateTimeType(day));
    return o;
  }

  private static Bundle page(Resource... resources) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    for (Resource r : resources) {
      bundle.addEntry().setResource(r);
    }
    return bundle;
  }

  @Test
  void searchResultsOfTheTypeSearchedFor_orIncluded_orAnOutcome_areTaken() {
    assertThat(FhirFetcher.asked("MedicationRequest", entry(new MedicationRequest(), null)))
        .isInstanceOf(MedicationRequest.class);
    assertThat(
            FhirFetcher.asked(
                "MedicationRequest", entry(new Medication(), SearchEntryMode.INCLUDE)))
        .isInstanceOf(Medication.class);
    assertThat(
            FhirFetcher.asked(
                "MedicationRequest", entry(new OperationOutcome(), SearchEntryMode.OUTCOME)))
        .isInstanceOf(OperationOutcome.class);
  }

  @Test
  void anOutcomeReportingAnError_makesTheSearchIncomplete_aWarningDoesNot() {
    OperationOutcome error = new OperationOutcome();
    error.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR);
    OperationOutcome warning = new OperationOutcome();
    warning.addIssue().setSeverity(OperationOutcome.IssueSeverity.WARNING);

    assertThatThrownBy(
            () -> FhirFetcher.asked("MedicationRequest", entry(error, SearchEntryMode.OUTCOME)))
        .isInstanceOf(IncompleteFetchException.class)
        .hasMessage("the server reported an error in its search results");
    assertThat(FhirFetcher.asked("MedicationRequest", entry(warning, SearchEntryMode.OUTCOME)))
        .isSameAs(warning);
  }

  @Test
  void aSearchAnsweredWithAnotherType_isIncomplete_notAnEmptyList() {
    assertThatThrownBy(
            () ->
                FhirFetcher.asked(
                    "MedicationRequest", entry(new Condition(), SearchEntryMode.MATCH)))
        .isInstanceOf(IncompleteFetchException.class)
        .hasMessage("a search for MedicationRequest returned a Condition");
    assertThatThrownBy(
            () -> FhirFetcher.asked("MedicationStatement", entry(new Medication(), null)))
        .isInstanceOf(IncompleteFetchException.class);
  }

  private static Bundle.BundleEntryComponent entry(Resource resource, SearchEntryMode mode) {
    Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent().setResource(resource);
    if (mode != null) {
      entry.getSearch().setMode(mode);
    }
    return entry;
  }
}
