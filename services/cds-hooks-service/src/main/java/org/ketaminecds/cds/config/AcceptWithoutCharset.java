package org.ketaminecds.cds.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every answer is JSON in UTF-8, whatever charset an {@code Accept} header asks for. Left in, a
 * charset Jackson does not write ({@code application/json;charset=ISO-8859-1}, {@code
 * charset=UTF-16}) would leave Spring with no converter after the call was checked and audited, and
 * the EHR with a 500 instead of its cards. The charset parameters are taken out of the header
 * before Spring negotiates; the rest of it (types, quality values) counts as sent.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class AcceptWithoutCharset extends OncePerRequestFilter {

  private static final Pattern CHARSET =
      Pattern.compile("\\s*;\\s*charset\\s*=\\s*(\"[^\"]*\"|[^;,]*)", Pattern.CASE_INSENSITIVE);

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    if (accept == null || !CHARSET.matcher(accept).find()) {
      chain.doFilter(request, response);
      return;
    }
    chain.doFilter(new WithAccept(request, withoutCharset(request)), response);
  }

  /** Every Accept header of the request, joined, with its charset parameters taken out. */
  private static String withoutCharset(HttpServletRequest request) {
    return CHARSET
        .matcher(String.join(",", Collections.list(request.getHeaders(HttpHeaders.ACCEPT))))
        .replaceAll("");
  }

  private static final class WithAccept extends HttpServletRequestWrapper {
    private final String accept;

    WithAccept(HttpServletRequest request, String accept) {
      super(request);
      this.accept = accept;
    }

    @Override
    public String getHeader(String name) {
      return HttpHeaders.ACCEPT.equalsIgnoreCase(name) ? accept : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return HttpHeaders.ACCEPT.equalsIgnoreCase(name)
          ? Collections.enumeration(java.util.List.of(accept))
          : super.getHeaders(name);
    }
  }
}
