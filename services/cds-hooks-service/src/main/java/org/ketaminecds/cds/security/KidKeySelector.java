package org.ketaminecds.cds.security;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.Key;
import java.util.List;

/**
 * Nimbus's key selector (the key named by {@code kid}, of the header's algorithm, from one JWK
 * Set), with "no such key" told apart from "the keys could not be fetched" and "the signature is
 * wrong", so a client learns which one it is.
 */
final class KidKeySelector implements JWSKeySelector<SecurityContext> {

  private final JWSVerificationKeySelector<SecurityContext> delegate;

  KidKeySelector(JWSVerificationKeySelector<SecurityContext> delegate) {
    this.delegate = delegate;
  }

  @Override
  public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context)
      throws KeySourceException {
    List<? extends Key> keys;
    try {
      keys = delegate.selectJWSKeys(header, context);
    } catch (RateLimitReachedException e) {
      // The cached set lacks the kid and was refreshed moments ago: no such key.
      throw new UnknownKeyException();
    }
    if (keys.isEmpty()) {
      throw new UnknownKeyException();
    }
    return keys;
  }

  /** No key in the issuer's JWK Set matches the token's kid and algorithm. */
  static final class UnknownKeyException extends KeySourceException {
    UnknownKeyException() {
      super("no matching key");
    }
  }
}
