package org.ketaminecds.cds.errors;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's own error answers as JSON. Requests that Tomcat refuses before any servlet sees them (a
 * path with an encoded '/' or a NUL, a malformed Host or Content-Length, an unsupported transfer
 * encoding, an {@code Expect} it cannot meet) are answered by the host's error report valve, whose
 * default writes an HTML page naming the server. This one writes the service's error body instead:
 * {@code {"error": "bad_request", "message": "bad request"}}.
 */
public class JsonErrorReportValve extends ErrorReportValve {

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    ErrorCode code = JsonErrorController.codeFor(status);
    String json = "{\"error\":\"" + code.code() + "\",\"message\":\"" + reason(status) + "\"}";
    try {
      response.setContentType("application/json");
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(json);
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException ignored) {
      // The client has gone, or the response was already under way: nothing more to send.
    }
  }

  /** The status's reason phrase in lower case: a fixed text, never anything from the request. */
  private static String reason(int status) {
    HttpStatus http = HttpStatus.resolve(status);
    return http == null ? "request failed" : http.getReasonPhrase().toLowerCase();
  }
}
