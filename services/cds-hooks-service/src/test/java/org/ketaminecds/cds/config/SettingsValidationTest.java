package org.ketaminecds.cds.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * A numeric setting that would make every call fail, or silently give up a guarantee, stops the
 * service at start-up with a message naming the setting.
 */
class SettingsValidationTest {

  @Configuration
  @EnableConfigurationProperties(CdsProperties.class)
  static class Bound {}

  private final ApplicationContextRunner context =
      new ApplicationContextRunner().withUserConfiguration(Bound.class);

  @ParameterizedTest
  @CsvSource({
    "cds.max-body-size=-1MB, cds.max-body-size",
    "cds.max-body-size=0, cds.max-body-size",
    "cds.max-json-depth=0, cds.max-json-depth",
    "cds.max-bundle-entries=-5, cds.max-bundle-entries",
    "cds.fhir.total-timeout=-2s, cds.fhir.total-timeout",
    "cds.fhir.read-timeout=0s, cds.fhir.read-timeout",
    "cds.fhir.max-pages=0, cds.fhir.max-pages",
    "cds.public-url=not a url, cds.public-url",
    "cds.public-url=ftp://cds.example.org, cds.public-url",
    "cds.public-url=cds.example.org, cds.public-url"
  })
  void anImpossibleValueStopsStartUpNamingTheSetting(String setting, String name) {
    context
        .withPropertyValues(setting)
        .run(
            started -> {
              assertThat(started).hasFailed();
              assertThat(started.getStartupFailure()).rootCause().hasMessageContaining(name);
            });
  }

  @ParameterizedTest
  @CsvSource({
    "cds.max-body-size=4MB",
    "cds.fhir.total-timeout=5s",
    "cds.max-bundle-entries=1",
    "cds.public-url=https://cds.example.org/ketamine"
  })
  void aSensibleValueIsTaken(String setting) {
    context.withPropertyValues(setting).run(started -> assertThat(started).hasNotFailed());
  }
}
