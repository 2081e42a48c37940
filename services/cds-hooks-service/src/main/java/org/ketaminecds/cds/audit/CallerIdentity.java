package org.ketaminecds.cds.audit;

import java.util.Optional;

/** The authenticated CDS client (the EHR): JWT issuer, subject and tenant. */
public record CallerIdentity(String issuer, String subject, Optional<String> tenant) {}
