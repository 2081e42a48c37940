package org.ketaminecds.compliance.verification;

import java.util.Locale;

/** Why a record was refused: a stable code, sent with the record to the dead-letter topic. */
public enum RejectionReason {
  /** Empty, not UTF-8 or not JSON. */
  UNREADABLE,
  /** JSON, but not a FHIR R4 AuditEvent. */
  INVALID_FHIR,
  MISSING_HEADER,
  INVALID_HEADER,
  MISSING_ELEMENT,
  INVALID_ELEMENT;

  /** The code as it appears in headers: {@code missing_element}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
