package org.ketaminecds.cds.security;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ketaminecds.cds.audit.AuditRecorder;
import org.ketaminecds.cds.audit.FeedbackAudit;
import org.ketaminecds.cds.audit.InvocationAudit;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Keeps what the service hands to the audit port, so a test can see what a call was recorded as
 * without depending on how records are made durable.
 */
final class RecordingAuditRecorder implements AuditRecorder {

  private final List<InvocationAudit> invocations = new CopyOnWriteArrayList<>();
  private final List<FeedbackAudit> feedback = new CopyOnWriteArrayList<>();

  @Override
  public void invocation(InvocationAudit record) {
    invocations.add(record);
  }

  @Override
  public void feedback(FeedbackAudit record) {
    feedback.add(record);
  }

  List<InvocationAudit> invocations() {
    return List.copyOf(invocations);
  }

  List<FeedbackAudit> feedback() {
    return List.copyOf(feedback);
  }

  InvocationAudit lastInvocation() {
    return invocations.get(invocations.size() - 1);
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class Config {
    @Bean
    @Primary
    RecordingAuditRecorder recordingAuditRecorder() {
      return new RecordingAuditRecorder();
    }
  }
}
