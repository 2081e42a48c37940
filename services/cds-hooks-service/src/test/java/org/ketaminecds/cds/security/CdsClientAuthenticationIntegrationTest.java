package org.ketaminecds.cds.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketaminecds.cds.audit.CallerIdentity;
import org.ketaminecds.cds.audit.InvocationAudit;
import org.ketaminecds.cds.testing.TestFhirServer;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * CDS Hooks 2.0 "Trusting CDS Clients" end to end: real tokens signed with keys made here, the
 * EHR's JWK Set served over HTTP on loopback, the service on a random port. Each way a token can be
 * wrong gets 401 naming the check, is recorded on the audit port, and never echoes the token. The
 * allow-list of FHIR servers decides where patient data is read.
 */
class CdsClientAuthenticationIntegrationTest extends SecuredServiceTestBase {

  // ---- accepted -----------------------------------------------------------------------------

  @Test
  void givenValidRs384Token_thenCardsAndTheCallerIsAudited() throws Exception {
    var response = post(SIGN, HookBodies.orderSignPrefetched(), "Bearer " + validFor(SIGN));

    assertThat(response.getStatusCode().value()).isEqualTo(200);
    assertThat(read(response).path("cards").findValuesAsText("indicator")).contains("critical");
    InvocationAudit record = audit.lastInvocation();
    assertThat(record.httpStatus()).isEqualTo(200);
    assertThat(record.caller())
        .contains(new CallerIdentity(ISSUER, "ehr-client-7", Optional.of("hospital-a")));
  }

  @Test
  void givenValidEs384Token_thenAccepted() {
    var response =
        post(SIGN, HookBodies.orderSignPrefetched(), "Bearer " + es384(claims(url(SIGN)).build()));

    assertThat(response.getStatusCode().value()).isEqualTo(200);
  }

  @Test
  void givenTokenWithoutSub_thenTheIssuerIsTheCaller() {
    var response =
        post(
            SIGN,
            HookBodies.orderSignPrefetched(),
            "Bearer " + rs384(claims(url(SIGN)).subject(null).claim("tenant", null).build()));

    assertThat(response.getStatusCode().value()).isEqualTo(200);
    assertThat(audit.lastInvocation().caller())
        .contains(new CallerIdentity(ISSUER, ISSUER, Optional.empty()));
  }

  @Test
  void givenConfiguredAudience_thenAccepted() {
    var response =
        post(SIGN, HookBodies.orderSignPrefetched(), "Bearer " + rs384(claims(AUDIENCE).build()));

    assertThat(response.getStatusCode().value()).isEqualTo(200);
  }

  @Test
  void givenJkuOnTheAllowList_thenTheKeyComesFromThatJwkSet() {
    String token =
        sign(
            JWSAlgorithm.ES384,
            signer(ROTATED),
            ROTATED.getKeyID(),
            URI.create(JWKS.url("/next-jwks.json")),
            claims(url(SIGN)).build());

    var response = post(SIGN, HookBodies.orderSignPrefetched(), "Bearer " + token);

    assertThat(response.getStatusCode().value()).isEqualTo(200);
  }

  @Test
  void givenFeedback_thenAudienceMayBeTheServiceOrItsFeedbackUrl() {
    String feedback = SIGN + "/feedback";
    var toService = post(feedback, HookBodies.feedback("noted"), "Bearer " + validFor(SIGN));
    var toFeedback = post(feedback, HookBodies.feedback("noted"), "Bearer " + validFor(feedback));

    assertThat(toService.getStatusCode().value()).isEqualTo(200);
    assertThat(toFeedback.getStatusCode().value()).isEqualTo(200);
    assertThat(audit.feedback().get(audit.feedback().size() - 1).caller())
        .contains(new CallerIdentity(ISSUER, "ehr-client-7", Optional.of("hospital-a")));
  }

  // ---- refused ------------------------------------------------------------------------------

