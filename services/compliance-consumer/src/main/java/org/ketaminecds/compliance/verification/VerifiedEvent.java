package org.ketaminecds.compliance.verification;

import java.time.Instant;
import java.util.Optional;

/** An audit event that meets the contract: what the store keeps and the reports count. */
public sealed interface VerifiedEvent permits Invocation, Feedback {

  /**
   * The CloudEvents id, equal to {@code AuditEvent.id}: the event's identity for de-duplication.
   */
  String id();

  /** The CloudEvents type ({@code org.ketaminecds.cds.invocation} or {@code ...feedback}). */
  String type();

  Instant recorded();

  /** The CloudEvents source: which service instance wrote it. */
  String source();

  String serviceId();

  Optional<Client> client();

  /**
   * {@code Patient/<id>} or {@code <pseudonym system>|<hash>}; kept for evidence, never reported.
   */
  Optional<String> patient();

  Optional<String> rulePackVersion();

  /** The AuditEvent exactly as received, the evidence of record. */
  String resourceJson();
}
