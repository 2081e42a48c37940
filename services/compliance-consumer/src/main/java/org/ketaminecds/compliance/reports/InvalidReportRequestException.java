package org.ketaminecds.compliance.reports;

import org.ketaminecds.compliance.errors.ComplianceException;
import org.ketaminecds.compliance.errors.ErrorCode;

/** A report request with a parameter that cannot be used; the message names the parameter. */
public final class InvalidReportRequestException extends ComplianceException {

  public InvalidReportRequestException(String message) {
    super(ErrorCode.INVALID_PARAMETER, message);
  }
}