  static Stream<Arguments> badTokens() throws Exception {
    ECKey impostor = ec(EC.getKeyID());
    return Stream.of(
        bad(
            "wrong issuer",
            u -> rs384(claims(u).issuer("https://other-ehr.example.org").build()),
            "issuer (iss) is not a trusted CDS client",
            false),
        bad(
            "unknown kid",
            u -> sign(JWSAlgorithm.ES384, signer(EC), "no-such-key", null, claims(u).build()),
            "no key in the issuer's JWK Set matches",
            true),
        bad(
            "kid only in a JWK Set the token does not name",
            u ->
                sign(
                    JWSAlgorithm.ES384,
                    signer(ROTATED),
                    ROTATED.getKeyID(),
                    null,
                    claims(u).build()),
            "no key in the issuer's JWK Set matches",
            true),
        bad(
            "bad signature",
            u -> sign(JWSAlgorithm.ES384, signer(impostor), EC.getKeyID(), null, claims(u).build()),
            "signature does not verify",
            true),
        bad(
            "alg none",
            u -> new PlainJWT(claims(u).build()).serialize(),
            "unsigned (alg 'none')",
            false),
        bad(
            "HMAC",
            u -> sign(JWSAlgorithm.HS256, hmac(), RSA.getKeyID(), null, claims(u).build()),
            "symmetric (HMAC)",
            true),
        bad(
            "algorithm not configured (RS256)",
            u -> sign(JWSAlgorithm.RS256, signer(RSA), RSA.getKeyID(), null, claims(u).build()),
            "signing algorithm (alg) is not accepted",
            true),
        bad(
            "jku not on the allow-list",
            u ->
                sign(
                    JWSAlgorithm.ES384,
                    signer(EC),
                    EC.getKeyID(),
                    URI.create(JWKS.url("/unregistered-jwks.json")),
                    claims(u).build()),
            "jku header names a JWK Set URL that is not registered",
            true),
        bad(
            "wrong aud",
            u -> rs384(claims(u.replace("order-sign", "order-select")).build()),
            "audience (aud) is not this service endpoint",
            true),
        bad(
            "expired",
            u ->
                rs384(
                    claims(u)
                        .issueTime(Date.from(Instant.now().minusSeconds(600)))
                        .expirationTime(Date.from(Instant.now().minusSeconds(300)))
                        .build()),
            "has expired (exp)",
            true),
        bad(
            "future iat",
            u ->
                rs384(
                    claims(u)
                        .issueTime(Date.from(Instant.now().plusSeconds(180)))
                        .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                        .build()),
            "issue time (iat) is in the future",
            true),
        bad(
            "lifetime beyond the maximum",
            u ->
                rs384(
                    claims(u).expirationTime(Date.from(Instant.now().plusSeconds(86_400))).build()),
            "expiry (exp) is further ahead than this service accepts",
            true),
        bad(
            "exp before iat",
            u -> rs384(claims(u).expirationTime(Date.from(Instant.now().minusSeconds(30))).build()),
            "expiry (exp) is not after its issue time (iat)",
            true),
        bad(
            "no exp",
            u -> rs384(claims(u).expirationTime(null).build()),
            "has no expiry (exp)",
            true),
        bad("no jti", u -> rs384(claims(u).jwtID(null).build()), "has no unique id (jti)", true),
        bad(
            "not valid yet (nbf ahead)",
            u -> rs384(claims(u).notBeforeTime(Date.from(Instant.now().plusSeconds(180))).build()),
            "is not valid yet (nbf)",
            true),
        bad(
            "no iat",
            u -> rs384(claims(u).issueTime(null).build()),
            "has no issue time (iat)",
            true),
        bad(
            "jti a number, not a string",
            u -> rs384(claims(u).claim("jti", 4711).build()),
            "not a well-formed JWT",
            false),
        bad(
            "tenant an object, not a string",
            u -> rs384(claims(u).claim("tenant", Map.of("id", "x")).build()),
            "jti, sub or tenant claim is not a short string",
            true),
        bad("not a JWT", u -> "not-a-jwt", "not a well-formed JWT", false));
  }

