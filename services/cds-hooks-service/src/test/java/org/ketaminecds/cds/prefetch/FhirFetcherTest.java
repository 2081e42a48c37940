package org.ketaminecds.cds.prefetch;

import static org.assertj.core.api.Assertions.assertThat;

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
    "https://ehr.example.org/fhir, http://ehr.example.org/fhir?page=2, false",
    "https://ehr.example.org/fhir, https://ehr.example.org:8443/fhir?page=2, false",
    "https://ehr.example.org/fhir, https://ehr.example.org.evil.example/fhir?page=2, false",
    "https://ehr.example.org/fhir, https://user@ehr.example.org/fhir?page=2, false",
    "https://ehr.example.org/fhir, /fhir?page=2, false",
  })
  void nextPagesAreFollowedOnlyOnTheSameServer(String base, String next, boolean followed) {
    assertThat(FhirFetcher.onServer(base, next)).isEqualTo(followed);
  }
}
