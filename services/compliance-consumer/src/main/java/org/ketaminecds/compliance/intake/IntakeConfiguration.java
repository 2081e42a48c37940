package org.ketaminecds.compliance.intake;

import java.nio.charset.StandardCharsets;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.ketaminecds.compliance.verification.InvalidAuditEventException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Failure policy of the intake. A record that breaks the contract goes to the dead-letter topic at
 * once (retrying cannot fix it). A record that fails for another reason is retried a bounded number
 * of times, then dead-lettered. While the store is unreachable, records are retried until it is
 * back: they are valid, and dead-lettering them would only move the problem. Either way the
 * consumer goes on with the next record; it never stops on one.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "compliance.intake.enabled", matchIfMissing = true)
class IntakeConfiguration {

  /** Header with the stable reason code on every dead-lettered record. */
  static final String REASON_HEADER = "compliance_rejection_reason";

  @Bean
  DefaultErrorHandler auditErrorHandler(KafkaOperations<?, ?> template, IntakeProperties intake) {
    DeadLetterPublishingRecoverer deadLetters =
        new DeadLetterPublishingRecoverer(
            template,
            // A negative partition lets the producer choose: the dead-letter topic need not have
            // as many partitions as the audit topic.
            (record, failure) -> new TopicPartition(intake.deadLetterTopic(), -1));
    deadLetters.setHeadersFunction(
        (record, failure) -> {
          RecordHeaders headers = new RecordHeaders();
          headers.add(REASON_HEADER, reason(failure).getBytes(StandardCharsets.UTF_8));
          return headers;
        });

    ExponentialBackOffWithMaxRetries bounded =
        new ExponentialBackOffWithMaxRetries(intake.retry().attempts());
    bounded.setInitialInterval(intake.retry().interval().toMillis());
    bounded.setMultiplier(2.0);
    bounded.setMaxInterval(intake.retry().maxInterval().toMillis());

    DefaultErrorHandler handler = new DefaultErrorHandler(deadLetters, bounded);
    handler.addNotRetryableExceptions(InvalidAuditEventException.class);
    handler.setBackOffFunction(
        (record, failure) -> storeUnavailable(failure) ? untilStoreIsBack(intake) : null);
    return handler;
  }

  @Bean
  NewTopic deadLetterTopic(IntakeProperties intake) {
    return TopicBuilder.name(intake.deadLetterTopic()).partitions(1).build();
  }

  private static BackOff untilStoreIsBack(IntakeProperties intake) {
    ExponentialBackOff backOff = new ExponentialBackOff(intake.retry().interval().toMillis(), 2.0);
    backOff.setMaxInterval(intake.retry().maxInterval().toMillis());
    return backOff;
  }

  static String reason(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidAuditEventException invalid) {
        return invalid.reason().code();
      }
    }
    return storeUnavailable(failure) ? "store_unavailable" : "processing_failed";
  }

  static boolean storeUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof TransientDataAccessException
          || t instanceof DataAccessResourceFailureException
          || t instanceof RecoverableDataAccessException
          || t instanceof CannotCreateTransactionException
          || t instanceof SQLTransientException
          || t instanceof SQLRecoverableException) {
        return true;
      }
    }
    return false;
  }
}
