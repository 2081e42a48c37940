package org.ketaminecds.compliance.reports;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The report queries, in SQL that PostgreSQL and H2 (PostgreSQL mode) both run. Calls and the cards
 * they returned are chosen by when the call was recorded; feedback on those cards counts whenever
 * it arrived, and when a card has several feedback items the latest one is its outcome.
 */
@Component
public class ReportQueries {

  private static final String INVOCATION = "org.ketaminecds.cds.invocation";

  /** Hook calls in the range (refused feedback posts are counted apart). */
  private static final String CALLS =
      """
      in_range as (
        select e.event_id, e.outcome, e.service_id, i.user_ref, i.hook_instance,
               i.processing_time_ms, e.recorded
        from audit_event e join invocation i on i.event_id = e.event_id
        where e.event_type = :invocation and e.recorded >= :from and e.recorded < :to
          and not i.at_feedback
      )""";

  /** Cards returned by calls in the range. */
  private static final String SHOWN =
      """
      shown as (
        select c.event_id, c.ordinal, c.card_uuid, c.rule_id, c.indicator
        from invocation_card c join in_range on in_range.event_id = c.event_id
      )""";

  /** The latest feedback on each card shown. */
  private static final String LATEST_FEEDBACK =
      """
      latest_feedback as (
        select card_uuid, event_id, outcome, override_reason_system, override_reason_code,
               override_reason_display
        from (
          select f.card_uuid, f.event_id, f.outcome, f.override_reason_system,
                 f.override_reason_code, f.override_reason_display,
                 row_number() over (
                   partition by f.card_uuid
                   order by coalesce(f.outcome_timestamp, e.recorded) desc, e.recorded desc,
                            f.event_id desc) as newest
          from feedback f join audit_event e on e.event_id = f.event_id
          where f.card_uuid in (select card_uuid from shown)
        ) ranked
        where newest = 1
      )""";

  private static final String WITH_ALL = "with " + CALLS + ",\n" + SHOWN + ",\n" + LATEST_FEEDBACK;

  private final JdbcClient jdbc;

