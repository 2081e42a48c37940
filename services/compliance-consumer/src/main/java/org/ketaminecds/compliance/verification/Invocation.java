package org.ketaminecds.compliance.verification;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One service invocation.
 *
 * @param outcome the AuditEvent outcome code: {@code 0} answered, {@code 4} refused, {@code 8}
 *     failed
 * @param outcomeDesc the error code when refused
 * @param user the {@code context.userId} reference ({@code Practitioner/123})
 * @param atFeedback a refused post to the service's feedback endpoint, not a hook call
 */
public record Invocation(
    String id,
    Instant recorded,
    String source,
    String outcome,
    Optional<String> outcomeDesc,
    String serviceId,
    Optional<String> hook,
    Optional<String> hookInstance,
    Optional<String> user,
    Optional<Client> client,
    Optional<String> patient,
    Optional<String> rulePackVersion,
    long processingTimeMs,
    List<CardShown> cards,
    boolean atFeedback,
    String resourceJson)
    implements VerifiedEvent {

  public static final String TYPE = "org.ketaminecds.cds.invocation";

  public Invocation {
    cards = List.copyOf(cards);
  }

  @Override
  public String type() {
    return TYPE;
  }
}
