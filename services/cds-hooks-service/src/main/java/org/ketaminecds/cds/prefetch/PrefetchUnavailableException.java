package org.ketaminecds.cds.prefetch;

import org.ketaminecds.cds.errors.CdsException;
import org.ketaminecds.cds.errors.ErrorCode;

/** Data the check cannot do without could be obtained neither from prefetch nor from the EHR. */
public final class PrefetchUnavailableException extends CdsException {

  public PrefetchUnavailableException(String message) {
    super(ErrorCode.PREFETCH_UNAVAILABLE, message);
  }
}
