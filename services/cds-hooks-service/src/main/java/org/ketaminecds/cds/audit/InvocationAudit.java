package org.ketaminecds.cds.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One service invocation, answered or refused.
 *
 * @param serviceId the service called; for a call to a service id this service does not offer, that
 *     id as requested (letters, digits, '.', '_' and '-' only, at most 64)
 * @param hook the service's hook; absent when the service id is not one this service offers
 * @param draftOrders relative references of the orders in the request
 * @param cards the cards returned (empty when refused)
 * @param httpStatus the status answered
 * @param errorCode the error code when refused
 * @param atFeedback the call was to the service's feedback endpoint (only a refusal there is an
 *     invocation event; accepted feedback is a feedback event)
 */
public record InvocationAudit(
    Instant recorded,
    String serviceId,
    Optional<String> hook,
    Optional<String> hookInstance,
    Optional<String> userId,
    Optional<String> patientId,
    Optional<String> encounterId,
    List<String> draftOrders,
    List<CardAudit> cards,
    String rulePackVersion,
    Duration processingTime,
    int httpStatus,
    Optional<String> errorCode,
    Optional<CallerIdentity> caller,
    boolean atFeedback) {

  public InvocationAudit {
    draftOrders = List.copyOf(draftOrders);
    cards = List.copyOf(cards);
  }

  /** What compliance needs to know about a returned card. */
  public record CardAudit(String uuid, String ruleId, String indicator) {}
}
