package org.ketaminecds.cds.audit;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.ketaminecds.cds.discovery.CdsService;
import org.ketaminecds.cds.discovery.CdsServiceCatalog;
import org.ketaminecds.cds.errors.ErrorCode;
import org.ketaminecds.cds.security.Endpoints;
import org.ketaminecds.engine.knowledge.RulePack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Records a refused call to a CDS service or its feedback endpoint that nothing else recorded: one
 * refused before its body was read (not JSON, not UTF-8, too large, wrong method or media type), a
 * call to a service id this service does not offer, refused feedback, a failure. The event says
 * only what the request line and the verified token say: the service, the status and error code,
 * the calling client; never anything from the body. Refused feedback is recorded as an invocation
 * of its service marked with the feedback endpoint, as a refused token is.
 */
@Component
public class RefusedCalls {

  private static final Logger log = LoggerFactory.getLogger(RefusedCalls.class);
  private static final int MAX_ID = 64;

  private final CdsServiceCatalog catalog;
  private final AuditRecorder audit;
  private final RulePack rulePack;
  private final Clock clock;

  RefusedCalls(CdsServiceCatalog catalog, AuditRecorder audit, RulePack rulePack, Clock clock) {
    this.catalog = catalog;
    this.audit = audit;
    this.rulePack = rulePack;
    this.clock = clock;
  }

  /**
   * Records the refusal of this request when it was a call to a CDS service. A refusal that the
   * audit trail cannot take is still answered; the missing record is logged.
   */
  public void record(HttpServletRequest request, ErrorCode code) {
    if (code == ErrorCode.AUDIT_UNAVAILABLE) {
      return; // nothing could store the call's own event; there is nowhere to put this one
    }
    Optional<String> calledId = Endpoints.serviceId(request);
    if (calledId.isEmpty()) {
      return;
    }
    Optional<CdsService> service = catalog.find(calledId.get());
    try {
      audit.invocation(
          new InvocationAudit(
              clock.instant(),
              service.map(CdsService::id).orElseGet(() -> requestedId(calledId.get())),
              service.map(CdsService::hook),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              List.of(),
              List.of(),
              rulePack.version(),
              Duration.ZERO,
              code.status().value(),
              Optional.of(code.code()),
              caller(),
              Endpoints.atFeedback(request)));
    } catch (RuntimeException failure) {
      log.warn(
          "could not record a refused call in the audit trail: {}",
          failure.getClass().getSimpleName());
    }
  }

  private static Optional<CallerIdentity> caller() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    return authentication != null && authentication.getPrincipal() instanceof CallerIdentity c
        ? Optional.of(c)
        : Optional.empty();
  }

  /** The id as called, reduced to characters that are safe in any report. */
  private static String requestedId(String id) {
    String safe = id.replaceAll("[^A-Za-z0-9._-]", "_");
    return safe.length() > MAX_ID ? safe.substring(0, MAX_ID) : safe;
  }
}
