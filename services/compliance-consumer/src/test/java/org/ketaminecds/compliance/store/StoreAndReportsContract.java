package org.ketaminecds.compliance.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ketaminecds.compliance.fixtures.ReportScenario.BENZODIAZEPINE;
import static org.ketaminecds.compliance.fixtures.ReportScenario.CLIENT_A;
import static org.ketaminecds.compliance.fixtures.ReportScenario.CLIENT_B;
import static org.ketaminecds.compliance.fixtures.ReportScenario.MAOI;
import static org.ketaminecds.compliance.fixtures.ReportScenario.REASONS;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ketaminecds.compliance.fixtures.AuditEvents;
import org.ketaminecds.compliance.fixtures.ReportScenario;
import org.ketaminecds.compliance.reports.AcceptedSuggestions;
import org.ketaminecds.compliance.reports.AlertCount;
import org.ketaminecds.compliance.reports.ClientCalls;
import org.ketaminecds.compliance.reports.FeedbackGap;
import org.ketaminecds.compliance.reports.Latency;
import org.ketaminecds.compliance.reports.OverrideRate;
import org.ketaminecds.compliance.reports.OverrideReasonCount;
import org.ketaminecds.compliance.reports.ReportQueries;
import org.ketaminecds.compliance.reports.Summary;
import org.ketaminecds.compliance.reports.TimeRange;
import org.ketaminecds.compliance.reports.UserCalls;
import org.ketaminecds.compliance.verification.AuditEventVerifier;
import org.ketaminecds.compliance.verification.VerifiedEvent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the store and the report queries must do on every database we support: each subclass
 * supplies a migrated database of one kind, and every test here runs against it.
 */
abstract class StoreAndReportsContract {

  private final AuditEventVerifier verifier = new AuditEventVerifier();
  private AuditStore store;
  private ReportQueries queries;
  private JdbcClient jdbc;
  private ReportScenario scenario;
  private TimeRange day;

  /** The database of this test class, with our schema migrated; the same one for each test. */
  abstract DataSource dataSource();

  @BeforeEach
  void loadScenario() {
    DataSource dataSource = dataSource();
    jdbc = JdbcClient.create(dataSource);
    store =
        new AuditStore(
            jdbc,
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
            Clock.systemUTC());
    queries = new ReportQueries(jdbc);
    // A different week per test keeps tests that share a database apart (the scenario spills
    // into the days around its own).
    scenario = new ReportScenario(LocalDate.of(2025, 3, 3).plusWeeks(testIndex()));
    day = new TimeRange(scenario.from, scenario.to);
    long offset = 0;
    for (AuditEvents.Event<?> event : scenario.events) {
      assertThat(store.save(verify(event), new RecordPosition("cds.audit", 0, offset++))).isTrue();
    }
  }

  private static int counter;

  private static synchronized int testIndex() {
    return counter++;
  }

  @Test
  void givenSameEventTwice_thenStoredOnceAndUnchanged() {
    long before = store.count();
    VerifiedEvent again = verify(scenario.call1);

    assertThat(store.save(again, new RecordPosition("cds.audit", 1, 99))).isFalse();

    assertThat(store.count()).isEqualTo(before);
    assertThat(
            jdbc.sql("select count(*) from invocation_card where event_id = ?")
                .param(scenario.call1.id())
                .query(Long.class)
                .single())
        .isEqualTo(2);
    assertThat(
            jdbc.sql("select kafka_partition from audit_event where event_id = ?")
                .param(scenario.call1.id())
                .query(Integer.class)
                .single())
        .isZero();
  }

  @Test
  void givenStoredEvent_thenTheAuditEventIsKeptAsReceived() {
    String kept =
        jdbc.sql("select resource_json from audit_event where event_id = ?")
            .param(scenario.call2.id())
            .query(String.class)
            .single();
    assertThat(kept).isEqualTo(scenario.call2.json());
  }

  @Test
  void alertsByRule_countCardsAndCallsPerRuleAndIndicator() {
    assertThat(queries.alertsByRule(day))
        .containsExactly(
            new AlertCount(MAOI, "critical", 3, 3),
            new AlertCount(BENZODIAZEPINE, "warning", 1, 1));
  }

  @Test
  void overrideRate_takesEachCardsLatestFeedbackWheneverItArrived() {
    assertThat(queries.overrideRate(day))
        .containsExactly(
            new OverrideRate(BENZODIAZEPINE, 1, 1, 1, 0, 0.0),
            new OverrideRate(MAOI, 3, 2, 1, 1, 0.5));
  }

