package org.ketaminecds.cds.audit;

import org.ketaminecds.cds.errors.CdsException;
import org.ketaminecds.cds.errors.ErrorCode;

/** The audit record could not be made durable, so the call must not be answered as a success. */
public final class AuditUnavailableException extends CdsException {

  public AuditUnavailableException(String message) {
    super(ErrorCode.AUDIT_UNAVAILABLE, message);
  }
}
