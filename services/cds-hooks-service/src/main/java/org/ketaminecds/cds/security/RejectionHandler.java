package org.ketaminecds.cds.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.ketaminecds.cds.audit.AuditRecorder;
import org.ketaminecds.cds.audit.CallerIdentity;
import org.ketaminecds.cds.audit.InvocationAudit;
import org.ketaminecds.cds.discovery.CdsServiceCatalog;
import org.ketaminecds.cds.errors.ErrorBody;
import org.ketaminecds.cds.errors.ErrorCode;
import org.ketaminecds.engine.knowledge.RulePack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Answers every call that is not let in: 401 with {@code WWW-Authenticate} (RFC 6750) and the JSON
 * error body naming the check that failed, recorded as an audit event when it was a call to one of
 * our services, and counted ({@code cds.security.rejections}). Elsewhere (endpoints that take no
 * token) a denial is 404, or 403 for actuator endpoints kept for the management port.
 */
final class RejectionHandler implements AuthenticationEntryPoint, AccessDeniedHandler {

  private static final Logger log = LoggerFactory.getLogger(RejectionHandler.class);

  private final ObjectMapper json;
  private final CdsServiceCatalog catalog;
  private final AuditRecorder audit;
  private final RulePack rulePack;
  private final Clock clock;
  private final MeterRegistry meters;
  private final boolean openDiscovery;

  RejectionHandler(
      ObjectMapper json,
      CdsServiceCatalog catalog,
      AuditRecorder audit,
      RulePack rulePack,
      Clock clock,
      MeterRegistry meters,
      boolean openDiscovery) {
    this.json = json;
    this.catalog = catalog;
    this.audit = audit;
    this.rulePack = rulePack;
    this.clock = clock;
    this.meters = meters;
    this.openDiscovery = openDiscovery;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    if (!Endpoints.takesToken(request, openDiscovery)) {
      denied(request, response);
      return;
    }
    Rejection rejection;
    String message;
    Optional<CallerIdentity> claimed = Optional.empty();
    if (e instanceof TokenRejectedException token) {
      rejection = token.rejection();
      message = token.getError().getDescription();
      claimed = token.claimed();
    } else if (e instanceof OAuth2AuthenticationException) {
      // Spring's bearer token resolver: an Authorization header that holds no usable token.
      rejection = Rejection.MALFORMED_TOKEN;
      message = rejection.message();
    } else {
      rejection = Rejection.MISSING_TOKEN;
      message = rejection.message();
    }
    meters.counter("cds.security.rejections", "reason", rejection.label()).increment();
    log.info(
        "refused a call: {}{}",
        rejection.label(),
        claimed.map(c -> " (token claims issuer " + c.issuer() + ")").orElse(""));
    record(request, claimed);
    response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
    response.setHeader(
        HttpHeaders.WWW_AUTHENTICATE,
        rejection == Rejection.MISSING_TOKEN
            // RFC 6750 3.1: no error code when the request carried no credentials at all.
            ? "Bearer"
            : "Bearer error=\"invalid_token\", error_description=\"" + quotable(message) + "\"");
    write(response, ErrorCode.UNAUTHORIZED, message);
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    denied(request, response);
  }

  private void denied(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (Endpoints.path(request).startsWith("/actuator/")) {
      response.setStatus(HttpServletResponse.SC_FORBIDDEN);
      write(
          response,
          ErrorCode.FORBIDDEN,
          "actuator endpoints other than health are served only on the management port"
              + " (management.server.port)");
    } else {
      response.setStatus(HttpServletResponse.SC_NOT_FOUND);
      write(response, ErrorCode.NOT_FOUND, "no such endpoint");
    }
  }

  /**
   * A refused call to one of our services is an audit event like any other refusal. Nothing from
   * the unauthenticated body is read: only the service, the status and who the token claimed to be.
   */
  private void record(HttpServletRequest request, Optional<CallerIdentity> claimed) {
    Endpoints.serviceId(request)
        .flatMap(catalog::find)
        .ifPresent(
            service -> {
              try {
                audit.invocation(
                    new InvocationAudit(
                        clock.instant(),
                        service.id(),
                        Optional.of(service.hook()),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        List.of(),
                        List.of(),
                        rulePack.version(),
                        Duration.ZERO,
                        HttpServletResponse.SC_UNAUTHORIZED,
                        Optional.of(ErrorCode.UNAUTHORIZED.code()),
                        claimed,
                        Endpoints.atFeedback(request)));
              } catch (RuntimeException failure) {
                // The call is refused either way; say that its record is missing.
                log.warn(
                    "could not record a refused call in the audit trail: {}",
                    failure.getClass().getSimpleName());
              }
            });
  }

  private void write(HttpServletResponse response, ErrorCode code, String message)
      throws IOException {
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    json.writeValue(response.getOutputStream(), ErrorBody.of(code, message));
  }

  /** RFC 6750 allows only printable ASCII except '"' and '\' in error_description. */
  private static String quotable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '?');
    }
    return out.toString();
  }
}
