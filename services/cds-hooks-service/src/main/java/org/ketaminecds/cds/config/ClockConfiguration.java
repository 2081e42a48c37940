package org.ketaminecds.cds.config;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class ClockConfiguration {

  /** One clock for the service, so tests can fix "today" for ages and washout periods. */
  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
