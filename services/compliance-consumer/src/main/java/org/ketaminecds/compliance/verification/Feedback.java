package org.ketaminecds.compliance.verification;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One feedback item: what a clinician did with a card.
 *
 * @param outcome {@code accepted} or {@code overridden}
 */
public record Feedback(
    String id,
    Instant recorded,
    String source,
    String serviceId,
    String cardUuid,
    String outcome,
    List<String> acceptedSuggestions,
    Optional<OverrideReason> overrideReason,
    Optional<Instant> outcomeTimestamp,
    Optional<Client> client,
    Optional<String> patient,
    Optional<String> rulePackVersion,
    String resourceJson)
    implements VerifiedEvent {

  public static final String TYPE = "org.ketaminecds.cds.feedback";

  public Feedback {
    acceptedSuggestions = List.copyOf(acceptedSuggestions);
  }

  @Override
  public String type() {
    return TYPE;
  }
}
