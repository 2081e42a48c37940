package org.ketaminecds.cds.prefetch;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.ketaminecds.cds.fhir.FhirConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class FetchExecutorConfiguration {

  /**
   * Threads for FHIR fetches: blocking I/O, so more threads than cores; bounded so a hanging EHR
   * server cannot exhaust the JVM.
   */
  @Bean(destroyMethod = "shutdownNow")
  ExecutorService fhirFetchExecutor() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            FhirConfiguration.FETCH_THREADS,
            FhirConfiguration.FETCH_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(1024),
            r -> {
              Thread t = new Thread(r, "fhir-fetch-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }
}
