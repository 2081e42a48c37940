package org.ketaminecds.cds.prefetch;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.ketaminecds.cds.config.CdsProperties;
import org.ketaminecds.cds.discovery.CdsServiceCatalog;
import org.ketaminecds.cds.errors.CdsException;
import org.ketaminecds.cds.fhir.FhirJson;
import org.ketaminecds.cds.fhir.MedicationMapper;
import org.ketaminecds.cds.fhir.PatientMatch;
import org.ketaminecds.cds.hooks.HookRequest;
import org.ketaminecds.cds.security.FhirServerPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Builds the {@link PatientRecord} for a hook call. A prefetch key that is present is used as given
 * ({@code null} meaning "no such data"); a missing key is fetched from {@code fhirServer} with the
 * EHR's token, all keys in parallel, within the configured total time. Medications are essential:
 * if they can be obtained neither way the call is refused with 412. Other data (patient,
 * conditions, blood pressure) is marked unavailable and the check says it is incomplete. A {@code
 * fhirServer} the {@link FhirServerPolicy} does not allow for the caller is never contacted: what
 * would have been fetched from it counts as unavailable. Data of another patient than {@code
 * context.patientId} is refused when prefetched (400) and unavailable when fetched.
 */
@Component
public class PatientRecordAssembler {

  private static final Logger log = LoggerFactory.getLogger(PatientRecordAssembler.class);
  private static final Set<String> ESSENTIAL =
      Set.of(CdsServiceCatalog.MEDICATION_REQUESTS, CdsServiceCatalog.MEDICATION_STATEMENTS);

  private final FhirJson fhir;
  private final FhirFetcher fetcher;
  private final FhirServerPolicy fhirServers;
  private final ExecutorService executor;
  private final Duration totalTimeout;
  private final PrefetchMetrics metrics;

  PatientRecordAssembler(
      FhirJson fhir,
      FhirFetcher fetcher,
      FhirServerPolicy fhirServers,
      ExecutorService fhirFetchExecutor,
      CdsProperties props,
      PrefetchMetrics metrics) {
    this.fhir = fhir;
    this.fetcher = fetcher;
    this.fhirServers = fhirServers;
    this.executor = fhirFetchExecutor;
    this.totalTimeout = props.fhir().totalTimeout();
    this.metrics = metrics;
  }

  /** A fresh budget of the configured total time for this call's fetches. */
  public FetchBudget budget() {
    return FetchBudget.startingNow(totalTimeout);
  }

  public PatientRecord assemble(HookRequest request) {
    return assemble(request, budget());
  }

