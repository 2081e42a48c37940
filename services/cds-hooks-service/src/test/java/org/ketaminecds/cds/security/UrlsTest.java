package org.ketaminecds.cds.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "https://EHR.Example.org:443/fhir/, https://ehr.example.org/fhir",
    "http://127.0.0.1:8080/fhir, http://127.0.0.1:8080/fhir",
    "https://ehr.example.org, https://ehr.example.org",
    "https://ehr.example.org:8443/a/b, https://ehr.example.org:8443/a/b",
  })
  void equalUrlsHaveOneCanonicalForm(String url, String canonical) {
    assertThat(Urls.canonical(url)).contains(canonical);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "ftp://ehr.example.org/fhir",
        "https://user:pw@ehr.example.org/fhir",
        "https://ehr.example.org/fhir?x=1",
        "https://ehr.example.org/fhir#frag",
        "https://ehr.example.org/fhir/../admin",
        "/fhir",
        "not a url"
      })
  void urlsThatCouldDisguiseTheirTargetHaveNone(String url) {
    assertThat(Urls.canonical(url)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "localhost, true",
    "127.0.0.1, true",
    "127.1.2.3, true",
    "[::1], true",
    "10.0.0.1, false",
    "0.0.0.0, false",
    "localhost.example.org, false",
    "127.0.0.1.nip.io, false"
  })
  void loopbackIsJudgedFromTheTextAlone(String host, boolean loopback) {
    assertThat(Urls.isLoopback(host)).isEqualTo(loopback);
  }
}