  public ReportQueries(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public List<AlertCount> alertsByRule(TimeRange range) {
    return query(
        "with "
            + CALLS
            + ",\n"
            + SHOWN
            + """
            select rule_id, indicator, count(*) as cards, count(distinct event_id) as calls
            from shown
            group by rule_id, indicator
            order by cards desc, rule_id, indicator
            """,
        range,
        (rs, n) ->
            new AlertCount(
                rs.getString("rule_id"),
                rs.getString("indicator"),
                rs.getLong("cards"),
                rs.getLong("calls")));
  }

  public List<OverrideRate> overrideRate(TimeRange range) {
    return query(
        WITH_ALL
            + """
            select s.rule_id, count(*) as cards_shown, count(l.card_uuid) as with_feedback,
                   sum(case when l.outcome = 'accepted' then 1 else 0 end) as accepted,
                   sum(case when l.outcome = 'overridden' then 1 else 0 end) as overridden
            from shown s left join latest_feedback l on l.card_uuid = s.card_uuid
            group by s.rule_id
            order by s.rule_id
            """,
        range,
        (rs, n) -> {
          long accepted = rs.getLong("accepted");
          long overridden = rs.getLong("overridden");
          return new OverrideRate(
              rs.getString("rule_id"),
              rs.getLong("cards_shown"),
              rs.getLong("with_feedback"),
              accepted,
              overridden,
              rate(overridden, accepted + overridden));
        });
  }

  public List<OverrideReasonCount> overrideReasons(TimeRange range) {
    return query(
        WITH_ALL
            + """
            select s.rule_id, l.override_reason_system, l.override_reason_code,
                   l.override_reason_display, count(*) as overrides
            from shown s join latest_feedback l on l.card_uuid = s.card_uuid
            where l.outcome = 'overridden'
            group by s.rule_id, l.override_reason_system, l.override_reason_code,
                     l.override_reason_display
            order by s.rule_id, overrides desc, l.override_reason_code, l.override_reason_display
            """,
        range,
        (rs, n) ->
            new OverrideReasonCount(
                rs.getString("rule_id"),
                rs.getString("override_reason_system"),
                rs.getString("override_reason_code"),
                rs.getString("override_reason_display"),
                rs.getLong("overrides")));
  }

  public List<AcceptedSuggestions> acceptedSuggestions(TimeRange range) {
    return query(
        WITH_ALL
            + """
            select s.rule_id, count(*) as accepted_cards,
                   coalesce(sum(taken.suggestions), 0) as suggestions_accepted,
                   sum(case when taken.suggestions is null then 1 else 0 end) as without_suggestion
            from shown s
              join latest_feedback l on l.card_uuid = s.card_uuid and l.outcome = 'accepted'
              left join (select event_id, count(*) as suggestions
                         from feedback_suggestion group by event_id) taken
                on taken.event_id = l.event_id
            group by s.rule_id
            order by s.rule_id
            """,
        range,
        (rs, n) ->
            new AcceptedSuggestions(
                rs.getString("rule_id"),
                rs.getLong("accepted_cards"),
                rs.getLong("suggestions_accepted"),
                rs.getLong("without_suggestion")));
  }

  public List<ClientCalls> callsByClient(TimeRange range) {
    return query(
        """
        select client_issuer, client_subject, count(*) as calls,
               sum(case when outcome = '0' then 1 else 0 end) as answered,
               sum(case when outcome = '4' then 1 else 0 end) as refused,
               sum(case when outcome = '8' then 1 else 0 end) as failed
        from audit_event e join invocation i on i.event_id = e.event_id
        where e.event_type = :invocation and e.recorded >= :from and e.recorded < :to
          and not i.at_feedback
        group by client_issuer, client_subject
        order by calls desc, client_issuer, client_subject
        """,
        range,
        (rs, n) ->
            new ClientCalls(
                rs.getString("client_issuer"),
                rs.getString("client_subject"),
                rs.getLong("calls"),
                rs.getLong("answered"),
                rs.getLong("refused"),
                rs.getLong("failed")));
  }

  public List<UserCalls> callsByUser(TimeRange range) {
    return query(
        WITH_ALL
            + """
            , per_call as (
              select s.event_id, count(*) as cards,
                     sum(case when l.outcome = 'overridden' then 1 else 0 end) as overridden
              from shown s left join latest_feedback l on l.card_uuid = s.card_uuid
              group by s.event_id
            )
            select in_range.user_ref, count(*) as calls,
                   coalesce(sum(per_call.cards), 0) as cards_shown,
                   coalesce(sum(per_call.overridden), 0) as overridden
            from in_range left join per_call on per_call.event_id = in_range.event_id
            group by in_range.user_ref
            order by calls desc, in_range.user_ref
            """,
        range,
        (rs, n) ->
            new UserCalls(
                rs.getString("user_ref"),
                rs.getLong("calls"),
                rs.getLong("cards_shown"),
                rs.getLong("overridden")));
  }

  public List<Latency> latency(TimeRange range) {
    String percentiles =
        """
        count(*) as calls,
        percentile_disc(0.5) within group (order by processing_time_ms) as p50,
        percentile_disc(0.95) within group (order by processing_time_ms) as p95,
        max(processing_time_ms) as slowest
        """;
    List<Latency> rows =
        new ArrayList<>(
            query(
                "with "
                    + CALLS
                    + "\nselect service_id, "
                    + percentiles
                    + "from in_range group by service_id order by service_id",
                range,
                (rs, n) -> latency(rs, rs.getString("service_id"))));
    if (rows.size() > 1) {
      rows.addAll(
          query(
              "with " + CALLS + "\nselect " + percentiles + "from in_range",
              range,
              (rs, n) -> latency(rs, "(all)")));
    }
    return rows;
  }

  public List<FeedbackGap> feedbackGaps(TimeRange range) {
    record GapCard(
        String eventId,
        OffsetDateTime recorded,
        String serviceId,
        String hookInstance,
        String user,
        String ruleId) {}
    List<GapCard> cards =
        query(
            "with "
                + CALLS
                + ",\n"
                + SHOWN
                + """
                select r.event_id, r.recorded, r.service_id, r.hook_instance, r.user_ref, s.rule_id
                from in_range r join shown s on s.event_id = r.event_id
                where not exists (
                  select 1 from invocation_card c join feedback f on f.card_uuid = c.card_uuid
                  where c.event_id = r.event_id)
                order by r.recorded, r.event_id, s.ordinal
                """,
            range,
            (rs, n) ->
                new GapCard(
                    rs.getString("event_id"),
                    rs.getObject("recorded", OffsetDateTime.class),
                    rs.getString("service_id"),
                    rs.getString("hook_instance"),
                    rs.getString("user_ref"),
                    rs.getString("rule_id")));
    List<FeedbackGap> gaps = new ArrayList<>();
    int i = 0;
    while (i < cards.size()) {
      GapCard first = cards.get(i);
      TreeSet<String> rules = new TreeSet<>();
      int count = 0;
      for (; i < cards.size() && cards.get(i).eventId().equals(first.eventId()); i++) {
        rules.add(cards.get(i).ruleId());
        count++;
      }
      gaps.add(
          new FeedbackGap(
              first.eventId(),
              first.recorded().toInstant(),
              first.serviceId(),
              first.hookInstance(),
              first.user(),
              count,
              String.join(" ", rules)));
    }
    return gaps;
  }

  public Summary summary(TimeRange range) {
    List<ClientCalls> clients = callsByClient(range);
    List<OverrideRate> rules = overrideRate(range);
    Map<String, Object> feedback =
        jdbc.sql(
                """
                select count(*) as feedback_events,
                       coalesce(sum(case when not exists (
                         select 1 from invocation_card c where c.card_uuid = f.card_uuid)
                         then 1 else 0 end), 0) as unknown_cards
                from feedback f join audit_event e on e.event_id = f.event_id
                where e.recorded >= :from and e.recorded < :to
                """)
            .param("from", utc(range.from()))
            .param("to", utc(range.to()))
            .query()
            .singleRow();
    long refusedFeedback =
        jdbc.sql(
                """
                select count(*) from audit_event e join invocation i on i.event_id = e.event_id
                where e.event_type = :invocation and i.at_feedback
                  and e.recorded >= :from and e.recorded < :to
                """)
            .param("invocation", INVOCATION)
            .param("from", utc(range.from()))
            .param("to", utc(range.to()))
            .query(Long.class)
            .single();
    return new Summary(
        clients.stream().mapToLong(ClientCalls::calls).sum(),
        clients.stream().mapToLong(ClientCalls::answered).sum(),
        clients.stream().mapToLong(ClientCalls::refused).sum(),
        clients.stream().mapToLong(ClientCalls::failed).sum(),
        rules.stream().mapToLong(OverrideRate::cardsShown).sum(),
        rules.stream().mapToLong(OverrideRate::withFeedback).sum(),
        rules.stream().mapToLong(OverrideRate::accepted).sum(),
        rules.stream().mapToLong(OverrideRate::overridden).sum(),
        feedbackGaps(range).size(),
        ((Number) feedback.get("feedback_events")).longValue(),
        ((Number) feedback.get("unknown_cards")).longValue(),
        refusedFeedback);
  }

  private <T> List<T> query(String sql, TimeRange range, RowMapper<T> mapper) {
    return jdbc.sql(sql)
        .param("from", utc(range.from()))
        .param("to", utc(range.to()))
        .param("invocation", INVOCATION)
        .query(mapper)
        .list();
  }

  private static Latency latency(ResultSet rs, String service) throws SQLException {
    return new Latency(
        service, rs.getLong("calls"), rs.getLong("p50"), rs.getLong("p95"), rs.getLong("slowest"));
  }

  private static Double rate(long part, long whole) {
    return whole == 0 ? null : Math.round(part * 10000.0 / whole) / 10000.0;
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
