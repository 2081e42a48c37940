package org.ketaminecds.cds.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import org.apache.http.impl.client.HttpClientBuilder;
import org.ketaminecds.cds.config.CdsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class FhirConfiguration {

  /** Threads that read from EHRs' FHIR servers, and pooled connections to them. */
  public static final int FETCH_THREADS = 64;

  /** One R4 context for the whole service: creating one is expensive, using one is thread-safe. */
  @Bean
  FhirContext fhirContext(CdsProperties properties) {
    FhirContext context = FhirContext.forR4();
    var clients = new NoRedirectClientFactory(context);
    context.setRestfulClientFactory(clients);
    clients.setConnectTimeout((int) properties.fhir().connectTimeout().toMillis());
    clients.setConnectionRequestTimeout((int) properties.fhir().connectTimeout().toMillis());
    clients.setSocketTimeout((int) properties.fhir().readTimeout().toMillis());
    // One connection for every fetch thread (HAPI's default pool holds 20 for all EHRs together, so
    // busy calls waited for a connection and were answered 412); one FHIR server may take three
    // quarters of them, so a slow one leaves the rest to the others.
    clients.setPoolMaxTotal(FETCH_THREADS);
    clients.setPoolMaxPerRoute(FETCH_THREADS * 3 / 4);
    // EHR servers are not asked for their CapabilityStatement before every search.
    clients.setServerValidationMode(ServerValidationModeEnum.NEVER);
    return context;
  }

  /**
   * HAPI's Apache client without redirect following: a redirect would resend the EHR's bearer token
   * (the client copies request headers) to wherever the FHIR server points, which the allow-list of
   * FHIR servers would then not cover. A redirect fails the fetch instead.
   */
  private static final class NoRedirectClientFactory extends ApacheRestfulClientFactory {
    NoRedirectClientFactory(FhirContext context) {
      super(context);
    }

    @Override
    protected HttpClientBuilder getHttpClientBuilder() {
      return super.getHttpClientBuilder().disableRedirectHandling();
    }
  }
}
