package org.ketaminecds.cds.prefetch;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.ketaminecds.cds.config.CdsProperties;
import org.springframework.stereotype.Component;

/**
 * Reads from the EHR's FHIR server with HAPI's client, using the bearer token from {@code
 * fhirAuthorization}. Connect and read timeouts are set on the shared {@link FhirContext}; the
 * caller bounds the total time.
 */
@Component
class FhirFetcher {

  private final FhirContext context;
  private final int maxPages;

  FhirFetcher(FhirContext context, CdsProperties properties) {
    this.context = context;
    this.maxPages = properties.fhir().maxPages();
    // Build one client now (no request is sent): the first hook call should not spend its time
    // budget loading HAPI's client classes.
    context.newRestfulGenericClient("http://127.0.0.1/warm-up");
  }

  /**
   * Runs a relative query ({@code Patient/1} or {@code MedicationRequest?patient=1}) and returns
   * every resource it yields, following search pages up to the configured limit.
   */
  List<Resource> fetch(String baseUrl, Optional<String> accessToken, String query) {
    IGenericClient client = context.newRestfulGenericClient(baseUrl);
    accessToken.ifPresent(
        token -> client.registerInterceptor(new BearerTokenAuthInterceptor(token)));
    String url = baseUrl + "/" + query;
    if (!query.contains("?")) {
      // An instance read: Patient/123.
      String type = query.substring(0, query.indexOf('/'));
      Class<? extends IBaseResource> resourceClass =
          context.getResourceDefinition(type).getImplementingClass();
      return List.of((Resource) client.fetchResourceFromUrl(resourceClass, url));
    }
    Bundle bundle = client.search().byUrl(url).returnBundle(Bundle.class).execute();
    List<Resource> resources = new ArrayList<>();
    int pages = 1;
    while (true) {
      bundle.getEntry().stream()
          .filter(Bundle.BundleEntryComponent::hasResource)
          .forEach(e -> resources.add(e.getResource()));
      Bundle.BundleLinkComponent next = bundle.getLink(Bundle.LINK_NEXT);
      // Follow only pages on the same server: a next link elsewhere would carry the token away.
      if (next == null || pages >= maxPages || !next.getUrl().startsWith(baseUrl + "/")) {
        return resources;
      }
      bundle = client.loadPage().next(bundle).execute();
      pages++;
    }
  }
}
