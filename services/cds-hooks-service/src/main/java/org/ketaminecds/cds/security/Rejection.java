package org.ketaminecds.cds.security;

import java.util.Locale;

/**
 * Why a call was not authenticated: one per check, so the client learns which check failed. The
 * messages never quote the token or its claims.
 */
enum Rejection {
  MISSING_TOKEN(
      "no bearer token: calls to this endpoint need 'Authorization: Bearer <JWT>' signed by a"
          + " trusted CDS client"),
  MALFORMED_TOKEN("the bearer token is not a well-formed JWT"),
  UNSIGNED_TOKEN("the token is unsigned (alg 'none'); it must be signed, e.g. with RS384 or ES384"),
  ENCRYPTED_TOKEN("the token is encrypted (JWE); a signed JWT (JWS) is expected"),
  SYMMETRIC_ALGORITHM(
      "the token is signed with a symmetric (HMAC) algorithm; only asymmetric signatures are"
          + " accepted"),
  ALGORITHM_NOT_ACCEPTED("the token's signing algorithm (alg) is not accepted for its issuer"),
  MISSING_ISSUER("the token has no issuer (iss)"),
  UNTRUSTED_ISSUER("the token's issuer (iss) is not a trusted CDS client of this service"),
  MISSING_KEY_ID("the token header has no key id (kid)"),
  JKU_NOT_ALLOWED(
      "the token's jku header names a JWK Set URL that is not registered for its issuer"),
  UNKNOWN_KEY("no key in the issuer's JWK Set matches the token's key id (kid) and algorithm"),
  KEYS_UNAVAILABLE("the issuer's JWK Set could not be fetched; the token cannot be verified"),
  BAD_SIGNATURE("the token's signature does not verify with the issuer's key"),
  UNVERIFIABLE("the token could not be verified"),
  MISSING_EXPIRY("the token has no expiry (exp)"),
  EXPIRED("the token has expired (exp)"),
  EXPIRES_BEFORE_ISSUED("the token's expiry (exp) is not after its issue time (iat)"),
  LIFETIME_TOO_LONG("the token's expiry (exp) is further ahead than this service accepts"),
  NOT_YET_VALID("the token is not valid yet (nbf)"),
  MISSING_ISSUED_AT("the token has no issue time (iat)"),
  ISSUED_IN_FUTURE("the token's issue time (iat) is in the future"),
  WRONG_AUDIENCE("the token's audience (aud) is not this service endpoint"),
  MISSING_TOKEN_ID("the token has no unique id (jti)"),
  INVALID_CLAIM("the token's jti, sub or tenant claim is not a short string"),
  REPLAYED("the token has been used before (jti); send a new token with every call");

  private final String message;

  Rejection(String message) {
    this.message = message;
  }

  String message() {
    return message;
  }

  /** A stable label for metrics: {@code bad_signature}. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
