package org.ketaminecds.cds.prefetch;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.ketaminecds.cds.config.CdsProperties;
import org.ketaminecds.cds.fhir.PatientContextMapper;
import org.ketaminecds.cds.security.Urls;
import org.springframework.stereotype.Component;

/**
 * Reads from the EHR's FHIR server with HAPI's client, using the bearer token from {@code
 * fhirAuthorization}. Connect and read timeouts are set on the shared {@link FhirContext}; the
 * caller bounds the total time. A search is read whole or not at all: more pages or entries than
 * the limits allow, a next page on another server, or a resource of another type than searched for,
 * make it an {@link IncompleteFetchException}. A search for the latest few (sorted, with a page
 * size) is its first page, if the server sorted it.
 */
@Component
class FhirFetcher {

  private final FhirContext context;
  private final int maxPages;
  private final int maxEntries;

  FhirFetcher(FhirContext context, CdsProperties properties) {
    this.context = context;
    this.maxPages = properties.fhir().maxPages();
    this.maxEntries = properties.maxBundleEntries();
    // Build one client now (no request is sent): the first hook call should not spend its time
    // budget loading HAPI's client classes.
    context.newRestfulGenericClient("http://127.0.0.1/warm-up");
  }

  /**
   * Runs a relative query ({@code Patient/1} or {@code MedicationRequest?patient=1}) and returns
   * every resource it yields, following search pages up to the configured limit. Its requests are
   * registered with {@code inFlight}, which can cut them off.
   */
  List<Resource> fetch(
      String baseUrl, Optional<String> accessToken, String query, InFlightRequests inFlight) {
    IGenericClient client = context.newRestfulGenericClient(baseUrl);
    accessToken.ifPresent(
        token -> client.registerInterceptor(new BearerTokenAuthInterceptor(token)));
    client.registerInterceptor(inFlight);
    String url = baseUrl + "/" + query;
    if (!query.contains("?")) {
      // An instance read: Patient/123.
      String type = query.substring(0, query.indexOf('/'));
      Class<? extends IBaseResource> resourceClass =
          context.getResourceDefinition(type).getImplementingClass();
      return List.of((Resource) client.fetchResourceFromUrl(resourceClass, url));
    }
    String searched = query.substring(0, query.indexOf('?'));
    Bundle bundle = client.search().byUrl(url).returnBundle(Bundle.class).execute();
    List<Resource> resources = new ArrayList<>();
    int pages = 1;
    while (true) {
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        if (entry.hasResource()) {
          resources.add(asked(searched, entry));
        }
      }
      if (resources.size() > maxEntries) {
        throw new IncompleteFetchException("more than " + maxEntries + " entries");
      }
      Bundle.BundleLinkComponent next = bundle.getLink(Bundle.LINK_NEXT);
      if (next == null || !next.hasUrl() || (pages == 1 && firstPageAnswers(query, bundle))) {
        return resources;
      }
      // Follow only pages on the same server: a next link elsewhere would carry the token away.
      if (!onServer(baseUrl, next.getUrl())) {
        throw new IncompleteFetchException("next page is not on fhirServer");
      }
      if (pages >= maxPages) {
        throw new IncompleteFetchException("more than " + maxPages + " pages");
      }
      bundle = client.loadPage().next(bundle).execute();
      pages++;
    }
  }

  /**
   * Whether this first page of a search answers it: the search asks for the latest few (sorted
   * newest first, with a page size: {@code _sort=-date&_count=10}) and the server did sort (the
   * page's Observations are newest first). A server that ignored {@code _sort} may have put the
   * latest reading on any page, so its search is read whole like every other.
   */
  static boolean firstPageAnswers(String query, Bundle page) {
    return asksForLatest(query) && newestFirst(page);
  }

  /** Whether a search is sorted with a page size: {@code _sort=-date&_count=10}. */
  static boolean asksForLatest(String query) {
    int q = query.indexOf('?');
    if (q < 0) {
      return false;
    }
    boolean sorted = false;
    boolean counted = false;
    for (String parameter : query.substring(q + 1).split("&")) {
      sorted |= parameter.startsWith("_sort=");
      counted |= parameter.startsWith("_count=");
    }
    return sorted && counted;
  }

  /**
   * Whether a page's Observations are in order, newest first, by when they were taken (and at least
   * one says when). Other resources have no such time here, and do not count.
   */
  static boolean newestFirst(Bundle page) {
    Instant previous = null;
    for (Bundle.BundleEntryComponent entry : page.getEntry()) {
      if (!(entry.getResource() instanceof Observation o)) {
        continue;
      }
      Optional<Instant> taken = PatientContextMapper.takenAt(o);
      if (taken.isEmpty() || (previous != null && taken.get().isAfter(previous))) {
        return false;
      }
      previous = taken.get();
    }
    return previous != null;
  }

  /** Whether an OperationOutcome reports an error (or worse), not only warnings or information. */
  static boolean isError(OperationOutcome outcome) {
    for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
      OperationOutcome.IssueSeverity severity = issue.getSeverity();
      if (severity == OperationOutcome.IssueSeverity.ERROR
          || severity == OperationOutcome.IssueSeverity.FATAL) {
        return true;
      }
    }
    return false;
  }

  /**
   * A search result's resource, if it is of the type searched for or marked as included or as an
   * outcome. Anything else means the server answered another question: read as the answer to this
   * one, a medication search yielding no medications would pass for an empty list. An outcome that
   * reports an error says the results may be incomplete: the search is.
   */
  static Resource asked(String searched, Bundle.BundleEntryComponent entry) {
    Resource resource = entry.getResource();
    if (resource instanceof OperationOutcome outcome && isError(outcome)) {
      throw new IncompleteFetchException("the server reported an error in its search results");
    }
    Bundle.SearchEntryMode mode = entry.getSearch().getMode();
    if (resource.fhirType().equals(searched)
        || mode == Bundle.SearchEntryMode.INCLUDE
        || mode == Bundle.SearchEntryMode.OUTCOME) {
      return resource;
    }
    throw new IncompleteFetchException(
        "a search for " + searched + " returned a " + resource.fhirType());
  }

  /**
   * Whether a URL is on the FHIR server at {@code base}: same scheme, host and port, and its path
   * the base path (HAPI pages as {@code base?_getpages=...}) or below it, without dot segments.
   */
  static boolean onServer(String base, String url) {
    URI b;
    URI u;
    try {
      b = new URI(base);
      u = new URI(url);
    } catch (URISyntaxException e) {
      return false;
    }
    if (!u.isAbsolute()
        || u.getHost() == null
        || u.getRawUserInfo() != null
        || !b.getScheme().equalsIgnoreCase(u.getScheme())
        || !b.getHost().equalsIgnoreCase(u.getHost())
        || port(b) != port(u)) {
      return false;
    }
    String basePath = b.getRawPath() == null ? "" : b.getRawPath().replaceAll("/+$", "");
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    // Dot segments, written out or percent-encoded ("%2e%2e", "..%2f"): a proxy that decodes
    // before resolving would take them out of the base path, with the EHR's token.
    String decoded = u.getPath() == null ? "" : u.getPath();
    String lower = path.toLowerCase(Locale.ROOT);
    if (Urls.hasDotSegment(path)
        || Urls.hasDotSegment(decoded)
        || lower.contains("%2f")
        || lower.contains("%5c")
        || path.contains("\\")) {
      return false;
    }
    return path.equals(basePath) || path.equals(basePath + "/") || path.startsWith(basePath + "/");
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equals(uri.getScheme().toLowerCase(Locale.ROOT)) ? 443 : 80;
  }
}
