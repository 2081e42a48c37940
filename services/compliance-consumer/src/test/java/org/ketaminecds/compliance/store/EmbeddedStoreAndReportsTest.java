package org.ketaminecds.compliance.store;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the default store: an H2 file database in PostgreSQL mode, as configured. */
class EmbeddedStoreAndReportsTest extends StoreAndReportsContract {

  @TempDir static Path directory;
  private static HikariDataSource pool;

  @BeforeAll
  static void migrate() {
    pool = new HikariDataSource();
    // The production URL's options (application.yml), without the auto server: one process here.
    pool.setJdbcUrl(
        "jdbc:h2:file:"
            + directory.resolve("audit")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    pool.setUsername("sa");
    Flyway.configure().dataSource(pool).load().migrate();
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
