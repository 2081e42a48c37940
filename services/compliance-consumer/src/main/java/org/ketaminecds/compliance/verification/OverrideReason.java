package org.ketaminecds.compliance.verification;

import java.util.Optional;

/** The coded reason a clinician gave for overriding a card (free-text comments are not kept). */
public record OverrideReason(
    Optional<String> system, Optional<String> code, Optional<String> display) {}
