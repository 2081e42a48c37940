package org.ketaminecds.cds.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One feedback item: what the clinician did with a card. */
public record FeedbackAudit(
    Instant recorded,
    String serviceId,
    String cardUuid,
    String outcome,
    List<String> acceptedSuggestions,
    Optional<OverrideReason> overrideReason,
    Instant outcomeTimestamp,
    Optional<CallerIdentity> caller) {

  public FeedbackAudit {
    acceptedSuggestions = List.copyOf(acceptedSuggestions);
  }

  /**
   * @param code the reason's coding, when the clinician chose one of the card's reasons
   */
  public record OverrideReason(
      Optional<String> system,
      Optional<String> code,
      Optional<String> display,
      Optional<String> userComment) {}
}
