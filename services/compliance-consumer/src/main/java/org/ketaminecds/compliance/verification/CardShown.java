package org.ketaminecds.compliance.verification;

/** A card the service returned: its uuid, the rule that raised it and its indicator. */
public record CardShown(String uuid, String ruleId, String indicator) {}
