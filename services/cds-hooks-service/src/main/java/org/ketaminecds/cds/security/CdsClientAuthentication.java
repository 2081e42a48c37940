package org.ketaminecds.cds.security;

import java.util.List;
import java.util.Set;
import org.ketaminecds.cds.audit.CallerIdentity;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A CDS client whose token passed every check. The principal is the {@link CallerIdentity} the
 * audit trail records; the token itself is not kept.
 */
final class CdsClientAuthentication extends AbstractAuthenticationToken {

  private final transient CallerIdentity caller;
  private final transient Set<String> fhirServers;

  /**
   * @param fhirServers canonical base URLs this client's issuer may send as {@code fhirServer}
   */
  CdsClientAuthentication(CallerIdentity caller, Set<String> fhirServers) {
    super(List.of());
    this.caller = caller;
    this.fhirServers = Set.copyOf(fhirServers);
    setAuthenticated(true);
  }

  @Override
  public CallerIdentity getPrincipal() {
    return caller;
  }

  @Override
  public Object getCredentials() {
    return null;
  }

  @Override
  public String getName() {
    return caller.subject();
  }

  Set<String> fhirServers() {
    return fhirServers;
  }
}
