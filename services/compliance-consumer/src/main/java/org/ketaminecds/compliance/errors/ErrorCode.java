package org.ketaminecds.compliance.errors;

import java.util.Locale;
import org.springframework.http.HttpStatus;

/** Stable error codes: clients may rely on them; messages are for people and may change. */
public enum ErrorCode {
  INVALID_PARAMETER(HttpStatus.BAD_REQUEST),
  UNAUTHORIZED(HttpStatus.UNAUTHORIZED),
  FORBIDDEN(HttpStatus.FORBIDDEN),
  UNKNOWN_REPORT(HttpStatus.NOT_FOUND),
  NOT_FOUND(HttpStatus.NOT_FOUND),
  METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED),
  NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE),
  INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR);

  private final HttpStatus status;

  ErrorCode(HttpStatus status) {
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }

  /** The code as it appears in error bodies: {@code invalid_parameter}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
