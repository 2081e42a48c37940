package org.ketaminecds.cds.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Whether the service may read patient data from a request's {@code fhirServer} and send it the
 * request's {@code fhirAuthorization} token there: only a server registered for the calling
 * client's issuer, over https (plain http only to this machine). Without it, anyone holding a valid
 * token could make the service send requests to any address it can reach (SSRF).
 */
@Component
public class FhirServerPolicy {

  private final boolean authenticationOn;

  FhirServerPolicy(SecurityProperties properties) {
    this.authenticationOn = properties.enabled();
  }

  /**
   * Why the service must not contact this server for the current caller, or empty if it may. Call
   * on the request's thread (the caller is looked up there).
   */
  public Optional<String> refusal(String fhirServer) {
    Optional<String> canonical = Urls.canonical(fhirServer);
    if (canonical.isEmpty()) {
      return Optional.of("fhirServer is not a plain absolute http(s) URL");
    }
    if (!Urls.secureOrLoopback(canonical.get())) {
      return Optional.of("fhirServer must use https (plain http only to a loopback address)");
    }
    if (!authenticationOn) {
      // Development mode: bound to loopback, the only callers are on this machine.
      return Optional.empty();
    }
    Authentication caller = SecurityContextHolder.getContext().getAuthentication();
    if (caller instanceof CdsClientAuthentication client
        && client.fhirServers().contains(canonical.get())) {
      return Optional.empty();
    }
    return Optional.of(
        "fhirServer is not registered for this CDS client (its issuer's fhir-servers)");
  }

  /** Scheme, host and port of a URL, for logs: never a path, which could hold an identifier. */
  public static String origin(String url) {
    return Urls.origin(url);
  }
}
