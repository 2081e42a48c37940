package org.ketaminecds.cds.security;

import java.util.List;
import org.ketaminecds.cds.testing.TestFhirServer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Makes every Spring test context of this module trust the {@link TestTokens} EHR, with {@link
 * TestFhirServer#shared()} on its allow-list of FHIR servers, at the lowest precedence: a test that
 * configures {@code cds.security.issuers} itself replaces this list whole. Registered in {@code
 * META-INF/spring.factories} (test class path only).
 */
public final class TestIssuerContextCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    return new TrustTestEhr();
  }

  /** Equal to every other instance, so it does not split Spring's test context cache. */
  private static final class TrustTestEhr implements ContextCustomizer {

    @Override
    public void customizeContext(
        ConfigurableApplicationContext context, MergedContextConfiguration merged) {
      context
          .getEnvironment()
          .getPropertySources()
          .addLast(
              new MapPropertySource(
                  "test-ehr-issuer",
                  TestTokens.issuerProperties(TestFhirServer.shared().baseUrl())));
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof TrustTestEhr;
    }

    @Override
    public int hashCode() {
      return TrustTestEhr.class.hashCode();
    }
  }
}
