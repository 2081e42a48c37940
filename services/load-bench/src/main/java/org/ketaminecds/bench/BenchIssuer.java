package org.ketaminecds.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.ketaminecds.cds.security.JwksServer;

/**
 * The benchmark's EHR: a signing key, its JWK Set served on a loopback port by the service tests'
 * {@link JwksServer} (the service fetches it as it would an EHR's), and tokens minted ahead of a
 * phase so that signing is not measured. Every token has its own jti (the service refuses a
 * replayed one) and the endpoint it is for as aud.
 */
final class BenchIssuer implements AutoCloseable {

  static final String ISSUER = "https://bench-ehr.example.org";
  static final String SUBJECT = "bench-ehr-client";
  static final String KEY_ID = "bench-ehr-key";

  /** Tokens live this long: within the service's default maximum lifetime (5 minutes). */
  private static final Duration LIFETIME = Duration.ofMinutes(4);

  private final JWSAlgorithm algorithm;
  private final JWK key;
  private final JWSSigner signer;
  private final JwksServer jwks = new JwksServer();
  private final String jwksUrl;

  BenchIssuer(String algorithm) {
    this.algorithm = JWSAlgorithm.parse(algorithm);
    try {
      if (JWSAlgorithm.Family.RSA.contains(this.algorithm)) {
        var rsa = new RSAKeyGenerator(2048).keyID(KEY_ID).generate();
        key = rsa;
        signer = new RSASSASigner(rsa);
      } else if (this.algorithm.equals(JWSAlgorithm.ES384)) {
        var ec = new ECKeyGenerator(Curve.P_384).keyID(KEY_ID).generate();
        key = ec;
        signer = new ECDSASigner(ec);
      } else {
        throw new IllegalArgumentException("bench.jwt-algorithm must be RS384 or ES384");
      }
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    jwksUrl = jwks.serve("/jwks.json", new JWKSet(key));
  }

  String algorithm() {
    return algorithm.getName();
  }

  String jwksUrl() {
    return jwksUrl;
  }

  /** Fresh tokens for these endpoint URLs, one each, signed in parallel. */
  List<String> mint(List<String> audiences) {
    Instant now = Instant.now();
    return IntStream.range(0, audiences.size())
        .parallel()
        .mapToObj(i -> sign(audiences.get(i), now))
        .toList();
  }

  private String sign(String audience, Instant now) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .subject(SUBJECT)
            .audience(audience)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(LIFETIME)))
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(algorithm).keyID(KEY_ID).type(JOSEObjectType.JWT).build(),
            claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  @Override
  public void close() {
    jwks.close();
  }
}
