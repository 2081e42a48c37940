package org.ketaminecds.cds.security;

import java.util.UUID;

/**
 * Realistic CDS Hooks request bodies: an IV ketamine order for a patient on phenelzine (an MAOI),
 * with a recognisable name, MRN and ids, so tests can look for them where they must not be.
 */
final class HookBodies {

  static final String PATIENT_ID = "pt-40417713";
  static final String MRN = "MRN-40417713";
  static final String FAMILY = "Quackenbush";
  static final String GIVEN = "Wilhelmina";
  static final String USER = "Practitioner/dr-ramsbottom";

  private HookBodies() {}

  static String patient() {
    return """
        {"resourceType": "Patient", "id": "%s",
         "identifier": [{"system": "urn:oid:1.2.36.146.595.217.0.1", "value": "%s"}],
         "name": [{"family": "%s", "given": ["%s"]}], "birthDate": "1961-04-02"}"""
        .formatted(PATIENT_ID, MRN, FAMILY, GIVEN);
  }

  static String phenelzine() {
    return """
        {"resourceType": "MedicationRequest", "id": "phenelzine-1", "status": "active",
         "intent": "order",
         "medicationCodeableConcept": {"coding": [{"system":
           "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "8123",
           "display": "phenelzine"}], "text": "Phenelzine 15 mg tablet"},
         "subject": {"reference": "Patient/%s"}}"""
        .formatted(PATIENT_ID);
  }

  private static String context(String hook) {
    return """
        "hook": "%s", "hookInstance": "%s",
        "context": {"userId": "%s", "patientId": "%s",
          "draftOrders": {"resourceType": "Bundle", "type": "collection", "entry": [{"resource":
            {"resourceType": "MedicationRequest", "id": "ketamine-draft-1", "status": "draft",
             "intent": "order",
             "medicationCodeableConcept": {"coding": [{"system":
               "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "238083",
               "display": "ketamine HCl 100 MG/ML Injectable Solution"}]},
             "subject": {"reference": "Patient/%s"},
             "dosageInstruction": [{"text": "0.5 mg/kg IV over 40 minutes for %s %s"}]}}]}}"""
        .formatted(hook, UUID.randomUUID(), USER, PATIENT_ID, PATIENT_ID, GIVEN, FAMILY);
  }

  /** order-sign with everything prefetched. */
  static String orderSignPrefetched() {
    return "{"
        + context("order-sign")
        + """
        , "prefetch": {"patient": %s,
          "medicationRequests": {"resourceType": "Bundle", "type": "searchset",
            "entry": [{"resource": %s}]},
          "medicationStatements": null, "conditions": null, "bloodPressure": null}}"""
            .formatted(patient(), phenelzine());
  }

  /** order-sign with nothing prefetched: the service must read from fhirServer. */
  static String orderSignFetching(String fhirServer, String accessToken) {
    return "{"
        + context("order-sign")
        + """
        , "fhirServer": "%s",
          "fhirAuthorization": {"access_token": "%s", "token_type": "Bearer",
            "expires_in": 300, "scope": "patient/*.read", "subject": "ketamine-cds"}}"""
            .formatted(fhirServer, accessToken);
  }

  static String feedback(String comment) {
    return """
        {"feedback": [{"card": "%s", "outcome": "overridden",
          "overrideReason": {"userComment": "%s"},
          "outcomeTimestamp": "2025-01-01T10:00:00Z"}]}"""
        .formatted(UUID.randomUUID(), comment);
  }
}
