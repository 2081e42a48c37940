package org.ketaminecds.cds.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.ketaminecds.cds.security.TestTokens;

/**
 * A plain HTTP client for calling the running service in tests, as an EHR would: calls to a CDS
 * service or feedback endpoint carry a fresh JWT of the {@link TestTokens} EHR (aud = the URL
 * called) unless the request sets its own Authorization header. CORS preflights carry none, as in a
 * browser.
 */
public final class CdsHttp {

  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;

  public CdsHttp(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public record Response(int status, String body, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return HookRequests.JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  private static HttpRequest authorized(HttpRequest request) {
    URI uri = request.uri();
    if (!uri.getPath().startsWith("/cds-services/")
        || request.method().equals("OPTIONS")
        || request.headers().firstValue("Authorization").isPresent()) {
      return request;
    }
    String endpoint = uri.getScheme() + "://" + uri.getAuthority() + uri.getRawPath();
    return HttpRequest.newBuilder(request, (name, value) -> true)
        .header("Authorization", TestTokens.bearer(endpoint))
        .build();
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Response post(String path, String body) {
    return post(path, body, "application/json");
  }

  public Response post(String path, String body, String contentType) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          client.send(authorized(request.build()), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response);
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