  static Arguments bad(String name, TokenFactory token, String reason, boolean trustedIssuer) {
    return Arguments.of(name, token, reason, trustedIssuer);
  }

  interface TokenFactory {
    String token(String audience) throws Exception;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTokens")
  void givenBadToken_then401NamingTheCheck_andAudited(
      String name, TokenFactory factory, String reason, boolean trustedIssuer) throws Exception {
    String token = factory.token(url(SIGN));
    int recorded = audit.invocations().size();

    var response = post(SIGN, HookBodies.orderSignPrefetched(), "Bearer " + token);

    assertThat(response.getStatusCode().value()).isEqualTo(401);
    String challenge = response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE);
    assertThat(challenge)
        .startsWith("Bearer error=\"invalid_token\", error_description=\"")
        .contains(reason);
    JsonNode body = read(response);
    assertThat(body.path("error").asText()).isEqualTo("unauthorized");
    assertThat(body.path("message").asText()).contains(reason);
    assertThat(response.getBody()).doesNotContain(token);
    assertThat(audit.invocations()).hasSize(recorded + 1);
    InvocationAudit record = audit.lastInvocation();
    assertThat(record.httpStatus()).isEqualTo(401);
    assertThat(record.errorCode()).contains("unauthorized");
    assertThat(record.serviceId()).isEqualTo("ketamine-order-sign");
    assertThat(record.patientId()).as("nothing is read from an unauthenticated body").isEmpty();
    assertThat(record.caller().map(CallerIdentity::issuer))
        .isEqualTo(trustedIssuer ? Optional.of(ISSUER) : Optional.empty());
  }

  @Test
  void givenWrongAudience_thenTheMessageSaysWhichUrlToUse() throws Exception {
    String forSelect = rs384(claims(url("/cds-services/ketamine-order-select")).build());

    var response = post(SIGN, HookBodies.orderSignPrefetched(), "Bearer " + forSelect);

    assertThat(read(response).path("message").asText()).endsWith("expected " + url(SIGN));
  }

  @Test
  void givenJkuNotOnTheAllowList_thenItIsNeverFetched() {
    String unregistered = "/unregistered-jwks-2.json";
    String token =
        sign(
            JWSAlgorithm.ES384,
            signer(EC),
            EC.getKeyID(),
            URI.create(JWKS.url(unregistered)),
            claims(url(SIGN)).build());

    post(SIGN, HookBodies.orderSignPrefetched(), "Bearer " + token);

    assertThat(JWKS.hits(unregistered)).isZero();
  }

  @Test
  void givenSameTokenTwice_thenTheReplayIsRefused() throws Exception {
    String token = validFor(SIGN);

    var first = post(SIGN, HookBodies.orderSignPrefetched(), "Bearer " + token);
    var replay = post(SIGN, HookBodies.orderSignPrefetched(), "Bearer " + token);

    assertThat(first.getStatusCode().value()).isEqualTo(200);
    assertThat(replay.getStatusCode().value()).isEqualTo(401);
    assertThat(read(replay).path("message").asText()).contains("used before (jti)");
  }

  @Test
  void givenTokenRefusedForAnotherReason_thenItsJtiIsNotSpent() {
    JWTClaimsSet claims = claims(url(SIGN)).build();
    String wrongAudience =
        rs384(new JWTClaimsSet.Builder(claims).audience(url("/cds-services/x")).build());
    post(SIGN, HookBodies.orderSignPrefetched(), "Bearer " + wrongAudience);

    var sameJti = post(SIGN, HookBodies.orderSignPrefetched(), "Bearer " + rs384(claims));

    assertThat(sameJti.getStatusCode().value()).isEqualTo(200);
  }

