package org.ketaminecds.compliance.store;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The contract on PostgreSQL, where one is reachable on 127.0.0.1:5432 (trust authentication,
 * database {@code test}, user {@code postgres} or {@code root}); skipped elsewhere. Each run works
 * in a schema of its own, dropped afterwards, so parallel builds do not meet.
 */
@EnabledIf("reachable")
class PostgresStoreAndReportsIntegrationTest extends StoreAndReportsContract {

  private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String SCHEMA =
      "compliance_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private static final Optional<String> USER = user();
  private static HikariDataSource pool;

  static boolean reachable() {
    return USER.isPresent();
  }

  private static Optional<String> user() {
    for (String user : List.of("postgres", "root")) {
      PGSimpleDataSource candidate = dataSource(user, null);
      candidate.setConnectTimeout(2);
      try (Connection connection = candidate.getConnection()) {
        return Optional.of(user);
      } catch (SQLException unreachable) {
        // try the next user; none left means no PostgreSQL here, and the class is skipped
      }
    }
    return Optional.empty();
  }

  private static PGSimpleDataSource dataSource(String user, String schema) {
    PGSimpleDataSource postgres = new PGSimpleDataSource();
    postgres.setUrl(URL);
    postgres.setUser(user);
    if (schema != null) {
      postgres.setCurrentSchema(schema);
    }
    return postgres;
  }

  @BeforeAll
  static void createSchema() {
    execute("create schema " + SCHEMA);
    pool = new HikariDataSource();
    pool.setDataSource(dataSource(USER.orElseThrow(), SCHEMA));
    Flyway.configure().dataSource(pool).schemas(SCHEMA).defaultSchema(SCHEMA).load().migrate();
  }

  @Override
  DataSource dataSource() {
    return pool;
  }

  @AfterAll
  static void dropSchema() {
    if (pool != null) {
      pool.close();
    }
    execute("drop schema if exists " + SCHEMA + " cascade");
  }

  private static void execute(String sql) {
    try (Connection connection = dataSource(USER.orElseThrow(), null).getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL refused: " + sql, e);
    }
  }
}
