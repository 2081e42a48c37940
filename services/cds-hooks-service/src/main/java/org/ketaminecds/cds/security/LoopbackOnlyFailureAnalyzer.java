package org.ketaminecds.cds.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says plainly why the service refused to start and what to do instead of a stack trace. */
class LoopbackOnlyFailureAnalyzer extends AbstractFailureAnalyzer<LoopbackOnlyException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, LoopbackOnlyException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Either turn authentication on (remove cds.security.enabled=false and register the EHR's"
            + " issuer under cds.security.issuers), or bind to this machine only:"
            + " SERVER_ADDRESS=127.0.0.1 (and MANAGEMENT_SERVER_ADDRESS=127.0.0.1 when a separate"
            + " management port is set).",
        cause);
  }
}
