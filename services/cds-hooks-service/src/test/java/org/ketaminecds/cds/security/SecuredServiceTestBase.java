package org.ketaminecds.cds.security;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.ketaminecds.cds.testing.TestFhirServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * CDS Hooks 2.0 "Trusting CDS Clients" end to end: real tokens signed with keys made here, the
 * EHR's JWK Set served over HTTP on loopback, the service on a random port. Each way a token can be
 * wrong gets 401 naming the check, is recorded on the audit port, and never echoes the token.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "cds.security.audiences[0]=" + SecuredServiceTestBase.AUDIENCE,
      // The stand-in EHR's FHIR server logs the ids it is asked for; its log is not ours (the
      // service itself uses HAPI's client only, never its server).
      "logging.level.ca.uhn.fhir.rest.server=OFF",
      // Generous on a loaded build machine: these tests are about where data comes from, not how
      // fast (the time limit has its own place).
      "cds.fhir.read-timeout=10s",
      "cds.fhir.total-timeout=15s"
    })
@Import(RecordingAuditRecorder.Config.class)
abstract class SecuredServiceTestBase {

  static final String ISSUER = "https://ehr.example.org";
  static final String AUDIENCE = "https://cds.example.org/cds-services/ketamine-order-sign";
  static final String SIGN = "/cds-services/ketamine-order-sign";

  static final RSAKey RSA = rsa("ehr-rsa-1");
  static final ECKey EC = ec("ehr-ec-1");
  static final ECKey ROTATED = ec("ehr-ec-2");
  static final JwksServer JWKS = new JwksServer();
  static final TestFhirServer FHIR = new TestFhirServer();

  static {
    // Stored once, before any test captures output: the stand-in EHR server logs what it stores.
    storePatientOn(FHIR);
  }

  @DynamicPropertySource
  static void trustTheEhr(DynamicPropertyRegistry registry) {
    String jwks = JWKS.serve("/jwks.json", new JWKSet(List.of(RSA, EC)));
    String rotated = JWKS.serve("/next-jwks.json", new JWKSet(ROTATED));
    registry.add("cds.security.issuers[0].issuer", () -> ISSUER);
    registry.add("cds.security.issuers[0].jwks-url", () -> jwks);
    registry.add("cds.security.issuers[0].jku-allow-list[0]", () -> rotated);
    registry.add("cds.security.issuers[0].fhir-servers[0]", FHIR::baseUrl);
  }

  @Autowired TestRestTemplate rest;
  @Autowired RecordingAuditRecorder audit;
  @Autowired ObjectMapper json;
  @LocalServerPort int port;

  String url(String path) {
    return "http://localhost:" + port + path;
  }

  ResponseEntity<String> post(String path, String body, String authorization) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    if (authorization != null) {
      headers.set(HttpHeaders.AUTHORIZATION, authorization);
    }
    return rest.exchange(url(path), HttpMethod.POST, new HttpEntity<>(body, headers), String.class);
  }

  JsonNode read(ResponseEntity<String> response) throws Exception {
    return json.readTree(response.getBody());
  }

  // ---- tokens -------------------------------------------------------------------------------

  static JWTClaimsSet.Builder claims(String audience) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject("ehr-client-7")
        .audience(audience)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(120)))
        .jwtID(UUID.randomUUID().toString())
        .claim("tenant", "hospital-a");
  }

  static String sign(JWSAlgorithm alg, JWSSigner signer, String kid, URI jku, JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid).jwkURL(jku).build(),
              claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static String rs384(JWTClaimsSet claims) {
    return sign(JWSAlgorithm.RS384, signer(RSA), RSA.getKeyID(), null, claims);
  }

  static String es384(JWTClaimsSet claims) {
    return sign(JWSAlgorithm.ES384, signer(EC), EC.getKeyID(), null, claims);
  }

  String validFor(String path) {
    return rs384(claims(url(path)).build());
  }

  /** Stores the test patient and her phenelzine order, then reads once to wake HAPI up. */
  static void storePatientOn(TestFhirServer server) {
    FhirContext fhir = FhirContext.forR4Cached();
    var parser = fhir.newJsonParser();
    server.add(
        parser.parseResource(Patient.class, HookBodies.patient()),
        parser.parseResource(MedicationRequest.class, HookBodies.phenelzine()));
    // HAPI initialises its server on the first request: not inside a test's time limit.
    fhir.newRestfulGenericClient(server.baseUrl())
        .read()
        .resource(Patient.class)
        .withId(HookBodies.PATIENT_ID)
        .execute();
  }

  // ---- keys ---------------------------------------------------------------------------------

  static RSAKey rsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static ECKey ec(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_384).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static JWSSigner signer(JWK key) {
    try {
      return key instanceof RSAKey r ? new RSASSASigner(r) : new ECDSASigner((ECKey) key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static JWSSigner hmac() {
    try {
      return new MACSigner(UUID.randomUUID().toString() + UUID.randomUUID());
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
