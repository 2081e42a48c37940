package org.ketaminecds.cds.errors;

import org.springframework.http.HttpStatus;

/** Stable error codes: clients may rely on them; messages are for people and may change. */
public enum ErrorCode {
  MALFORMED_JSON(HttpStatus.BAD_REQUEST),
  /** A request the server could not take before reading its body: its path, headers or framing. */
  BAD_REQUEST(HttpStatus.BAD_REQUEST),
  MISSING_FIELD(HttpStatus.BAD_REQUEST),
  INVALID_FIELD(HttpStatus.BAD_REQUEST),
  HOOK_MISMATCH(HttpStatus.BAD_REQUEST),
  INVALID_FHIR(HttpStatus.BAD_REQUEST),
  UNAUTHORIZED(HttpStatus.UNAUTHORIZED),
  FORBIDDEN(HttpStatus.FORBIDDEN),
  UNKNOWN_SERVICE(HttpStatus.NOT_FOUND),
  NOT_FOUND(HttpStatus.NOT_FOUND),
  METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED),
  NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE),
  PREFETCH_UNAVAILABLE(HttpStatus.PRECONDITION_FAILED),
  PAYLOAD_TOO_LARGE(HttpStatus.PAYLOAD_TOO_LARGE),
  UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE),
  AUDIT_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE),
  INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR);

  private final HttpStatus status;

  ErrorCode(HttpStatus status) {
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }

  /** The code as it appears in error bodies: {@code missing_field}. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
