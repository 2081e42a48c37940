package org.ketaminecds.cds.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import org.ketaminecds.cds.audit.AuditRecorder;
import org.ketaminecds.cds.config.CdsProperties;
import org.ketaminecds.cds.discovery.CdsServiceCatalog;
import org.ketaminecds.engine.knowledge.RulePack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may call what. With authentication on (the default): every call under {@code /cds-services}
 * needs a CDS client JWT (discovery optionally open); rule pages and health are public; other
 * actuator endpoints only on the management port; anything else is not found. With it off
 * (development only): everything is open, and the service refuses to start unless it listens on
 * loopback only.
 *
 * <p>CSRF protection is off because nothing here authenticates by cookie or session: a browser
 * cannot attach the bearer token on its own.
 */
@Configuration
class SecurityConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

  @Bean
  ManagementPort managementPort() {
    return new ManagementPort();
  }

  @Bean
  SecurityFilterChain securityFilterChain(
      HttpSecurity http,
      SecurityProperties security,
      CdsProperties cds,
      Environment environment,
      ObjectMapper json,
      CdsServiceCatalog catalog,
      AuditRecorder audit,
      RulePack rulePack,
      Clock clock,
      MeterRegistry meters,
      ManagementPort managementPort)
      throws Exception {
    http.csrf(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(AbstractHttpConfigurer::disable)
        .cors(Customizer.withDefaults());
    if (!security.enabled()) {
      requireLoopback(environment);
      log.warn(
          "AUTHENTICATION IS OFF (cds.security.enabled=false): every endpoint answers without a"
              + " token. Allowed only because the service listens on loopback ({}); never run"
              + " like this where an EHR or another machine can reach it.",
          environment.getProperty("server.address"));
      http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
      return http.build();
    }

    TrustedIssuers issuers = TrustedIssuers.from(security);
    announce(issuers, cds, security);
    // Token times are judged by the wall clock, not the service's clock bean, which tests set to a
    // fixed "today" for ages and washout periods.
    Clock wallClock = Clock.systemUTC();
    TokenVerifier verifier =
        new TokenVerifier(
            issuers,
            new CaffeineReplayCache(security.replayCacheSize(), wallClock),
            wallClock,
            security.clockSkew(),
            security.maxTokenLifetime());
    Endpoints endpoints = new Endpoints(cds.publicUrl(), security.audiences());
    RejectionHandler rejections =
        new RejectionHandler(
            json, catalog, audit, rulePack, clock, meters, security.openDiscovery());

    // Only the Authorization header, and only where a token is asked for: open endpoints ignore
    // one, so a stale token cannot break them and their calls spend no jti.
    DefaultBearerTokenResolver header = new DefaultBearerTokenResolver();
    BearerTokenResolver tokens =
        request ->
            Endpoints.takesToken(request, security.openDiscovery())
                ? header.resolve(request)
                : null;
    AuthenticationManagerResolver<HttpServletRequest> managers =
        request -> {
          List<String> audiences = endpoints.audiences(request);
          return authentication -> {
            if (!(authentication instanceof BearerTokenAuthenticationToken bearer)) {
              throw new TokenRejectedException(Rejection.MALFORMED_TOKEN);
            }
            return verifier.verify(bearer.getToken(), audiences);
          };
        };

    http.authorizeHttpRequests(
            a -> {
              // An error dispatch renders the error of a request already decided on.
              a.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
              if (security.openDiscovery()) {
                a.requestMatchers(HttpMethod.GET, Endpoints.DISCOVERY).permitAll();
              }
              a.requestMatchers(Endpoints.DISCOVERY, Endpoints.DISCOVERY + "/**")
                  .authenticated()
                  .requestMatchers(HttpMethod.GET, "/rules", "/rules/**")
                  .permitAll()
                  .requestMatchers("/actuator/health", "/actuator/health/**")
                  .permitAll()
                  .requestMatchers(HttpMethod.GET, "/readyz", "/livez")
                  .permitAll()
                  .requestMatchers("/actuator/**")
                  .access(managementPort)
                  .anyRequest()
                  .denyAll();
            })
        .oauth2ResourceServer(
            o ->
                o.authenticationManagerResolver(managers)
                    .bearerTokenResolver(tokens)
                    .authenticationEntryPoint(rejections)
                    .accessDeniedHandler(rejections))
        .exceptionHandling(
            e -> e.authenticationEntryPoint(rejections).accessDeniedHandler(rejections));
    return http.build();
  }

  private static void announce(
      TrustedIssuers issuers, CdsProperties cds, SecurityProperties security) {
    if (issuers.issuers().isEmpty()) {
      log.warn(
          "no trusted CDS clients are configured (cds.security.issuers): every call to a CDS"
              + " service will be refused with 401 until an EHR's issuer and JWK Set URL are"
              + " registered");
    } else {
      log.info("trusted CDS client issuers: {}", issuers.issuers());
    }
    if (cds.publicUrl().isBlank() && security.audiences().isEmpty()) {
      log.warn(
          "cds.public-url is not set: a token's aud is compared with the URL derived from each"
              + " request's Host and X-Forwarded headers; set cds.public-url in production so a"
              + " token minted for another service cannot be replayed here");
    }
  }

  /** Authentication off is tolerated only where nobody but this machine can connect. */
  static void requireLoopback(Environment environment) {
    requireLoopback(environment.getProperty("server.address"), "server.address");
    if (ManagementPortType.get(environment) == ManagementPortType.DIFFERENT) {
      requireLoopback(
          environment.getProperty("management.server.address"), "management.server.address");
    }
  }

  private static void requireLoopback(String address, String property) {
    boolean loopback;
    try {
      loopback = address != null && InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new LoopbackOnlyException(
          "Authentication is off (cds.security.enabled=false) but "
              + property
              + " is "
              + (address == null
                  ? "not set, so the service would listen on every interface"
                  : address)
              + ". Without authentication the service may listen on a loopback address only.");
    }
  }
}