  @Test
  void givenNoAuthorizationHeader_then401WithPlainBearerChallenge() throws Exception {
    var response = post(SIGN, HookBodies.orderSignPrefetched(), null);

    assertThat(response.getStatusCode().value()).isEqualTo(401);
    assertThat(response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo("Bearer");
    assertThat(read(response).path("message").asText()).startsWith("no bearer token");
    assertThat(audit.lastInvocation().httpStatus()).isEqualTo(401);
  }

  @Test
  void givenFeedbackWithoutToken_then401() {
    var response = post(SIGN + "/feedback", HookBodies.feedback("noted"), null);

    assertThat(response.getStatusCode().value()).isEqualTo(401);
  }

  // ---- where patient data may come from ----------------------------------------------------

  @Test
  void givenFhirServerOnTheAllowList_thenDataIsReadThereWithTheEhrsToken() throws Exception {
    int before = FHIR.authorizations().size();

    var response =
        post(
            SIGN,
            HookBodies.orderSignFetching(FHIR.baseUrl(), "fhir-access-9f8e7d"),
            "Bearer " + validFor(SIGN));

    assertThat(response.getStatusCode().value()).isEqualTo(200);
    assertThat(read(response).path("cards").findValuesAsText("indicator")).contains("critical");
    List<String> sent = FHIR.authorizations().subList(before, FHIR.authorizations().size());
    assertThat(sent).hasSize(5).containsOnly("Bearer fhir-access-9f8e7d");
  }

  @Test
  void givenFhirServerNotOnTheAllowList_thenItIsNeverContacted_andMedicationsAreUnavailable()
      throws Exception {
    try (TestFhirServer elsewhere = new TestFhirServer()) {
      storePatientOn(elsewhere);
      int before = elsewhere.authorizations().size();

      var response =
          post(
              SIGN,
              HookBodies.orderSignFetching(elsewhere.baseUrl(), "fhir-access-9f8e7d"),
              "Bearer " + validFor(SIGN));

      assertThat(response.getStatusCode().value()).isEqualTo(412);
      JsonNode body = read(response);
      assertThat(body.path("error").asText()).isEqualTo("prefetch_unavailable");
      assertThat(body.path("message").asText()).contains("not registered for this CDS client");
      assertThat(elsewhere.authorizations()).hasSize(before);
    }
  }

  @Test
  void givenPlainHttpFhirServerOnAnotherMachine_thenRefusedAsInsecure() throws Exception {
    var response =
        post(
            SIGN,
            HookBodies.orderSignFetching("http://fhir.example.org/r4", "fhir-access-9f8e7d"),
            "Bearer " + validFor(SIGN));

    assertThat(response.getStatusCode().value()).isEqualTo(412);
    assertThat(read(response).path("message").asText()).contains("must use https");
  }

  // ---- open and closed endpoints ------------------------------------------------------------

  @Test
  void discoveryRulesAndHealthAnswerWithoutToken_andIgnoreABadOne() {
    HttpHeaders garbage = new HttpHeaders();
    garbage.set(HttpHeaders.AUTHORIZATION, "Bearer garbage");

    for (String path : List.of("/cds-services", "/rules", "/actuator/health")) {
      assertThat(rest.getForEntity(url(path), String.class).getStatusCode().value())
          .as(path)
          .isEqualTo(200);
      assertThat(
              rest.exchange(url(path), HttpMethod.GET, new HttpEntity<>(garbage), String.class)
                  .getStatusCode()
                  .value())
          .as(path + " with a bad token")
          .isEqualTo(200);
    }
  }

  @Test
  void metricsAreNotServedOnTheApplicationPort() throws Exception {
    var response = rest.getForEntity(url("/actuator/prometheus"), String.class);

    assertThat(response.getStatusCode().value()).isEqualTo(403);
    assertThat(read(response).path("error").asText()).isEqualTo("forbidden");
  }

  @Test
  void unknownPathsAreNotFound() throws Exception {
    var response = rest.getForEntity(url("/admin"), String.class);

    assertThat(response.getStatusCode().value()).isEqualTo(404);
    assertThat(read(response).path("error").asText()).isEqualTo("not_found");
  }
}
