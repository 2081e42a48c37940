package org.ketaminecds.cds.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.ketaminecds.cds.errors.CdsException;
import org.ketaminecds.cds.errors.ErrorCode;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Refuses a JSON request body that is not well-formed UTF-8 (RFC 8259 8.1) before it is parsed.
 * Jackson decodes some malformed sequences instead of refusing them (an overlong {@code C0 AF} is
 * read as '/'), so bytes a gateway or validator in front of us sees as invalid, or as something
 * else, would reach the check as text. Bodies are already bounded by {@code cds.max-body-size}.
 */
@ControllerAdvice
class Utf8RequestBodies extends RequestBodyAdviceAdapter {

  @Override
  public boolean supports(
      MethodParameter parameter,
      Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType) {
    return true;
  }

  @Override
  public HttpInputMessage beforeBodyRead(
      HttpInputMessage message,
      MethodParameter parameter,
      Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType)
      throws IOException {
    MediaType type = message.getHeaders().getContentType();
    if (type != null
        && type.getCharset() != null
        && !StandardCharsets.UTF_8.equals(type.getCharset())) {
      return message;
    }
    byte[] body = message.getBody().readAllBytes();
    if (!wellFormed(body)) {
      throw new CdsException(ErrorCode.MALFORMED_JSON, "request body is not valid UTF-8");
    }
    HttpHeaders headers = message.getHeaders();
    return new HttpInputMessage() {
      @Override
      public InputStream getBody() {
        return new ByteArrayInputStream(body);
      }

      @Override
      public HttpHeaders getHeaders() {
        return headers;
      }
    };
  }

  /**
   * Decodes through a small buffer that is reused: the body's text is not needed, and decoding it
   * whole would allocate twice its size again for every call.
   */
  static boolean wellFormed(byte[] body) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer out = CharBuffer.allocate(1024);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        return false;
      }
      if (result.isUnderflow()) {
        out.clear();
        return !decoder.flush(out).isError();
      }
      out.clear();
    }
  }
}
