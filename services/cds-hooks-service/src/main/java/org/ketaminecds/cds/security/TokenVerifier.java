package org.ketaminecds.cds.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.JWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.ketaminecds.cds.audit.CallerIdentity;

/**
 * Checks a CDS client's JWT (CDS Hooks 2.0 "Trusting CDS Clients") in a fixed order, each check
 * with its own {@link Rejection}: a signed JWS from a trusted issuer, with an accepted asymmetric
 * algorithm, a kid and an allowed jku; the signature (the Nimbus processor under Spring Security's
 * JWT decoder, with keys only from the issuer's JWK Set); then exp, nbf, iat, aud, jti; and last,
 * that the jti was not used before, so a token refused for another reason does not use up its jti.
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
    JWTProcessor<SecurityContext> signature =
        issuer
            .processor(header.getJWKURL())
            .orElseThrow(() -> reject(Rejection.JKU_NOT_ALLOWED, claimed));

    // The processor checks the parsed token's signature with the issuer's keys; the claims it
    // returns are the token's own, now verified.
    JWTClaimsSet claims;
    try {
      claims = signature.process(signed, null);
    } catch (BadJOSEException | JOSEException e) {
      throw reject(classify(e), claimed);
    }

    Instant now = clock.instant();
    Instant exp = instant(claims.getExpirationTime());
    if (exp == null) {
      throw reject(Rejection.MISSING_EXPIRY, claimed);
    }
    Instant iat = instant(claims.getIssueTime());
    if (iat != null && !exp.isAfter(iat)) {
      throw reject(Rejection.EXPIRES_BEFORE_ISSUED, claimed);
    }
    if (now.isAfter(exp.plus(skew))) {
      throw reject(Rejection.EXPIRED, claimed);
    }
    if (exp.isAfter(now.plus(maxLifetime).plus(skew))) {
      throw new TokenRejectedException(
          Rejection.LIFETIME_TOO_LONG, "at most " + maxLifetime.toSeconds() + " s ahead", claimed);
    }
    Instant nbf = instant(claims.getNotBeforeTime());
    if (nbf != null && nbf.isAfter(now.plus(skew))) {
      throw reject(Rejection.NOT_YET_VALID, claimed);
    }
    if (iat == null) {
      throw reject(Rejection.MISSING_ISSUED_AT, claimed);
    }
    if (iat.isAfter(now.plus(skew))) {
      throw reject(Rejection.ISSUED_IN_FUTURE, claimed);
    }
    if (!audienceMatches(claims.getAudience(), audiences)) {
      throw new TokenRejectedException(
          Rejection.WRONG_AUDIENCE, "expected " + audiences.get(0), claimed);
    }
    Object jti = claims.getClaim("jti");
    if (jti == null || (jti instanceof String s && s.isBlank())) {
      throw reject(Rejection.MISSING_TOKEN_ID, claimed);
    }
    CallerIdentity caller = identity(issuer, claims, claimed);
    if (!replays.firstUse(issuer.issuer(), (String) jti, exp.plus(skew))) {
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

  private static Instant instant(Date date) {
    return date == null ? null : date.toInstant();
  }

  private static Rejection classify(Exception e) {
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
      TrustedIssuers.Issuer issuer, JWTClaimsSet claims, Optional<CallerIdentity> claimed) {
    Object jti = claims.getClaim("jti");
    Object sub = claims.getClaim("sub");
    Object tenant = claims.getClaim("tenant");
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