  public PatientRecord assemble(HookRequest request, FetchBudget budget) {
    Map<String, String> templates = request.service().prefetch();
    Map<String, List<Resource>> data = new HashMap<>();
    Set<String> unavailable = new HashSet<>();
    Map<String, String> toFetch = new LinkedHashMap<>();
    Set<String> partial = new HashSet<>();
    Set<String> failedAtEhr = new HashSet<>();
    for (String key : templates.keySet()) {
      JsonNode given = request.prefetch().get(key);
      if (given == null) {
        toFetch.put(key, templates.get(key));
      } else if (given.isNull()) {
        data.put(key, List.of());
      } else {
        String field = "prefetch." + key;
        IBaseResource parsed = parse(given, templates.get(key), field);
        Prefetched prefetched = Prefetched.of(parsed);
        if (prefetched.failure) {
          // CDS Hooks 2.0: the EHR met an error prefetching this and says so with an
          // OperationOutcome, so that no follow-up query is made. The data is unavailable.
          failedAtEhr.add(key);
          unavailable.add(key);
          log.warn("the EHR reported an error prefetching key {}", key);
          continue;
        }
        List<Resource> resources = prefetched.resources;
        Optional<Resource> theirs = ofAnotherPatient(request, resources);
        if (theirs.isPresent()) {
          // The EHR's own mistake in this very request: refused, naming the key, never the ids.
          throw CdsException.invalid(
              field,
              "holds data of another patient than context.patientId (a "
                  + theirs.get().fhirType()
                  + ")");
        }
        if (prefetched.nextPage
            && !FhirFetcher.firstPageAnswers(templates.get(key), (Bundle) parsed)) {
          // The first page of a search only: the rest may hold the interacting drug. The whole
          // search is read from fhirServer instead or, failing that, the key is unavailable. (A
          // search for the latest few readings, sorted newest first, is its first page.)
          partial.add(key);
          toFetch.put(key, templates.get(key));
        } else {
          data.put(key, resources);
        }
      }
    }
    Optional<String> refusal = Optional.empty();
    if (!toFetch.isEmpty()) {
      refusal = fetchAll(request, toFetch, data, unavailable, budget);
    }
    for (String key : templates.keySet()) {
      metrics.count(
          key,
          unavailable.contains(key)
              ? PrefetchMetrics.Outcome.UNAVAILABLE
              : toFetch.containsKey(key)
                  ? PrefetchMetrics.Outcome.FETCHED
                  : PrefetchMetrics.Outcome.PREFETCHED);
    }
    for (String key : ESSENTIAL) {
      if (unavailable.contains(key)) {
        throw new PrefetchUnavailableException(
            "the patient's "
                + (key.equals(CdsServiceCatalog.MEDICATION_REQUESTS)
                    ? "medication requests"
                    : "medication statements")
                + (failedAtEhr.contains(key)
                    ? " could not be prefetched: the EHR reported an error (OperationOutcome)"
                    : (partial.contains(key)
                            ? " were prefetched only in part (the Bundle has a next page)"
                            : " were not prefetched")
                        + " and could not be read from fhirServer"
                        + refusal.map(r -> " (" + r + ")").orElse("")));
      }
    }
    return record(data, unavailable);
  }

