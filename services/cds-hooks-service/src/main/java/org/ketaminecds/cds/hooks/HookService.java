package org.ketaminecds.cds.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.ketaminecds.cds.alerts.AlertFiltering;
import org.ketaminecds.cds.audit.AuditRecorder;
import org.ketaminecds.cds.audit.CallerIdentity;
import org.ketaminecds.cds.audit.FeedbackAudit;
import org.ketaminecds.cds.audit.InvocationAudit;
import org.ketaminecds.cds.cards.Card;
import org.ketaminecds.cds.cards.CdsResponse;
import org.ketaminecds.cds.discovery.CdsService;
import org.ketaminecds.cds.discovery.CdsServiceCatalog;
import org.ketaminecds.cds.errors.CdsException;
import org.ketaminecds.cds.errors.ErrorCode;
import org.ketaminecds.engine.InteractionEngine;
import org.springframework.stereotype.Service;

/**
 * Serves one hook call or one feedback post from start to end: read and validate, check, audit,
 * answer. A hook call refused once its service is known is audited here, with what could be read of
 * its body; every other refusal is audited by {@link org.ketaminecds.cds.audit.RefusedCalls}.
 */
@Service
public class HookService {

  private final CdsServiceCatalog catalog;
  private final HookRequestReader reader;
  private final FeedbackReader feedbackReader;
  private final OrderCheck check;
  private final RequestLimits limits;
  private final AuditRecorder audit;
  private final InteractionEngine engine;
  private final Clock clock;
  private final AlertFiltering alerts;

  HookService(
      CdsServiceCatalog catalog,
      HookRequestReader reader,
      FeedbackReader feedbackReader,
      OrderCheck check,
      RequestLimits limits,
      AuditRecorder audit,
      InteractionEngine engine,
      Clock clock,
      AlertFiltering alerts) {
    this.catalog = catalog;
    this.reader = reader;
    this.feedbackReader = feedbackReader;
    this.check = check;
    this.limits = limits;
    this.audit = audit;
    this.engine = engine;
    this.clock = clock;
    this.alerts = alerts;
  }

  /**
   * @param caller the authenticated CDS client, when authentication is on
   */
  public CdsResponse invoke(
      String serviceId, JsonNode body, String baseUrl, Optional<CallerIdentity> caller) {
    long start = System.nanoTime();
    CdsService service = service(serviceId);
    HookRequest request = null;
    try {
      limits.check(body);
      request = reader.read(service, body);
      OrderCheck.Result result = check.run(request, baseUrl);
      audit.invocation(
          record(service, request, body, result.cards(), start, 200, Optional.empty(), caller));
      return new CdsResponse(result.cards());
    } catch (CdsException refused) {
      if (refused.code() != ErrorCode.AUDIT_UNAVAILABLE) {
        audit.invocation(
            record(
                service,
                request,
                body,
                List.of(),
                start,
                refused.code().status().value(),
                Optional.of(refused.code().code()),
                caller));
        refused.markAudited();
      }
      throw refused;
    }
  }

  public void feedback(String serviceId, JsonNode body, Optional<CallerIdentity> caller) {
    CdsService service = service(serviceId);
    Instant now = clock.instant();
    for (FeedbackReader.Item item : feedbackReader.read(body)) {
      audit.feedback(
          new FeedbackAudit(
              now,
              service.id(),
              item.card(),
              item.outcome(),
              item.acceptedSuggestions(),
              item.overrideReason(),
              item.outcomeTimestamp(),
              caller));
      alerts.feedback(item.card(), item.outcome(), now);
    }
  }

  private CdsService service(String serviceId) {
    return catalog
        .find(serviceId)
        .orElseThrow(
            () ->
                new CdsException(
                    ErrorCode.UNKNOWN_SERVICE,
                    "no CDS service '" + brief(serviceId) + "'; see GET /cds-services"));
  }

  private InvocationAudit record(
      CdsService service,
      HookRequest request,
      JsonNode body,
      List<Card> cards,
      long start,
      int status,
      Optional<String> error,
      Optional<CallerIdentity> caller) {
    Optional<HookRequest> valid = Optional.ofNullable(request);
    return new InvocationAudit(
        clock.instant(),
        service.id(),
        Optional.of(service.hook()),
        valid.map(HookRequest::hookInstance).or(() -> text(body, "hookInstance")),
        valid.map(r -> r.context().userId()).or(() -> text(body.path("context"), "userId")),
        valid.map(r -> r.context().patientId()).or(() -> text(body.path("context"), "patientId")),
        valid.flatMap(r -> r.context().encounterId()),
        valid.map(r -> draftOrderIds(r.context().draftOrders())).orElse(List.of()),
        cards.stream()
            .map(
                c ->
                    new InvocationAudit.CardAudit(
                        c.uuid(), c.source().topic().code(), c.indicator()))
            .toList(),
        engine.rulePack().version(),
        Duration.ofNanos(System.nanoTime() - start),
        status,
        error,
        caller,
        false);
  }

  private static List<String> draftOrderIds(Bundle drafts) {
    return drafts.getEntry().stream()
        .filter(e -> e.hasResource() && e.getResource().getIdElement().hasIdPart())
        .map(e -> e.getResource().fhirType() + "/" + e.getResource().getIdElement().getIdPart())
        .toList();
  }

  /** A field from a body that failed validation, if it is a usable string. */
  private static Optional<String> text(JsonNode node, String field) {
    if (node == null) {
      return Optional.empty();
    }
    JsonNode value = node.get(field);
    return value != null
            && value.isTextual()
            && !value.asText().isBlank()
            && value.asText().length() <= 1024
        ? Optional.of(value.asText())
        : Optional.empty();
  }

  private static String brief(String value) {
    String safe = value.replaceAll("[^A-Za-z0-9._-]", "?");
    return safe.length() > 64 ? safe.substring(0, 64) + "…" : safe;
  }
}
