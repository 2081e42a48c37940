package org.ketaminecds.cds.errors;

/**
 * A request the service refuses, with a stable code. Messages never quote patient data or tokens:
 * they name fields and rules, not values.
 */
public class CdsException extends RuntimeException {

  private final ErrorCode code;
  private boolean audited;

  public CdsException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /**
   * Says that this refusal is already in the audit trail, with more than the request line tells
   * (what could be read of the body), so that it is not recorded a second time.
   */
  public CdsException markAudited() {
    audited = true;
    return this;
  }

  public boolean audited() {
    return audited;
  }

  public static CdsException missing(String field) {
    return new CdsException(ErrorCode.MISSING_FIELD, "'" + field + "' is required");
  }

  public static CdsException invalid(String field, String expectation) {
    return new CdsException(ErrorCode.INVALID_FIELD, "'" + field + "' " + expectation);
  }
}
