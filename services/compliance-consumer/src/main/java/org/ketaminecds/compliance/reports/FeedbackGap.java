package org.ketaminecds.compliance.reports;

import java.time.Instant;

/**
 * A call that returned cards of which none has feedback on record (whenever it arrived).
 *
 * @param ruleIds the rules of its cards, space-separated
 */
public record FeedbackGap(
    String eventId,
    Instant recorded,
    String serviceId,
    String hookInstance,
    String user,
    long cards,
    String ruleIds) {}
