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
import java.util.Arrays;
import org.ketaminecds.cds.errors.CdsException;
import org.ketaminecds.cds.errors.ErrorCode;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Refuses a JSON request body that is not well-formed UTF-8 (RFC 8259 8.1) before it is parsed,
 * whatever charset its Content-Type declares. Jackson decodes some malformed sequences instead of
 * refusing them (an overlong {@code C0 AF} is read as '/'), so bytes a gateway or validator in
 * front of us sees as invalid, or as something else, would reach the check as text. Bodies are
 * already bounded by {@code cds.max-body-size}.
 */
@ControllerAdvice
class Utf8RequestBodies extends RequestBodyAdviceAdapter {

  private static final int PREALLOCATED_AT_MOST = 4 * 1024 * 1024;

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
    // A body in a content coding (gzip, say) is not read as if it were plain: a proxy in front
    // would read it otherwise than the check does (RFC 9110 15.5.16: 415).
    String coding = message.getHeaders().getFirst(HttpHeaders.CONTENT_ENCODING);
    if (coding != null && !coding.isBlank() && !coding.trim().equalsIgnoreCase("identity")) {
      throw new CdsException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "send the request body without a Content-Encoding (not compressed)");
    }
    // Whatever charset the header declares: JSON between systems is UTF-8 (RFC 8259 8.1), and the
    // parser reads bytes, so a declared charset would only let malformed bytes past this check.
    byte[] body = read(message);
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
   * Reads the body into one array of its declared length when it declares one: {@code readAllBytes}
   * would copy it through 8 KB chunks into a second array. Only up to {@link
   * #PREALLOCATED_AT_MOST}, whatever the size limit, so a header alone cannot claim memory.
   */
  private static byte[] read(HttpInputMessage message) throws IOException {
    long length = message.getHeaders().getContentLength();
    InputStream in = message.getBody();
    if (length < 0 || length > PREALLOCATED_AT_MOST) {
      return in.readAllBytes();
    }
    byte[] body = new byte[(int) length];
    int read = in.readNBytes(body, 0, body.length);
    // Shorter than declared (the client went away): what arrived, which will not parse.
    return read == body.length ? body : Arrays.copyOf(body, read);
  }

  /**
   * Decodes through a small buffer that is reused: the body's text is not needed, and decoding it
   * whole would allocate twice its size again for every call.
   */
  static boolean wellFormed(byte[] body) {
    // A NUL byte is in no JSON text (a control character inside a string must be escaped), but it
    // is in UTF-16 and UTF-32 text, which Jackson detects by the first four bytes and would read.
    // Further in, the parser refuses a NUL itself.
    for (int i = 0; i < Math.min(4, body.length); i++) {
      if (body[i] == 0) {
        return false;
      }
    }
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
