package org.ketaminecds.cds.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** A setting that would switch a token check off in effect stops start-up, naming the setting. */
class WeakSecuritySettingsTest {

  @Configuration
  @EnableConfigurationProperties(SecurityProperties.class)
  static class Bound {}

  private final ApplicationContextRunner context =
      new ApplicationContextRunner().withUserConfiguration(Bound.class);

  @ParameterizedTest
  @CsvSource({
    "cds.security.max-token-lifetime=3650d, cds.security.max-token-lifetime",
    "cds.security.clock-skew=1d, cds.security.clock-skew",
    "cds.security.replay-cache-size=1, cds.security.replay-cache-size",
    "cds.security.jwks-timeout=0s, cds.security.jwks-timeout"
  })
  void aWeakeningValueStopsStartUp(String setting, String name) {
    context
        .withPropertyValues(setting)
        .run(
            started -> {
              assertThat(started).hasFailed();
              assertThat(started.getStartupFailure()).rootCause().hasMessageContaining(name);
            });
  }

  @ParameterizedTest
  @CsvSource({"cds.security.max-token-lifetime=10m", "cds.security.clock-skew=2m"})
  void aReasonableValueIsTaken(String setting) {
    context.withPropertyValues(setting).run(started -> assertThat(started).hasNotFailed());
  }
}
