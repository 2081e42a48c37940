package org.ketaminecds.compliance.errors;

/** A request the service refuses, with a stable code. Messages name parameters, not data. */
public class ComplianceException extends RuntimeException {

  private final ErrorCode code;

  public ComplianceException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
