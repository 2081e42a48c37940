package org.ketaminecds.cds.hooks;

/**
 * The access token the EHR lends us for its FHIR server. Never logged, never audited: {@link
 * #toString()} leaves the token out.
 */
public record FhirAuthorization(
    String accessToken, String tokenType, long expiresIn, String scope, String subject) {

  @Override
  public String toString() {
    return "FhirAuthorization[tokenType=" + tokenType + ", scope=" + scope + "]";
  }
}
