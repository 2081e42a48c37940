package org.ketaminecds.cds.security;

import java.util.Optional;
import org.ketaminecds.cds.audit.CallerIdentity;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;

/** A bearer token that failed one of the checks; the message says which, never what it held. */
final class TokenRejectedException extends OAuth2AuthenticationException {

  private final Rejection rejection;
  private final transient CallerIdentity claimed;

  /**
   * @param detail what the client needs to fix it (the expected audience), or empty
   * @param claimed who the token claims to come from, when its issuer is a trusted one; unverified
   */
  TokenRejectedException(Rejection rejection, String detail, Optional<CallerIdentity> claimed) {
    super(
        new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, message(rejection, detail), null),
        message(rejection, detail));
    this.rejection = rejection;
    this.claimed = claimed.orElse(null);
  }

  TokenRejectedException(Rejection rejection) {
    this(rejection, "", Optional.empty());
  }

  Rejection rejection() {
    return rejection;
  }

  Optional<CallerIdentity> claimed() {
    return Optional.ofNullable(claimed);
  }

  private static String message(Rejection rejection, String detail) {
    return detail.isEmpty() ? rejection.message() : rejection.message() + "; " + detail;
  }
}
