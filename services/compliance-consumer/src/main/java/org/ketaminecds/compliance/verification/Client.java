package org.ketaminecds.compliance.verification;

import java.util.Optional;

/** The EHR that called the service: its JWT issuer and subject, and a tenant when given. */
public record Client(String issuer, String subject, Optional<String> tenant) {}
