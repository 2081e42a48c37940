package org.ketaminecds.cds.audit;

/**
 * A patient as audit events name them: the FHIR id, or its keyed pseudonym when the site has
 * pseudonymisation on.
 *
 * @param value the id, or the HMAC-SHA256 of the id as lower-case hex
 */
record PatientRef(String value, boolean pseudonymous) {

  static final String PSEUDONYM_SYSTEM = "urn:ketamine-cds:patient-pseudonym";
}
