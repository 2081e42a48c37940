package org.ketaminecds.compliance.reports;

/** Calls from one EHR client (JWT issuer and subject; empty while authentication was off). */
public record ClientCalls(
    String clientIssuer,
    String clientSubject,
    long calls,
    long answered,
    long refused,
    long failed) {}
