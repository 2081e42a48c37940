package org.ketaminecds.cds.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PatientMatchTest {

  static final String THIS = "p-1";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Patient/p-2",
        "https://ehr.example.org/fhir/Patient/p-2",
        "https://ehr.example.org/fhir/Patient/p-2/_history/3",
        "Patient/P-1",
        "https://other-ehr.example.org/fhir/Patient/p-10"
      })
  void givenASubjectNamingAnotherPatient_thenAnotherPatient(String reference) {
    assertThat(PatientMatch.ofAnotherPatient(request(reference), THIS)).isTrue();
    assertThat(
            PatientMatch.ofAnotherPatient(
                new MedicationStatement().setSubject(new Reference(reference)), THIS))
        .isTrue();
    assertThat(
            PatientMatch.ofAnotherPatient(
                new Condition().setSubject(new Reference(reference)), THIS))
        .isTrue();
    assertThat(
            PatientMatch.ofAnotherPatient(
                new Observation().setSubject(new Reference(reference)), THIS))
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Patient/p-1",
        "https://ehr.example.org/fhir/Patient/p-1",
        "https://ehr.example.org/fhir/Patient/p-1/_history/2",
        "#p",
        "Patient/",
        "urn:uuid:0b6a6c1e-4f2b-4b55-9d7e-0c4f3b0e9a11",
        "Group/g-2",
        "Patient?identifier=urn:mrn|123"
      })
  void givenASubjectThatNamesNoOtherPatient_thenThisPatients(String reference) {
    assertThat(PatientMatch.ofAnotherPatient(request(reference), THIS)).isFalse();
  }

  @Test
  void givenNoSubjectOrALogicalOne_thenThisPatients() {
    assertThat(PatientMatch.ofAnotherPatient(new MedicationRequest(), THIS)).isFalse();
    Reference logical = new Reference().setIdentifier(new Identifier().setValue("MRN-2"));
    assertThat(PatientMatch.ofAnotherPatient(new MedicationRequest().setSubject(logical), THIS))
        .isFalse();
  }

  @Test
  void givenAPatient_thenItsIdIsCompared() {
    assertThat(PatientMatch.ofAnotherPatient(new Patient().setId("p-2"), THIS)).isTrue();
    assertThat(PatientMatch.ofAnotherPatient(new Patient().setId("Patient/p-2"), THIS)).isTrue();
    assertThat(PatientMatch.ofAnotherPatient(new Patient().setId("p-1"), THIS)).isFalse();
    assertThat(
            PatientMatch.ofAnotherPatient(
                new Patient().setId("https://ehr.example.org/fhir/Patient/p-1/_history/4"), THIS))
        .isFalse();
    assertThat(PatientMatch.ofAnotherPatient(new Patient(), THIS)).isFalse();
  }

  @Test
  void givenAResourceNamingItsPatientAsPatient_thenThatIsCompared() {
    AllergyIntolerance allergy = new AllergyIntolerance().setPatient(new Reference("Patient/p-2"));
    assertThat(PatientMatch.ofAnotherPatient(allergy, THIS)).isTrue();
  }

  @Test
  void givenAResourceOfNoPatient_thenThisPatients() {
    assertThat(PatientMatch.ofAnotherPatient(new Medication().setId("m-1"), THIS)).isFalse();
  }

  private static MedicationRequest request(String subject) {
    return new MedicationRequest().setSubject(new Reference(subject));
  }
}
