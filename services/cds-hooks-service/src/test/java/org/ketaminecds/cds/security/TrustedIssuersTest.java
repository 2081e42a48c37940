package org.ketaminecds.cds.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A setting that would weaken a check stops the service from starting, naming the setting. */
class TrustedIssuersTest {

  private static SecurityProperties with(SecurityProperties.Issuer... issuers) {
    return new SecurityProperties(
        true,
        true,
        Duration.ofSeconds(60),
        Duration.ofMinutes(5),
        List.of(),
        1000,
        Duration.ofSeconds(2),
        List.of(issuers));
  }

  private static SecurityProperties.Issuer issuer(
      String jwksUrl, List<String> fhirServers, List<String> algorithms) {
    return new SecurityProperties.Issuer(
        "https://ehr.example.org", jwksUrl, List.of(), fhirServers, algorithms);
  }

  @Test
  void givenSoundSettings_thenTheIssuerIsTrusted_withCanonicalFhirServers() {
    var issuers =
        TrustedIssuers.from(
            with(
                issuer(
                    "https://ehr.example.org/jwks.json",
                    List.of("HTTPS://EHR.example.org:443/fhir/r4/"),
                    List.of("RS384", "ES384"))));

    var trusted = issuers.find("https://ehr.example.org").orElseThrow();
    assertThat(trusted.fhirServers()).containsExactly("https://ehr.example.org/fhir/r4");
    assertThat(issuers.find("https://ehr.example.org/")).as("iss must match exactly").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "HS384", "none"})
  void givenSymmetricOrNoAlgorithm_thenRefused(String algorithm) {
    var settings = with(issuer("https://ehr.example.org/jwks.json", List.of(), List.of(algorithm)));

    assertThatThrownBy(() -> TrustedIssuers.from(settings))
        .hasMessageContaining("cds.security.issuers[0].algorithms")
        .hasMessageContaining("never none or HMAC");
  }

  @Test
  void givenPlainHttpJwksOnAnotherMachine_thenRefused() {
    var settings = with(issuer("http://ehr.example.org/jwks.json", List.of(), List.of("RS384")));

    assertThatThrownBy(() -> TrustedIssuers.from(settings))
        .hasMessageContaining("cds.security.issuers[0].jwks-url must use https");
  }

  @Test
  void givenFhirServerWithQuery_thenRefused() {
    var settings =
        with(
            issuer(
                "https://ehr.example.org/jwks.json",
                List.of("https://ehr.example.org/fhir?tenant=1"),
                List.of("RS384")));

    assertThatThrownBy(() -> TrustedIssuers.from(settings))
        .hasMessageContaining("cds.security.issuers[0].fhir-servers[0]");
  }

  @Test
  void givenTheSameIssuerTwice_thenRefused() {
    var one = issuer("https://ehr.example.org/jwks.json", List.of(), List.of("RS384"));

    assertThatThrownBy(() -> TrustedIssuers.from(with(one, one)))
        .hasMessageContaining("listed twice");
  }
}
