package org.ketaminecds.cds.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the service ({@code cds.security.*}).
 *
 * @param enabled authentication on; off only for development, and then the service must be bound to
 *     a loopback address
 * @param openDiscovery whether {@code GET /cds-services} answers without a token (it holds no
 *     patient data)
 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat} between the EHR's clock
 *     and ours
 * @param maxTokenLifetime the latest {@code exp} accepted, counted from now; bounds how long a jti
 *     must be remembered
 * @param audiences further accepted {@code aud} values besides the endpoint URL the client called
 * @param replayCacheSize token ids remembered at most (size it to peak calls × token lifetime)
 * @param jwksTimeout connect and read timeout for fetching an issuer's JWK Set
 * @param issuers the trusted CDS clients
 */
@ConfigurationProperties(prefix = "cds.security")
record SecurityProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("true") boolean openDiscovery,
    @DefaultValue("60s") Duration clockSkew,
    @DefaultValue("5m") Duration maxTokenLifetime,
    @DefaultValue List<String> audiences,
    @DefaultValue("100000") int replayCacheSize,
    @DefaultValue("2s") Duration jwksTimeout,
    @DefaultValue List<Issuer> issuers) {

  /**
   * Settings that would switch a token check off in effect (a day of clock skew, tokens valid for
   * years, a replay cache of one) stop the service at start-up, naming the setting.
   */
  SecurityProperties {
    org.ketaminecds.cds.config.Settings.positive(
        "cds.security.max-token-lifetime", maxTokenLifetime);
    if (maxTokenLifetime.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "cds.security.max-token-lifetime must be at most 1h (CDS Hooks recommends 5 minutes), not "
              + maxTokenLifetime);
    }
    if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException(
          "cds.security.clock-skew must be between 0 and 5m, not " + clockSkew);
    }
    org.ketaminecds.cds.config.Settings.atLeast(
        "cds.security.replay-cache-size", replayCacheSize, 1000);
    org.ketaminecds.cds.config.Settings.positive("cds.security.jwks-timeout", jwksTimeout);
  }

  /**
   * One trusted CDS client.
   *
   * @param issuer the exact {@code iss} of its tokens
   * @param jwksUrl where its public keys (a JWK Set) are fetched; the only place they are fetched
   *     from unless a token's {@code jku} names an entry of {@code jkuAllowList}
   * @param jkuAllowList further JWK Set URLs a token may name in its {@code jku} header
   * @param fhirServers FHIR base URLs this client may send as {@code fhirServer}; the service reads
   *     patient data from no other server on its behalf
   * @param algorithms accepted signature algorithms (asymmetric only)
   */
  record Issuer(
      String issuer,
      String jwksUrl,
      @DefaultValue List<String> jkuAllowList,
      @DefaultValue List<String> fhirServers,
      @DefaultValue({"RS384", "ES384"}) List<String> algorithms) {}
}
