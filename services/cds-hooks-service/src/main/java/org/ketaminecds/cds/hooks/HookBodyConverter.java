package org.ketaminecds.cds.hooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.stereotype.Component;

/**
 * Reads {@code @RequestBody HookBody} with {@link HookBodyReader}. Spring Boot puts converter beans
 * ahead of its own; what fails to read is refused exactly as Jackson's converter would have it (the
 * same exception types, so the same 400 bodies).
 */
@Component
class HookBodyConverter extends AbstractHttpMessageConverter<HookBody> {

  private final HookBodyReader reader;

  HookBodyConverter(ObjectMapper mapper) {
    super(MediaType.APPLICATION_JSON, new MediaType("application", "*+json"));
    this.reader = new HookBodyReader(mapper);
  }

  @Override
  protected boolean supports(Class<?> type) {
    return HookBody.class == type;
  }

  @Override
  protected boolean canWrite(MediaType mediaType) {
    return false;
  }

  @Override
  protected HookBody readInternal(Class<? extends HookBody> type, HttpInputMessage input)
      throws IOException {
    byte[] body = input.getBody().readAllBytes();
    MediaType contentType = input.getHeaders().getContentType();
    Charset charset = contentType == null ? null : contentType.getCharset();
    if (charset != null && !StandardCharsets.UTF_8.equals(charset)) {
      // A declared other charset (RFC 8259 wants UTF-8, but Spring honours one): read as UTF-8.
      body = new String(body, charset).getBytes(StandardCharsets.UTF_8);
    }
    try {
      return reader.read(body);
    } catch (JsonProcessingException e) {
      throw new HttpMessageNotReadableException("JSON parse error", e, input);
    }
  }

  @Override
  protected void writeInternal(HookBody body, HttpOutputMessage output) {
    throw new UnsupportedOperationException("a hook call's body is only read");
  }
}
