/**
 * The audit-event contract (docs/audit-event.md) as code: turns a record's CloudEvents headers and
 * FHIR AuditEvent JSON into a {@link org.ketaminecds.compliance.verification.VerifiedEvent}, or
 * says precisely which element breaks the contract.
 */
package org.ketaminecds.compliance.verification;
