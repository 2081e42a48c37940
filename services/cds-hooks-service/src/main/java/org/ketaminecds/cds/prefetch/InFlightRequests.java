package org.ketaminecds.cds.prefetch;

import ca.uhn.fhir.rest.client.apache.ApacheHttpRequest;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.http.client.methods.HttpRequestBase;

/**
 * The HTTP requests one hook call has sent to the EHR's FHIR server, so that they can be cut off
 * once the call's time budget is spent. Cancelling the task that reads does not stop a blocking
 * socket read, and the read timeout bounds each read, not the response: a server that trickles its
 * answer would otherwise keep the fetch thread and the pooled connection long after the call was
 * answered, until no connection is left for any other call.
 */
final class InFlightRequests implements IClientInterceptor {

  private final Set<HttpRequestBase> sent = ConcurrentHashMap.newKeySet();
  private volatile boolean abandoned;

  @Override
  public void interceptRequest(IHttpRequest request) {
    if (request instanceof ApacheHttpRequest apache) {
      HttpRequestBase http = apache.getApacheRequest();
      sent.add(http);
      if (abandoned) {
        http.abort();
      }
    }
  }

  @Override
  public void interceptResponse(IHttpResponse response) {
    // The body is still being read: the request stays abortable until the call is done.
  }

  /** Cuts off every request still in flight, and any sent from now on. */
  void abandon() {
    abandoned = true;
    sent.forEach(HttpRequestBase::abort);
  }
}