  /** Fetches what was not prefetched; returns why the server may not be asked, if it may not. */
  private Optional<String> fetchAll(
      HookRequest request,
      Map<String, String> toFetch,
      Map<String, List<Resource>> data,
      Set<String> unavailable,
      FetchBudget budget) {
    if (request.fhirServer().isEmpty()) {
      unavailable.addAll(toFetch.keySet());
      return Optional.empty();
    }
    String base = request.fhirServer().get();
    Optional<String> refusal = fhirServers.refusal(base);
    if (refusal.isPresent()) {
      // Neither a request nor the EHR's token goes there.
      unavailable.addAll(toFetch.keySet());
      log.warn("not reading from fhirServer {}: {}", FhirServerPolicy.origin(base), refusal.get());
      return refusal;
    }
    Optional<String> token =
        request.fhirAuthorization().map(org.ketaminecds.cds.hooks.FhirAuthorization::accessToken);
    PrefetchTokenResolver tokens = new PrefetchTokenResolver(contextValues(request));
    InFlightRequests inFlight = new InFlightRequests();
    Map<String, CompletableFuture<List<Resource>>> pending = new LinkedHashMap<>();
    toFetch.forEach(
        (key, template) -> {
          Optional<String> query = tokens.resolve(template);
          if (query.isEmpty()) {
            unavailable.add(key);
          } else {
            pending.put(
                key,
                CompletableFuture.supplyAsync(
                    () -> thisPatients(request, fetcher.fetch(base, token, query.get(), inFlight)),
                    executor));
          }
        });
    for (var entry : pending.entrySet()) {
      try {
        data.put(
            entry.getKey(), entry.getValue().get(budget.remainingNanos(), TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        // The budget is spent for every key still pending: cut their requests off too.
        inFlight.abandon();
        entry.getValue().cancel(true);
        unavailable.add(entry.getKey());
        log.warn("FHIR fetch for prefetch key {} exceeded the time limit", entry.getKey());
      } catch (ExecutionException e) {
        unavailable.add(entry.getKey());
        // The cause's type only: its message may contain a URL with a patient id. Our own
        // IncompleteFetchException says only which limit was hit or which types came back.
        log.warn(
            "FHIR fetch for prefetch key {} failed: {}",
            entry.getKey(),
            e.getCause() instanceof IncompleteFetchException incomplete
                ? incomplete.getMessage()
                : e.getCause().getClass().getSimpleName());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        unavailable.add(entry.getKey());
      }
    }
    return Optional.empty();
  }

  /**
   * Reads referenced Medications that were neither contained nor sent along, from {@code
   * fhirServer}, in parallel and within what is left of the budget. Only references on that server
   * are followed (relative ones, or absolute ones under its base URL): the EHR's token must not
   * travel elsewhere.
   *
   * @return the Medications found, keyed by the reference as written
   */
  public Map<String, Resource> fetchMedications(
      HookRequest request, Set<String> references, FetchBudget budget) {
    if (request.fhirServer().isEmpty() || references.isEmpty()) {
      return Map.of();
    }
    Optional<String> refusal = fhirServers.refusal(request.fhirServer().get());
    if (refusal.isPresent()) {
      log.warn(
          "not reading referenced Medications from fhirServer {}: {}",
          FhirServerPolicy.origin(request.fhirServer().get()),
          refusal.get());
      return Map.of();
    }
    String base = request.fhirServer().get().replaceAll("/+$", "");
    Optional<String> token =
        request.fhirAuthorization().map(org.ketaminecds.cds.hooks.FhirAuthorization::accessToken);
    InFlightRequests inFlight = new InFlightRequests();
    Map<String, CompletableFuture<List<Resource>>> pending = new LinkedHashMap<>();
    for (String reference : references) {
      medicationQuery(base, reference)
          .ifPresent(
              query ->
                  pending.put(
                      reference,
                      CompletableFuture.supplyAsync(
                          () -> fetcher.fetch(base, token, query, inFlight), executor)));
    }
    Map<String, Resource> found = new HashMap<>();
    for (var entry : pending.entrySet()) {
      try {
        entry.getValue().get(budget.remainingNanos(), TimeUnit.NANOSECONDS).stream()
            .filter(r -> r instanceof org.hl7.fhir.r4.model.Medication)
            .findFirst()
            .ifPresent(r -> found.put(entry.getKey(), r));
      } catch (TimeoutException e) {
        inFlight.abandon();
        entry.getValue().cancel(true);
        log.warn("FHIR read of a referenced Medication exceeded the time limit");
      } catch (ExecutionException e) {
        log.warn(
            "FHIR read of a referenced Medication failed: {}",
            e.getCause().getClass().getSimpleName());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return found;
  }

  /** {@code Medication/123} for a reference on this server, or empty for any other. */
  static Optional<String> medicationQuery(String base, String reference) {
    String relative = reference;
    if (reference.startsWith(base + "/")) {
      relative = reference.substring(base.length() + 1);
    } else if (reference.contains("://")) {
      return Optional.empty();
    }
    int history = relative.indexOf("/_history/");
    if (history > 0) {
      relative = relative.substring(0, history);
    }
    return relative.matches("Medication/[A-Za-z0-9\\-.]{1,64}")
        ? Optional.of(relative)
        : Optional.empty();
  }

  private static Map<String, String> contextValues(HookRequest request) {
    Map<String, String> values = new HashMap<>();
    values.put("userId", request.context().userId());
    values.put("patientId", request.context().patientId());
    request.context().encounterId().ifPresent(id -> values.put("encounterId", id));
    return values;
  }

  /**
   * The Medications the EHR sent along in the prefetched medication lists, by relative reference
   * and full URL: a draft order may name its Medication by a reference that only the prefetch
   * resolves. Parses those keys, so it is for a draft whose Medication is not otherwise at hand.
   */
  public Map<String, Resource> prefetchedMedications(HookRequest request) {
    Map<String, Resource> index = new HashMap<>();
    for (String key : ESSENTIAL) {
      JsonNode given = request.prefetch().get(key);
      String template = request.service().prefetch().get(key);
      if (given == null || !given.isObject() || template == null) {
        continue;
      }
      IBaseResource parsed = parse(given, template, "prefetch." + key);
      if (parsed instanceof Bundle bundle) {
        MedicationMapper.index(bundle)
            .forEach(
                (ref, r) -> {
                  if (r instanceof Medication) {
                    index.put(ref, r);
                  }
                });
      }
      for (Resource r : Prefetched.of(parsed).resources) {
        if (r instanceof Medication && r.getIdElement().hasIdPart()) {
          index.put("Medication/" + r.getIdElement().getIdPart(), r);
        }
      }
    }
    return index;
  }

  /**
   * A prefetched key holds what its template yields: a searchset Bundle for a search, the resource
   * for a read. A Patient given where the medication search belongs would otherwise count as "no
   * medications", a silent all-clear.
   */
  private IBaseResource parse(JsonNode node, String template, String field) {
    Class<? extends IBaseResource> expected =
        template.contains("?")
            ? Bundle.class
            : fhir.context()
                .getResourceDefinition(template.substring(0, template.indexOf('/')))
                .getImplementingClass();
    if ("OperationOutcome".equals(node.path("resourceType").asText())) {
      return fhir.parse(node, OperationOutcome.class, field);
    }
    return fhir.parse(node, expected, field);
  }

  /**
   * What a prefetched key holds, read in one walk through it and the Bundles inside it (an EHR that
   * fulfils its prefetch with a batch puts each search's Bundle in a batch-response; kept as a
   * Bundle, their medications would go unread: a silent all-clear).
   */
  private static final class Prefetched {
    /** Every resource, Bundles unpacked. */
    final List<Resource> resources = new ArrayList<>();

    /** A Bundle in it is only the first page of its search. */
    boolean nextPage;

    /**
     * The EHR says it could not prefetch this: an OperationOutcome in place of the data, one with
     * an error in a search Bundle (the results may then be incomplete), or a batch-response entry
     * whose status is not 2xx. Warnings and information ("no results", "some entries withheld by
     * policy") leave the data as it is.
     */
    boolean failure;

    static Prefetched of(IBaseResource prefetched) {
      Prefetched contents = new Prefetched();
      if (prefetched instanceof Bundle bundle) {
        contents.walk(bundle);
      } else {
        contents.resources.add((Resource) prefetched);
        contents.failure = prefetched instanceof OperationOutcome;
      }
      return contents;
    }

    private void walk(Bundle bundle) {
      nextPage |= bundle.getLink(Bundle.LINK_NEXT) != null;
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        Resource resource = entry.getResource();
        failure |=
            (resource instanceof OperationOutcome outcome && FhirFetcher.isError(outcome))
                || (entry.hasResponse()
                    && entry.getResponse().hasStatus()
                    && !entry.getResponse().getStatus().trim().startsWith("2"));
        if (resource instanceof Bundle inner) {
          walk(inner);
        } else if (resource != null) {
          resources.add(resource);
        }
      }
    }
  }

  /**
   * A FHIR server that answers a query for this patient with another patient's data is misbehaving,
   * like one that answers with the wrong resource type: none of that answer is used.
   */
  private static List<Resource> thisPatients(HookRequest request, List<Resource> resources) {
    Optional<Resource> theirs = ofAnotherPatient(request, resources);
    if (theirs.isPresent()) {
      throw new IncompleteFetchException(
          "the answer holds a " + theirs.get().fhirType() + " of another patient");
    }
    return resources;
  }

  private static Optional<Resource> ofAnotherPatient(
      HookRequest request, List<Resource> resources) {
    String patientId = request.context().patientId();
    return resources.stream().filter(r -> PatientMatch.ofAnotherPatient(r, patientId)).findFirst();
  }

  private static PatientRecord record(Map<String, List<Resource>> data, Set<String> unavailable) {
    return PatientRecord.of(data.values().stream().flatMap(List::stream).toList(), unavailable);
  }
}
