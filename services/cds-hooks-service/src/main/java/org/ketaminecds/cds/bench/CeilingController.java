package org.ketaminecds.cds.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.ketaminecds.cds.cards.CdsResponse;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /cds-services/bench-ceiling}: reads the request body and answers {@code {"cards":[]}}
 * without looking at it. The load benchmark measures it beside the hooks to know what the same
 * Tomcat, filter chain (authentication included: the path is under {@code /cds-services}, so it
 * takes a CDS client JWT like a hook) and JSON writing cost on their own; the hooks' throughput is
 * reported as a share of it.
 *
 * <p>It is a benchmark fixture, not a feature: it exists only with {@code
 * cds.bench.ceiling-endpoint=true}, and then the service refuses to start unless it listens on a
 * loopback address ({@code server.address}), so no production configuration can expose it.
 */
@RestController
@ConditionalOnProperty(name = CeilingController.PROPERTY, havingValue = "true")
class CeilingController {

  static final String PROPERTY = "cds.bench.ceiling-endpoint";
  static final String PATH = "/cds-services/bench-ceiling";

  private static final CdsResponse ANSWER = CdsResponse.empty();

  CeilingController(Environment environment) {
    String address = environment.getProperty("server.address");
    if (!loopback(address)) {
      throw new IllegalStateException(
          PROPERTY
              + "=true is for the load benchmark only and needs server.address set to a loopback"
              + " address (it is "
              + (address == null ? "not set" : address)
              + "); remove the property in any other configuration");
    }
  }

  /** Reads the body to the end, as a hook must, and ignores it. */
  @PostMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
  CdsResponse ceiling(@RequestBody(required = false) byte[] body) {
    return ANSWER;
  }

  private static boolean loopback(String address) {
    try {
      return address != null && InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
