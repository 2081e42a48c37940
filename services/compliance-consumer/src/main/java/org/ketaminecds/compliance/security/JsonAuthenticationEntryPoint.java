package org.ketaminecds.compliance.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.ketaminecds.compliance.errors.ErrorBody;
import org.ketaminecds.compliance.errors.ErrorCode;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/** 401 with the JSON error body, and the Basic challenge so that a browser asks for the login. */
final class JsonAuthenticationEntryPoint implements AuthenticationEntryPoint {

  private final ObjectMapper json;

  JsonAuthenticationEntryPoint(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
      throws IOException {
    response.setStatus(ErrorCode.UNAUTHORIZED.status().value());
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"compliance reports\"");
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    json.writeValue(
        response.getOutputStream(),
        ErrorBody.of(ErrorCode.UNAUTHORIZED, "the reports need a user name and password"));
  }
}
