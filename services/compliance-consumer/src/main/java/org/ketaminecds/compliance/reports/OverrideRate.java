package org.ketaminecds.compliance.reports;

/**
 * What clinicians did with one rule's cards (each card counted by its latest feedback).
 *
 * @param overrideRate overridden / (accepted + overridden), null while no card has feedback
 */
public record OverrideRate(
    String ruleId,
    long cardsShown,
    long withFeedback,
    long accepted,
    long overridden,
    Double overrideRate) {}
