package org.ketaminecds.cds.security;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The CDS clients this service trusts, built once from {@code cds.security.issuers} and checked
 * then: a setting that would weaken a check stops the service from starting.
 */
final class TrustedIssuers {

  /** Asymmetric JWS algorithms an operator may enable; never {@code none}, never HMAC. */
  static final Set<JWSAlgorithm> PERMITTED =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  private static final int JWKS_SIZE_LIMIT = 256 * 1024;

  private final Map<String, Issuer> byIssuer;

  private TrustedIssuers(Map<String, Issuer> byIssuer) {
    this.byIssuer = Map.copyOf(byIssuer);
  }

  /**
   * One trusted client: its accepted algorithms, a signature check per JWK Set URL it may use (the
   * configured one and any jku allowed), and the FHIR servers it may point us at.
   */
  record Issuer(
      String issuer,
      Set<JWSAlgorithm> algorithms,
      String jwksUrl,
      Map<String, JWTProcessor<SecurityContext>> processors,
      Set<String> fhirServers) {

    /**
     * The signature check for the token's {@code jku} (or the configured JWK Set when it has none).
     */
    Optional<JWTProcessor<SecurityContext>> processor(URI jku) {
      if (jku == null) {
        return Optional.of(processors.get(jwksUrl));
      }
      return Urls.canonical(jku.toString()).map(processors::get);
    }
  }

  static TrustedIssuers from(SecurityProperties properties) {
    Map<String, Issuer> issuers = new LinkedHashMap<>();
    List<SecurityProperties.Issuer> configured = properties.issuers();
    for (int i = 0; i < configured.size(); i++) {
      Issuer issuer = issuer(configured.get(i), "cds.security.issuers[" + i + "]", properties);
      if (issuers.put(issuer.issuer(), issuer) != null) {
        throw new IllegalStateException(
            "cds.security.issuers[" + i + "].issuer: the issuer is listed twice");
      }
    }
    return new TrustedIssuers(issuers);
  }

  Optional<Issuer> find(String issuer) {
    return Optional.ofNullable(byIssuer.get(issuer));
  }

  Set<String> issuers() {
    return byIssuer.keySet();
  }

  private static Issuer issuer(
      SecurityProperties.Issuer config, String path, SecurityProperties properties) {
    if (config.issuer() == null || config.issuer().isBlank()) {
      throw new IllegalStateException(path + ".issuer is required");
    }
    Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
    for (String name : config.algorithms()) {
      JWSAlgorithm algorithm = JWSAlgorithm.parse(name.trim());
      if (!PERMITTED.contains(algorithm)) {
        throw new IllegalStateException(
            path
                + ".algorithms: "
                + name
                + " is not allowed; use asymmetric algorithms only (RS384, ES384, RS256, ES256,"
                + " PS256-512, ES512, RS512), never none or HMAC");
      }
      algorithms.add(algorithm);
    }
    if (algorithms.isEmpty()) {
      throw new IllegalStateException(path + ".algorithms must name at least one algorithm");
    }
    String jwksUrl = secureUrl(config.jwksUrl(), path + ".jwks-url");
    Map<String, JWTProcessor<SecurityContext>> processors = new HashMap<>();
    processors.put(jwksUrl, processor(jwksUrl, algorithms, properties.jwksTimeout()));
    for (int j = 0; j < config.jkuAllowList().size(); j++) {
      String jku = secureUrl(config.jkuAllowList().get(j), path + ".jku-allow-list[" + j + "]");
      processors.computeIfAbsent(jku, url -> processor(url, algorithms, properties.jwksTimeout()));
    }
    Set<String> fhirServers = new LinkedHashSet<>();
    for (int j = 0; j < config.fhirServers().size(); j++) {
      fhirServers.add(secureUrl(config.fhirServers().get(j), path + ".fhir-servers[" + j + "]"));
    }
    return new Issuer(
        config.issuer(), Set.copyOf(algorithms), jwksUrl, Map.copyOf(processors), fhirServers);
  }

  private static String secureUrl(String url, String path) {
    if (url == null || url.isBlank()) {
      throw new IllegalStateException(path + " is required");
    }
    String canonical =
        Urls.canonical(url)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        path + " must be an absolute http(s) URL without query or user info"));
    if (!Urls.secureOrLoopback(canonical)) {
      throw new IllegalStateException(
          path + " must use https (plain http is allowed only to a loopback address)");
    }
    return canonical;
  }

  /**
   * The Nimbus processor Spring Security's {@code NimbusJwtDecoder} would wrap, configured here:
   * keys come only from this URL (cached, refreshed at most every 30 s when an unknown kid
   * appears), the header's algorithm must be one of the issuer's, {@code typ} must be JWT or
   * absent. {@link TokenVerifier} hands it the token it has already parsed (the decoder would parse
   * it a second time and copy every claim) and checks the claims afterwards, one by one, so each
   * failure gets its own reason.
   */
  private static JWTProcessor<SecurityContext> processor(
      String url, Set<JWSAlgorithm> algorithms, Duration timeout) {
    URL jwkSetUrl;
    try {
      jwkSetUrl = URI.create(url).toURL();
    } catch (MalformedURLException e) {
      throw new IllegalStateException("not a URL: " + url, e);
    }
    int millis = (int) timeout.toMillis();
    JWKSource<SecurityContext> keys =
        JWKSourceBuilder.<SecurityContext>create(
                jwkSetUrl, new NoRedirectRetriever(millis, millis, JWKS_SIZE_LIMIT))
            .build();
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
    processor.setJWSKeySelector(
        new KidKeySelector(new JWSVerificationKeySelector<>(Set.copyOf(algorithms), keys)));
    processor.setJWTClaimsSetVerifier((claims, context) -> {});
    return processor;
  }

  /**
   * Fetches a JWK Set from its configured URL only. HttpURLConnection follows redirects by default,
   * so a registered loopback or https URL answering 302 would have had keys loaded from wherever it
   * pointed (plain http to another machine included), past the start-up checks on the URL; a
   * redirect now fails the fetch, as the FHIR client's do.
   */
  static final class NoRedirectRetriever extends DefaultResourceRetriever {
    NoRedirectRetriever(int connectTimeout, int readTimeout, int sizeLimit) {
      super(connectTimeout, readTimeout, sizeLimit);
    }

    @Override
    protected java.net.HttpURLConnection openHTTPConnection(URL url) throws java.io.IOException {
      java.net.HttpURLConnection connection = super.openHTTPConnection(url);
      connection.setInstanceFollowRedirects(false);
      return connection;
    }
  }
}
