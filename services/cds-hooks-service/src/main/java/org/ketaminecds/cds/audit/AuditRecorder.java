package org.ketaminecds.cds.audit;

/**
 * Makes audit records durable. Each call returns only once its record is safe (acknowledged by the
 * store, or in a local outbox); it throws {@link AuditUnavailableException} when it cannot be, and
 * then the caller does not answer 200.
 */
public interface AuditRecorder {

  void invocation(InvocationAudit record);

  void feedback(FeedbackAudit record);
}
