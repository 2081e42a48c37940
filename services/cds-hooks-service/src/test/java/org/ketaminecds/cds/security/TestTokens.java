package org.ketaminecds.cds.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A trusted test EHR for tests that call the service with authentication on, as an EHR would: an
 * ES384 key generated once per JVM, its JWK Set served on a loopback port, and fresh signed tokens
 * (new jti, aud = the endpoint called) on demand.
 *
 * <p>Every {@code @SpringBootTest} of this module trusts this issuer already ({@link
 * TestIssuerContextCustomizerFactory}). To call a hook endpoint, either add the header:
 *
 * <pre>{@code
 * headers.set(HttpHeaders.AUTHORIZATION, TestTokens.bearer(baseUrl + "/cds-services/ketamine-order-sign"));
 * }</pre>
 *
 * or let a RestTemplate/TestRestTemplate/RestClient sign every call: {@code
 * rest.getRestTemplate().getInterceptors().add(TestTokens.authorizing())}. A test whose calls make
 * the service fetch from a FHIR server registers that server for the test EHR with {@code
 * TestTokens.register(registry, fhirBaseUrl)} in a {@code @DynamicPropertySource} method.
 */
public final class TestTokens {

  public static final String ISSUER = "https://test-ehr.example.org";
  public static final String SUBJECT = "test-ehr-client";
  public static final String TENANT = "test-hospital";
  public static final String KEY_ID = "test-ehr-es384";

  private static final ECKey KEY = generate();
  private static JwksServer jwks;

  private TestTokens() {}

  /** Where the test EHR's JWK Set is served (starts the server on first use). */
  public static synchronized String jwksUrl() {
    if (jwks == null) {
      jwks = new JwksServer();
      jwks.serve("/jwks.json", new JWKSet(KEY));
    }
    return jwks.url("/jwks.json");
  }

  /**
   * A fresh token whose aud is the endpoint about to be called, e.g. {@code
   * http://localhost:8080/cds-services/x}.
   */
  public static String token(String endpointUrl) {
    Instant now = Instant.now();
    return sign(
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .subject(SUBJECT)
            .audience(endpointUrl)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plusSeconds(120)))
            .jwtID(UUID.randomUUID().toString())
            .claim("tenant", TENANT)
            .build());
  }

  /** {@code Bearer <token>} for the Authorization header. */
  public static String bearer(String endpointUrl) {
    return "Bearer " + token(endpointUrl);
  }

  /** Signs any claims with the test EHR's key (for tests of unusual tokens). */
  public static String sign(JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.ES384)
                  .keyID(KEY_ID)
                  .type(JOSEObjectType.JWT)
                  .build(),
              claims);
      jwt.sign(new ECDSASigner(KEY));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Signs each request to a CDS service endpoint with a fresh token for the URL it goes to; leaves
   * requests that already carry an Authorization header, and other endpoints, alone.
   */
  public static ClientHttpRequestInterceptor authorizing() {
    return (request, body, execution) -> {
      URI uri = request.getURI();
      if (uri.getPath().startsWith("/cds-services/")
          && !request.getHeaders().containsKey(HttpHeaders.AUTHORIZATION)) {
        String endpoint =
            uri.getScheme()
                + "://"
                + uri.getHost()
                + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + uri.getRawPath();
        request.getHeaders().set(HttpHeaders.AUTHORIZATION, bearer(endpoint));
      }
      return execution.execute(request, body);
    };
  }

  /** The properties that make the service trust the test EHR, allowing these FHIR servers. */
  public static Map<String, Object> issuerProperties(String... fhirServers) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("cds.security.issuers[0].issuer", ISSUER);
    properties.put("cds.security.issuers[0].jwks-url", jwksUrl());
    for (int i = 0; i < fhirServers.length; i++) {
      properties.put("cds.security.issuers[0].fhir-servers[" + i + "]", fhirServers[i]);
    }
    return properties;
  }

  /**
   * For a {@code @DynamicPropertySource}: trust the test EHR and let it name these FHIR servers.
   */
  public static void register(DynamicPropertyRegistry registry, String... fhirServers) {
    issuerProperties(fhirServers).forEach((name, value) -> registry.add(name, () -> value));
  }

  private static ECKey generate() {
    try {
      return new ECKeyGenerator(Curve.P_384).keyID(KEY_ID).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
