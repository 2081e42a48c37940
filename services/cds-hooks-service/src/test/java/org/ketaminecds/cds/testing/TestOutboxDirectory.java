package org.ketaminecds.cds.testing;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives every application context started from the test class path its own audit outbox under
 * {@code target/}, unless one is configured: the outbox is locked by the instance that opens it,
 * and the test JVM caches several contexts at once.
 */
public final class TestOutboxDirectory implements EnvironmentPostProcessor {

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication app) {
    // Lowest precedence: any explicit setting (test properties, system properties) wins.
    environment
        .getPropertySources()
        .addLast(
            new MapPropertySource(
                "testOutboxDirectory",
                Map.of(
                    "cds.audit.outbox.directory",
                    Path.of("target", "test-outbox", UUID.randomUUID().toString()).toString())));
  }
}
