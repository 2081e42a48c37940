package org.ketaminecds.cds.errors;

/** Raised while reading a body that grows past the configured limit. */
public final class PayloadTooLargeException extends CdsException {

  public PayloadTooLargeException(long limit) {
    super(ErrorCode.PAYLOAD_TOO_LARGE, "request body exceeds the limit of " + limit + " bytes");
  }
}
