package org.ketaminecds.cds.prefetch;

/**
 * A search whose results could not all be read within the limits, or an answer with resources of
 * another type or of another patient. A partial or wrong medication list must not pass for the
 * whole one, so the data counts as unavailable. The message names the limit or the resource types
 * only, never an id.
 */
final class IncompleteFetchException extends RuntimeException {

  IncompleteFetchException(String message) {
    super(message, null, false, false);
  }
}
