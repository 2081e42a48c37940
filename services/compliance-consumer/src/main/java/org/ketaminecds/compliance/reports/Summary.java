package org.ketaminecds.compliance.reports;

/**
 * The range at a glance.
 *
 * @param feedbackForUnknownCards feedback recorded in the range for a card no stored call returned
 * @param feedbackRefused posts to a feedback endpoint refused in the range (not counted as calls):
 *     feedback the clinician gave that was not recorded
 */
public record Summary(
    long calls,
    long answered,
    long refused,
    long failed,
    long cardsShown,
    long cardsWithFeedback,
    long accepted,
    long overridden,
    long callsWithoutFeedback,
    long feedbackEvents,
    long feedbackForUnknownCards,
    long feedbackRefused) {}
