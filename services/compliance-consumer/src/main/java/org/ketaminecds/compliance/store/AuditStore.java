package org.ketaminecds.compliance.store;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.ketaminecds.compliance.verification.CardShown;
import org.ketaminecds.compliance.verification.Client;
import org.ketaminecds.compliance.verification.Feedback;
import org.ketaminecds.compliance.verification.Invocation;
import org.ketaminecds.compliance.verification.OverrideReason;
import org.ketaminecds.compliance.verification.VerifiedEvent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps each audit event exactly once. The event id is the primary key and the first insert does
 * nothing on a conflict, so a record delivered again (a redelivery after a crash, or a producer
 * retry) changes nothing; one transaction per event, so an event is stored whole or not at all.
 */
@Repository
public class AuditStore {

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final Clock clock;

  public AuditStore(JdbcClient jdbc, TransactionTemplate transactions, Clock clock) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * @return true when the event was stored now, false when it was already there
   */
  public boolean save(VerifiedEvent event, RecordPosition position) {
    Boolean stored = transactions.execute(status -> insert(event, position));
    return Boolean.TRUE.equals(stored);
  }

  /** How many distinct events the store holds. */
  public long count() {
    return jdbc.sql("select count(*) from audit_event").query(Long.class).single();
  }

  /** Whether the event with this id is stored. */
  public boolean contains(String eventId) {
    return jdbc.sql("select count(*) from audit_event where event_id = ?")
            .param(eventId)
            .query(Long.class)
            .single()
        > 0;
  }

  private boolean insert(VerifiedEvent event, RecordPosition position) {
    Optional<Client> client = event.client();
    Optional<Invocation> invocation =
        event instanceof Invocation call ? Optional.of(call) : Optional.empty();
    int inserted =
        jdbc.sql(
                """
                insert into audit_event (event_id, event_type, recorded, outcome, outcome_desc,
                    service_id, client_issuer, client_subject, client_tenant, patient,
                    rule_pack_version, event_source, kafka_topic, kafka_partition, kafka_offset,
                    stored_at, resource_json)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict do nothing
                """)
            .params(
                event.id(),
                event.type(),
                utc(event.recorded()),
                invocation.map(Invocation::outcome).orElse("0"),
                invocation.flatMap(Invocation::outcomeDesc).orElse(null),
                event.serviceId(),
                client.map(Client::issuer).orElse(null),
                client.map(Client::subject).orElse(null),
                client.flatMap(Client::tenant).orElse(null),
                event.patient().orElse(null),
                event.rulePackVersion().orElse(null),
                event.source(),
                position.topic(),
                position.partition(),
                position.offset(),
                utc(clock.instant()),
                event.resourceJson())
            .update();
    if (inserted == 0) {
      return false;
    }
    if (event instanceof Invocation call) {
      insertInvocation(call);
    } else if (event instanceof Feedback feedback) {
      insertFeedback(feedback);
    }
    return true;
  }

  private void insertInvocation(Invocation invocation) {
    jdbc.sql(
            """
            insert into invocation
              (event_id, hook, hook_instance, user_ref, processing_time_ms, at_feedback)
            values (?, ?, ?, ?, ?, ?)
            """)
        .params(
            invocation.id(),
            invocation.hook().orElse(null),
            invocation.hookInstance().orElse(null),
            invocation.user().orElse(null),
            invocation.processingTimeMs(),
            invocation.atFeedback())
        .update();
    List<CardShown> cards = invocation.cards();
    for (int i = 0; i < cards.size(); i++) {
      CardShown card = cards.get(i);
      jdbc.sql(
              """
              insert into invocation_card (event_id, ordinal, card_uuid, rule_id, indicator)
              values (?, ?, ?, ?, ?)
              """)
          .params(invocation.id(), i, card.uuid(), card.ruleId(), card.indicator())
          .update();
    }
  }

  private void insertFeedback(Feedback feedback) {
    Optional<OverrideReason> reason = feedback.overrideReason();
    jdbc.sql(
            """
            insert into feedback (event_id, card_uuid, outcome, outcome_timestamp,
                override_reason_system, override_reason_code, override_reason_display)
            values (?, ?, ?, ?, ?, ?, ?)
            """)
        .params(
            feedback.id(),
            feedback.cardUuid(),
            feedback.outcome(),
            feedback.outcomeTimestamp().map(AuditStore::utc).orElse(null),
            reason.flatMap(OverrideReason::system).orElse(null),
            reason.flatMap(OverrideReason::code).orElse(null),
            reason.flatMap(OverrideReason::display).orElse(null))
        .update();
    List<String> suggestions = feedback.acceptedSuggestions();
    for (int i = 0; i < suggestions.size(); i++) {
      jdbc.sql(
              """
              insert into feedback_suggestion (event_id, ordinal, suggestion_id)
              values (?, ?, ?)
              """)
          .params(feedback.id(), i, suggestions.get(i))
          .update();
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