  @Test
  void overrideReasons_countOnlyOverridesThatStood() {
    assertThat(queries.overrideReasons(day))
        .containsExactly(
            new OverrideReasonCount(MAOI, REASONS, "patient-monitored", "Patient is monitored", 1));
  }

  @Test
  void acceptedSuggestions_countSuggestionsTakenPerRule() {
    assertThat(queries.acceptedSuggestions(day))
        .containsExactly(
            new AcceptedSuggestions(BENZODIAZEPINE, 1, 2, 0),
            new AcceptedSuggestions(MAOI, 1, 0, 1));
  }

  @Test
  void callsByClient_splitAnsweredRefusedAndFailed() {
    assertThat(queries.callsByClient(day))
        .containsExactly(
            new ClientCalls(CLIENT_A, "ehr-a", 3, 3, 0, 0),
            new ClientCalls(CLIENT_B, "ehr-b", 2, 1, 1, 0));
  }

  @Test
  void callsByUser_countCallsCardsAndOverrides() {
    assertThat(queries.callsByUser(day))
        .containsExactly(
            new UserCalls("Practitioner/1", 3, 3, 1), new UserCalls("Practitioner/2", 2, 1, 0));
  }

  @Test
  void latency_givesNearestRankPercentilesPerServiceAndOverall() {
    assertThat(queries.latency(day))
        .containsExactly(
            new Latency("ketamine-order-select", 1, 5, 5, 5),
            new Latency("ketamine-order-sign", 4, 40, 300, 300),
            new Latency("(all)", 5, 40, 300, 300));
  }

  @Test
  void feedbackGaps_listCallsWhoseCardsGotNoFeedback() {
    assertThat(queries.feedbackGaps(day))
        .containsExactly(
            new FeedbackGap(
                scenario.call5.id(),
                scenario.call5.resource().getRecorded().toInstant(),
                "ketamine-order-sign",
                scenario.call5.hookInstance(),
                "Practitioner/1",
                1,
                MAOI));
  }

  @Test
  void summary_addsUpTheDay() {
    assertThat(queries.summary(day)).isEqualTo(new Summary(5, 4, 1, 0, 4, 3, 2, 1, 1, 4, 1, 1));
  }

  @Test
  void givenRangeWithoutEvents_thenReportsAreEmptyNotFailing() {
    TimeRange empty =
        new TimeRange(scenario.from.minusSeconds(7200), scenario.from.minusSeconds(3600));
    assertThat(queries.alertsByRule(empty)).isEmpty();
    assertThat(queries.latency(empty)).isEmpty();
    assertThat(queries.feedbackGaps(empty)).isEmpty();
    assertThat(queries.summary(empty)).isEqualTo(new Summary(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  }

  @Test
  void givenOneRangeAfterAnother_thenEachReportAnswersForItsOwnRange() {
    TimeRange empty =
        new TimeRange(scenario.from.minusSeconds(7200), scenario.from.minusSeconds(3600));
    Summary emptySummary = new Summary(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    // As a reader of the reports page does: one range, another, and back, on the same store.
    for (int round = 0; round < 2; round++) {
      assertThat(queries.summary(day)).isEqualTo(new Summary(5, 4, 1, 0, 4, 3, 2, 1, 1, 4, 1, 1));
      assertThat(queries.alertsByRule(day)).hasSize(2);
      assertThat(queries.overrideRate(day)).hasSize(2);
      assertThat(queries.overrideReasons(day)).hasSize(1);
      assertThat(queries.acceptedSuggestions(day)).hasSize(2);
      assertThat(queries.callsByUser(day)).hasSize(2);
      assertThat(queries.callsByClient(day)).hasSize(2);
      assertThat(queries.feedbackGaps(day)).hasSize(1);
      assertThat(queries.latency(day)).hasSize(3);
      assertThat(queries.summary(empty)).isEqualTo(emptySummary);
      assertThat(queries.callsByUser(empty)).isEmpty();
      assertThat(queries.callsByClient(empty)).isEmpty();
      assertThat(queries.feedbackGaps(empty)).isEmpty();
      assertThat(queries.latency(empty)).isEmpty();
      assertThat(queries.alertsByRule(empty)).isEmpty();
      assertThat(queries.overrideRate(empty)).isEmpty();
      assertThat(queries.overrideReasons(empty)).isEmpty();
      assertThat(queries.acceptedSuggestions(empty)).isEmpty();
    }
  }

  private VerifiedEvent verify(AuditEvents.Event<?> event) {
    return verifier.verify(event.headers(), event.json().getBytes(StandardCharsets.UTF_8));
  }
}
