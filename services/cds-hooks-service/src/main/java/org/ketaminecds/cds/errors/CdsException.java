package org.ketaminecds.cds.errors;

/**
 * A request the service refuses, with a stable code. Messages never quote patient data or tokens:
 * they name fields and rules, not values.
 */
public class CdsException extends RuntimeException {

  private final ErrorCode code;

  public CdsException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static CdsException missing(String field) {
    return new CdsException(ErrorCode.MISSING_FIELD, "'" + field + "' is required");
  }

  public static CdsException invalid(String field, String expectation) {
    return new CdsException(ErrorCode.INVALID_FIELD, "'" + field + "' " + expectation);
  }
}
