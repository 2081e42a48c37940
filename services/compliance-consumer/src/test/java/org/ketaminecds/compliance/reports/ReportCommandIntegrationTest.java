package org.ketaminecds.compliance.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.compliance.fixtures.ReportScenario.BENZODIAZEPINE;
import static org.ketaminecds.compliance.fixtures.ReportScenario.MAOI;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.ketaminecds.compliance.ComplianceConsumerApplication;
import org.ketaminecds.compliance.fixtures.AuditEvents;
import org.ketaminecds.compliance.fixtures.ReportScenario;
import org.ketaminecds.compliance.store.AuditStore;
import org.ketaminecds.compliance.store.RecordPosition;
import org.ketaminecds.compliance.verification.AuditEventVerifier;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The report command, the compliance officer's second command: it reads the store the running
 * consumer holds open and prints a report.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReportCommandIntegrationTest {

  @TempDir static Path storeDirectory;
  private static HikariDataSource consumerSide;
  private static final ReportScenario SCENARIO = new ReportScenario(LocalDate.of(2025, 5, 5));
  private static final String FROM = "--from=2025-05-05";
  private static final String TO = "--to=2025-05-06";

  /** Plays the running consumer: the store open with the configured URL, the day stored. */
  @BeforeAll
  static void consumerHoldsTheStore() {
    consumerSide = new HikariDataSource();
    consumerSide.setJdbcUrl(
        "jdbc:h2:file:"
            + storeDirectory.resolve("audit")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;QUERY_CACHE_SIZE=0;AUTO_SERVER=TRUE");
    consumerSide.setUsername("sa");
    Flyway.configure().dataSource(consumerSide).load().migrate();
    AuditStore store =
        new AuditStore(
            JdbcClient.create(consumerSide),
            new TransactionTemplate(new DataSourceTransactionManager(consumerSide)),
            Clock.systemUTC());
    AuditEventVerifier verifier = new AuditEventVerifier();
    long offset = 0;
    for (AuditEvents.Event<?> event : SCENARIO.events) {
      store.save(
          verifier.verify(event.headers(), event.json().getBytes(StandardCharsets.UTF_8)),
          new RecordPosition("cds.audit", 0, offset++));
    }
  }

  @AfterAll
  static void consumerStops() {
    consumerSide.close();
  }

  @Test
  void givenConsumerRunning_thenReportCommandInAnotherProcessPrintsTheCsv() throws Exception {
    Path out = storeDirectory.resolve("report.out");
    Path err = storeDirectory.resolve("report.err");
    Process command =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ComplianceConsumerApplication.class.getName(),
                "--spring.profiles.active=report",
                "--compliance.store.directory=" + storeDirectory,
                "--report=override-rate",
                FROM,
                TO)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    boolean finished = command.waitFor(120, TimeUnit.SECONDS);
    if (!finished) {
      command.destroyForcibly();
    }

    assertThat(finished).isTrue();
    assertThat(command.exitValue()).as(Files.readString(err)).isZero();
    assertThat(Files.readString(out))
        .isEqualTo(
            "ruleId,cardsShown,withFeedback,accepted,overridden,overrideRate\r\n"
                + BENZODIAZEPINE
                + ",1,1,1,0,0.0\r\n"
                + MAOI
                + ",3,2,1,1,0.5\r\n");
  }

  @Test
  void givenAllAsJson_thenEveryReportIsPrinted() throws Exception {
    Path file = storeDirectory.resolve("all.json");
    int exit = run("--report=all", "--format=json", FROM, TO, "--output=" + file);

    assertThat(exit).isZero();
    JsonNode reports = new ObjectMapper().readTree(file.toFile());
    assertThat(reports).hasSize(ReportName.values().length);
    JsonNode summary = reports.get(0);
    assertThat(summary.get("report").asText()).isEqualTo("summary");
    assertThat(summary.get("rows").get(0).get("calls").asLong()).isEqualTo(5);
    assertThat(summary.get("rows").get(0).get("callsWithoutFeedback").asLong()).isEqualTo(1);
  }

  @Test
  void givenUnknownReport_thenExitCodeTwoAndTheReportsAreListed(CapturedOutput output) {
    int exit = run("--report=everything");

    assertThat(exit).isEqualTo(2);
    assertThat(output.getErr()).contains("no such report", "override-rate", "usage:");
    assertThat(output.getOut()).doesNotContain("ruleId");
  }

  @Test
  void givenOutputFile_thenTheReportIsWrittenThere() throws Exception {
    File file = storeDirectory.resolve("users.csv").toFile();
    int exit = run("--report=calls-by-user", FROM, TO, "--output=" + file);

    assertThat(exit).isZero();
    assertThat(Files.readAllLines(file.toPath()))
        .isEqualTo(
            List.of(
                "user,calls,cardsShown,overridden",
                "Practitioner/1,3,3,1",
                "Practitioner/2,2,1,0"));
  }

  private static int run(String... arguments) {
    List<String> command = new ArrayList<>(List.of(arguments));
    command.add("--compliance.store.directory=" + storeDirectory);
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(ComplianceConsumerApplication.class)
            .profiles(ComplianceConsumerApplication.REPORT_PROFILE)
            .run(command.toArray(String[]::new));
    return SpringApplication.exit(context);
  }
}
