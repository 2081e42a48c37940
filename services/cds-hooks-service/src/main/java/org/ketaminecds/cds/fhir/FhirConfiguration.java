package org.ketaminecds.cds.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import org.ketaminecds.cds.config.CdsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class FhirConfiguration {

  /** One R4 context for the whole service: creating one is expensive, using one is thread-safe. */
  @Bean
  FhirContext fhirContext(CdsProperties properties) {
    FhirContext context = FhirContext.forR4();
    var clients = context.getRestfulClientFactory();
    clients.setConnectTimeout((int) properties.fhir().connectTimeout().toMillis());
    clients.setConnectionRequestTimeout((int) properties.fhir().connectTimeout().toMillis());
    clients.setSocketTimeout((int) properties.fhir().readTimeout().toMillis());
    // EHR servers are not asked for their CapabilityStatement before every search.
    clients.setServerValidationMode(ServerValidationModeEnum.NEVER);
    return context;
  }
}
