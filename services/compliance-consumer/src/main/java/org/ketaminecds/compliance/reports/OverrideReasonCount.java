package org.ketaminecds.compliance.reports;

/** How often one override reason was given for one rule's cards (free-text comments excluded). */
public record OverrideReasonCount(
    String ruleId, String reasonSystem, String reasonCode, String reasonDisplay, long overrides) {}
