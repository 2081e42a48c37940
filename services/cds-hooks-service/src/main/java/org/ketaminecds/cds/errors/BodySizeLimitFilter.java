package org.ketaminecds.cds.errors;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.ketaminecds.cds.audit.RefusedCalls;
import org.ketaminecds.cds.config.CdsProperties;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses bodies over the configured size with 413: at once when Content-Length says so, and while
 * reading when a chunked body grows past it. It runs after authentication, so that a call without a
 * valid token is refused as such whatever its size, and an oversize call is audited with its
 * verified caller.
 */
@Component
@Order(SecurityProperties.DEFAULT_FILTER_ORDER + 10)
class BodySizeLimitFilter extends OncePerRequestFilter {

  private final long limit;
  private final ObjectMapper json;
  private final RefusedCalls refusedCalls;

  BodySizeLimitFilter(CdsProperties properties, ObjectMapper json, RefusedCalls refusedCalls) {
    this.limit = properties.maxBodySize().toBytes();
    this.json = json;
    this.refusedCalls = refusedCalls;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      refusedCalls.record(request, ErrorCode.PAYLOAD_TOO_LARGE);
      response.setStatus(ErrorCode.PAYLOAD_TOO_LARGE.status().value());
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      json.writeValue(
          response.getOutputStream(),
          ErrorBody.of(
              ErrorCode.PAYLOAD_TOO_LARGE,
              "request body exceeds the limit of " + limit + " bytes"));
      return;
    }
    chain.doFilter(new LimitedRequest(request, limit), response);
  }

  private static final class LimitedRequest extends HttpServletRequestWrapper {
    private final long limit;
    private ServletInputStream stream;

    LimitedRequest(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new LimitedStream(super.getInputStream(), limit);
      }
      return stream;
    }
  }

  private static final class LimitedStream extends ServletInputStream {
    private final ServletInputStream in;
    private final long limit;
    private long read;

    LimitedStream(ServletInputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > limit) {
        throw new PayloadTooLargeException(limit);
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
