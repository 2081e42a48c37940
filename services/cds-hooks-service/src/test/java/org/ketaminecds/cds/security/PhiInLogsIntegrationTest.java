package org.ketaminecds.cds.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ketaminecds.cds.testing.CdsHttp;
import org.ketaminecds.cds.testing.TestFhirServer;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * No patient data and no token in the logs: realistic calls that succeed, fetch, fail and are
 * refused, carrying a recognisable name, MRN, ids and tokens, through the service as configured by
 * default (the real audit recorder included), then the whole captured output is searched for them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class PhiInLogsIntegrationTest {

  static final String SIGN = "/cds-services/ketamine-order-sign";

  @LocalServerPort int port;

  @Test
  void realisticCalls_leaveNoPatientDataOrTokenInTheLogs(CapturedOutput output) {
    TestFhirServer ehr = TestFhirServer.shared();
    var parser = FhirContext.forR4Cached().newJsonParser();
    ehr.add(
        parser.parseResource(Patient.class, HookBodies.patient()),
        parser.parseResource(MedicationRequest.class, HookBodies.phenelzine()));
    CdsHttp http = new CdsHttp(port);
    String endpoint = "http://127.0.0.1:" + port + SIGN;
    String fhirToken = "fhir-access-" + UUID.randomUUID();
    String missingPatient = "pt-missing-55501234";
    List<String> jwts = new ArrayList<>();
    // The stand-in EHR's FHIR server logs the ids it cannot find; its log is not the service's.
    LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
    logging.setLogLevel("ca.uhn.fhir.rest.server", LogLevel.OFF);
    try {
      call(http, jwts, endpoint, HookBodies.orderSignPrefetched());
      call(http, jwts, endpoint, HookBodies.orderSignFetching(ehr.baseUrl(), fhirToken));
      // A patient the FHIR server does not know: the fetch fails with the id in its URL.
      call(
          http,
          jwts,
          endpoint,
          HookBodies.orderSignFetching(ehr.baseUrl(), fhirToken)
              .replace(HookBodies.PATIENT_ID, missingPatient));
      // A FHIR server not on the allow-list, with the MRN in its path.
      call(
          http,
          jwts,
          endpoint,
          HookBodies.orderSignFetching(
              "https://fhir.elsewhere.example/" + HookBodies.MRN, fhirToken));
      // Invalid FHIR whose bad value is the patient's name.
      call(
          http,
          jwts,
          endpoint,
          HookBodies.orderSignPrefetched().replace("1961-04-02", HookBodies.FAMILY));
      // Refused tokens: expired, and one used twice.
      String expired =
          TestTokens.sign(
              new JWTClaimsSet.Builder()
                  .issuer(TestTokens.ISSUER)
                  .subject(HookBodies.MRN)
                  .audience(endpoint)
                  .issueTime(Date.from(Instant.now().minusSeconds(900)))
                  .expirationTime(Date.from(Instant.now().minusSeconds(600)))
                  .jwtID(UUID.randomUUID().toString())
                  .build());
      jwts.add(expired);
      post(http, endpoint, expired, HookBodies.orderSignPrefetched());
      post(http, endpoint, jwts.get(0), HookBodies.orderSignPrefetched());
      // Feedback whose comment names the patient.
      String feedback = TestTokens.token(endpoint);
      jwts.add(feedback);
      post(
          http,
          endpoint + "/feedback",
          feedback,
          HookBodies.feedback(HookBodies.GIVEN + " " + HookBodies.FAMILY + " declined"));
    } finally {
      logging.setLogLevel("ca.uhn.fhir.rest.server", null);
    }

    String logs = output.getAll();
    assertThat(logs)
        .as("the capture sees the service log each path")
        .contains(
            "FHIR fetch for prefetch key patient failed",
            "not reading from fhirServer",
            "refused a call: expired",
            "refused a call: replayed");
    assertThat(logs)
        .doesNotContain(
            HookBodies.PATIENT_ID,
            missingPatient,
            HookBodies.MRN,
            HookBodies.FAMILY,
            HookBodies.GIVEN,
            "dr-ramsbottom",
            fhirToken);
    for (String jwt : jwts) {
      assertThat(logs).doesNotContain(jwt.substring(jwt.lastIndexOf('.') + 1));
    }
  }

  private static void call(CdsHttp http, List<String> jwts, String endpoint, String body) {
    String token = TestTokens.token(endpoint);
    jwts.add(token);
    post(http, endpoint, token, body);
  }

  private static void post(CdsHttp http, String url, String token, String body) {
    http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }
}
