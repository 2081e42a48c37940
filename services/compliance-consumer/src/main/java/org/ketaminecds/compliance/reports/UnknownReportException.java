package org.ketaminecds.compliance.reports;

import org.ketaminecds.compliance.errors.ComplianceException;
import org.ketaminecds.compliance.errors.ErrorCode;

/** A report name that does not exist; the message lists those that do. */
final class UnknownReportException extends ComplianceException {

  UnknownReportException(String known) {
    super(ErrorCode.UNKNOWN_REPORT, "no such report; the reports are: " + known);
  }
}
