package org.ketaminecds.compliance.reports;

/** Cards raised by one rule with one indicator, and in how many calls. */
public record AlertCount(String ruleId, String indicator, long cards, long calls) {}
