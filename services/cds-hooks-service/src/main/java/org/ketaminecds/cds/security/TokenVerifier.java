package org.ketaminecds.cds.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ketaminecds.cds.audit.CallerIdentity;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Checks a CDS client's JWT (CDS Hooks 2.0 "Trusting CDS Clients") in a fixed order, each check
 * with its own {@link Rejection}: a signed JWS from a trusted issuer, with an accepted asymmetric
 * algorithm, a kid and an allowed jku; the signature (Spring Security's {@link NimbusJwtDecoder}
 * with keys only from the issuer's JWK Set); then exp, nbf, iat, aud, jti; and last, that the jti
 * was not used before, so a token refused for another reason does not use up its jti.
 */
final class TokenVerifier {

  private static final int MAX_CLAIM_LENGTH = 256;

  private final TrustedIssuers issuers;
  private final ReplayCache replays;
  private final Clock clock;
  private final Duration skew;
  private final Duration maxLifetime;

  TokenVerifier(
      TrustedIssuers issuers,
      ReplayCache replays,
      Clock clock,
      Duration skew,
      Duration maxLifetime) {
    this.issuers = issuers;
    this.replays = replays;
    this.clock = clock;
    this.skew = skew;
    this.maxLifetime = maxLifetime;
  }

  /**
   * @param audiences the canonical {@code aud} values acceptable for the endpoint called; the first
   *     is the one a client should use
   */
  CdsClientAuthentication verify(String token, List<String> audiences) {
    SignedJWT signed = signed(token);
    JWTClaimsSet unverified;
    try {
      unverified = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new TokenRejectedException(Rejection.MALFORMED_TOKEN);
    }
    String iss = unverified.getIssuer();
    if (iss == null || iss.isBlank()) {
      throw new TokenRejectedException(Rejection.MISSING_ISSUER);
    }
    TrustedIssuers.Issuer issuer =
        issuers.find(iss).orElseThrow(() -> new TokenRejectedException(Rejection.UNTRUSTED_ISSUER));
    Optional<CallerIdentity> claimed = claimed(issuer, unverified);

    JWSHeader header = signed.getHeader();
    JWSAlgorithm algorithm = header.getAlgorithm();
    if (JWSAlgorithm.Family.HMAC_SHA.contains(algorithm)) {
      throw reject(Rejection.SYMMETRIC_ALGORITHM, claimed);
    }
    if (!issuer.algorithms().contains(algorithm)) {
      throw reject(Rejection.ALGORITHM_NOT_ACCEPTED, claimed);
    }
    if (header.getKeyID() == null || header.getKeyID().isBlank()) {
      throw reject(Rejection.MISSING_KEY_ID, claimed);
    }
    NimbusJwtDecoder decoder =
        issuer
            .decoder(header.getJWKURL())
            .orElseThrow(() -> reject(Rejection.JKU_NOT_ALLOWED, claimed));

    Jwt jwt;
    try {
      jwt = decoder.decode(token);
    } catch (JwtException e) {
      Rejection rejection = classify(e);
      if (rejection == Rejection.UNVERIFIABLE && expiresBeforeIssued(unverified)) {
        // Spring refuses to build a token whose exp is not after its iat; say so plainly.
        rejection = Rejection.EXPIRES_BEFORE_ISSUED;
      }
      throw reject(rejection, claimed);
    }

    Instant now = clock.instant();
    Instant exp = jwt.getExpiresAt();
    if (exp == null) {
      throw reject(Rejection.MISSING_EXPIRY, claimed);
    }
    if (now.isAfter(exp.plus(skew))) {
      throw reject(Rejection.EXPIRED, claimed);
    }
    if (exp.isAfter(now.plus(maxLifetime).plus(skew))) {
      throw new TokenRejectedException(
          Rejection.LIFETIME_TOO_LONG, "at most " + maxLifetime.toSeconds() + " s ahead", claimed);
    }
    Instant nbf = jwt.getNotBefore();
    if (nbf != null && nbf.isAfter(now.plus(skew))) {
      throw reject(Rejection.NOT_YET_VALID, claimed);
    }
    Instant iat = jwt.getIssuedAt();
    if (iat == null) {
      throw reject(Rejection.MISSING_ISSUED_AT, claimed);
    }
    if (iat.isAfter(now.plus(skew))) {
      throw reject(Rejection.ISSUED_IN_FUTURE, claimed);
    }
    if (!audienceMatches(jwt.getAudience(), audiences)) {
      throw new TokenRejectedException(
          Rejection.WRONG_AUDIENCE, "expected " + audiences.get(0), claimed);
    }
    String jti = jwt.getId();
    if (jti == null || jti.isBlank()) {
      throw reject(Rejection.MISSING_TOKEN_ID, claimed);
    }
    CallerIdentity caller = identity(issuer, jwt, claimed);
    if (!replays.firstUse(issuer.issuer(), jti, exp.plus(skew))) {
      throw reject(Rejection.REPLAYED, claimed);
    }
    return new CdsClientAuthentication(caller, issuer.fhirServers());
  }

  private static SignedJWT signed(String token) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException | RuntimeException e) {
      throw new TokenRejectedException(Rejection.MALFORMED_TOKEN);
    }
    if (jwt instanceof PlainJWT) {
      throw new TokenRejectedException(Rejection.UNSIGNED_TOKEN);
    }
    if (jwt instanceof EncryptedJWT) {
      throw new TokenRejectedException(Rejection.ENCRYPTED_TOKEN);
    }
    return (SignedJWT) jwt;
  }

  private static Rejection classify(JwtException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KidKeySelector.UnknownKeyException) {
        return Rejection.UNKNOWN_KEY;
      }
      if (t instanceof KeySourceException) {
        return Rejection.KEYS_UNAVAILABLE;
      }
      if (t instanceof BadJWSException) {
        return Rejection.BAD_SIGNATURE;
      }
    }
    return Rejection.UNVERIFIABLE;
  }

  private static boolean expiresBeforeIssued(JWTClaimsSet claims) {
    return claims.getExpirationTime() != null
        && claims.getIssueTime() != null
        && !claims.getExpirationTime().after(claims.getIssueTime());
  }

  private static boolean audienceMatches(List<String> claimed, List<String> accepted) {
    if (claimed == null) {
      return false;
    }
    Set<String> acceptable = Set.copyOf(accepted);
    return claimed.stream()
        .map(Urls::canonical)
        .flatMap(Optional::stream)
        .anyMatch(acceptable::contains);
  }

  /** The verified caller: sub when given (CDS Hooks 2.0 does not require it), else the issuer. */
  private static CallerIdentity identity(
      TrustedIssuers.Issuer issuer, Jwt jwt, Optional<CallerIdentity> claimed) {
    Object jti = jwt.getClaims().get("jti");
    Object sub = jwt.getClaims().get("sub");
    Object tenant = jwt.getClaims().get("tenant");
    if (!shortString(jti)
        || (sub != null && !shortString(sub))
        || (tenant != null && !shortString(tenant))) {
      throw reject(Rejection.INVALID_CLAIM, claimed);
    }
    return new CallerIdentity(
        issuer.issuer(),
        sub == null ? issuer.issuer() : (String) sub,
        Optional.ofNullable((String) tenant));
  }

  /**
   * Who an unverified token claims to be, for the audit record of its refusal: only once its issuer
   * is known to be one we trust, and only claims that are short plain strings.
   */
  private static Optional<CallerIdentity> claimed(
      TrustedIssuers.Issuer issuer, JWTClaimsSet claims) {
    Object sub = claims.getClaim("sub");
    Object tenant = claims.getClaim("tenant");
    return Optional.of(
        new CallerIdentity(
            issuer.issuer(),
            shortString(sub) ? (String) sub : issuer.issuer(),
            shortString(tenant) ? Optional.of((String) tenant) : Optional.empty()));
  }

  private static boolean shortString(Object value) {
    return value instanceof String s
        && !s.isBlank()
        && s.length() <= MAX_CLAIM_LENGTH
        && s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
  }

  private static TokenRejectedException reject(
      Rejection rejection, Optional<CallerIdentity> claimed) {
    return new TokenRejectedException(rejection, "", claimed);
  }
}
