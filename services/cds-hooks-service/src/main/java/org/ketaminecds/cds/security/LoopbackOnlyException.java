package org.ketaminecds.cds.security;

/** Authentication is off but the service would listen beyond this machine. */
final class LoopbackOnlyException extends IllegalStateException {

  LoopbackOnlyException(String message) {
    super(message);
  }
}
