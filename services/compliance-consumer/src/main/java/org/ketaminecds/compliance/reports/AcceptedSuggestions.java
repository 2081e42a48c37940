package org.ketaminecds.compliance.reports;

/**
 * Accepted cards of one rule and the suggestions taken with them.
 *
 * @param suggestionsAccepted suggestions accepted in all (a card may offer more than one)
 * @param acceptedWithoutSuggestion cards accepted without taking any suggestion
 */
public record AcceptedSuggestions(
    String ruleId, long acceptedCards, long suggestionsAccepted, long acceptedWithoutSuggestion) {}
