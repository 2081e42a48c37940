package org.ketaminecds.cds.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Interim recorder until the Kafka audit stream lands: it logs that an event happened, with nothing
 * that identifies a patient, and keeps nothing.
 */
@Component
class LogAuditRecorder implements AuditRecorder {

  private static final Logger log = LoggerFactory.getLogger("audit");

  @Override
  public void invocation(InvocationAudit record) {
    log.info(
        "invocation service={} status={} cards={} rulePack={} ms={}",
        record.serviceId(),
        record.httpStatus(),
        record.cards().size(),
        record.rulePackVersion(),
        record.processingTime().toMillis());
  }

  @Override
  public void feedback(FeedbackAudit record) {
    log.info("feedback service={} outcome={}", record.serviceId(), record.outcome());
  }
}
