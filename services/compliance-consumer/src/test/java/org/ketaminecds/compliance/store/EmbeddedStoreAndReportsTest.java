package org.ketaminecds.compliance.store;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the default store: an H2 file database with the URL application.yml gives. */
class EmbeddedStoreAndReportsTest extends StoreAndReportsContract {

  @TempDir static Path directory;
  private static HikariDataSource pool;

  @BeforeAll
  static void migrate() {
    pool = new HikariDataSource();
    // The production URL itself (application.yml), on a directory of the test's own.
    pool.setJdbcUrl(configuredUrl().replace("${compliance.store.directory}", directory.toString()));
    pool.setUsername("sa");
    Flyway.configure().dataSource(pool).load().migrate();
  }

  @SuppressWarnings("unchecked")
  private static String configuredUrl() {
    try (var in =
        EmbeddedStoreAndReportsTest.class.getClassLoader().getResourceAsStream("application.yml")) {
      Map<String, Object> root = new org.yaml.snakeyaml.Yaml().load(in);
      Map<String, Object> spring = (Map<String, Object>) root.get("spring");
      Map<String, Object> datasource = (Map<String, Object>) spring.get("datasource");
      return (String) datasource.get("url");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  static void close() {
    pool.close();
  }

  @Override
  DataSource dataSource() {
    return pool;
  }
}
