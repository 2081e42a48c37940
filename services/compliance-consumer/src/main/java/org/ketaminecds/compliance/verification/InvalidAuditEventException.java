package org.ketaminecds.compliance.verification;

/**
 * A record that breaks the audit-event contract. Retrying cannot help. Messages name headers and
 * elements, never their values (which may identify a patient).
 */
public final class InvalidAuditEventException extends RuntimeException {

  private final RejectionReason reason;

  public InvalidAuditEventException(RejectionReason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public RejectionReason reason() {
    return reason;
  }

  static InvalidAuditEventException missing(String element) {
    return new InvalidAuditEventException(
        RejectionReason.MISSING_ELEMENT, "missing element " + element);
  }

  static InvalidAuditEventException invalid(String element, String expectation) {
    return new InvalidAuditEventException(
        RejectionReason.INVALID_ELEMENT, "element " + element + " " + expectation);
  }
}
