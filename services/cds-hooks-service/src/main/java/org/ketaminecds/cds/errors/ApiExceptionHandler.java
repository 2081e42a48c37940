package org.ketaminecds.cds.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.ketaminecds.cds.audit.RefusedCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Maps every failure to an HTTP status and a JSON {@link ErrorBody}; never a stack trace. Every
 * refused call to a CDS service is in the audit trail once: {@code HookService} records the hook
 * calls it refuses ({@link CdsException#audited()}), {@link RefusedCalls} all others.
 */
@RestControllerAdvice
public class ApiExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

  private final RefusedCalls refusedCalls;

  ApiExceptionHandler(RefusedCalls refusedCalls) {
    this.refusedCalls = refusedCalls;
  }

  @ExceptionHandler(CdsException.class)
  ResponseEntity<ErrorBody> refused(CdsException e, HttpServletRequest request) {
    if (!e.audited()) {
      refusedCalls.record(request, e.code());
    }
    return respond(e.code(), e.getMessage());
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ErrorBody> unreadable(
      HttpMessageNotReadableException e, HttpServletRequest request) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CdsException refused) {
        return refused(refused, request);
      }
      if (t instanceof StreamConstraintsException limit) {
        return refuse(
            request, ErrorCode.MALFORMED_JSON, "JSON exceeds a structural limit: " + brief(limit));
      }
    }
    if (e.getCause() instanceof JsonProcessingException json) {
      return refuse(
          request, ErrorCode.MALFORMED_JSON, "request body is not valid JSON: " + brief(json));
    }
    return refuse(request, ErrorCode.MALFORMED_JSON, "request body is missing or not valid JSON");
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ErrorBody> mediaType(
      HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
    return refuse(
        request,
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "send the request as Content-Type: application/json");
  }

  @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
  ResponseEntity<ErrorBody> notAcceptable(
      HttpMediaTypeNotAcceptableException e, HttpServletRequest request) {
    List<String> offered =
        e.getSupportedMediaTypes().stream()
            .map(m -> m.getType() + "/" + m.getSubtype())
            .distinct()
            .toList();
    return refuse(
        request,
        ErrorCode.NOT_ACCEPTABLE,
        offered.isEmpty()
            ? "no representation matches the Accept header"
            : "this resource is available as " + String.join(" or ", offered));
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<ErrorBody> method(
      HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
    ResponseEntity<ErrorBody> refused =
        refuse(
            request,
            ErrorCode.METHOD_NOT_ALLOWED,
            "method " + e.getMethod() + " is not allowed here");
    // RFC 9110 15.5.6: a 405 names the methods the resource does allow.
    HttpHeaders headers = new HttpHeaders();
    headers.putAll(refused.getHeaders());
    if (e.getSupportedHttpMethods() != null) {
      headers.setAllow(e.getSupportedHttpMethods());
    }
    return new ResponseEntity<>(refused.getBody(), headers, refused.getStatusCode());
  }

  @ExceptionHandler({NoHandlerFoundException.class, NoResourceFoundException.class})
  ResponseEntity<ErrorBody> notFound(Exception e, HttpServletRequest request) {
    return refuse(request, ErrorCode.NOT_FOUND, "no such endpoint");
  }

  @ExceptionHandler({
    MissingRequestHeaderException.class,
    MethodArgumentTypeMismatchException.class
  })
  ResponseEntity<ErrorBody> badParameter(Exception e, HttpServletRequest request) {
    return refuse(
        request, ErrorCode.INVALID_FIELD, "a request parameter or header is missing or invalid");
  }

  /**
   * The client hung up (its own timeout, say) before the answer was written. Nothing is left to
   * answer and nothing went wrong here: the call was processed and audited before the write.
   */
  @ExceptionHandler(AsyncRequestNotUsableException.class)
  void clientGone(AsyncRequestNotUsableException e) {
    log.debug("the client closed the connection before the answer was written");
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ErrorBody> unexpected(Exception e, HttpServletRequest request) {
    // Our fault, not the client's. Log the type and where it came from, never the request.
    log.error("unexpected failure: {}", e.getClass().getName(), e);
    return refuse(request, ErrorCode.INTERNAL_ERROR, "the service failed to process the request");
  }

  private ResponseEntity<ErrorBody> refuse(
      HttpServletRequest request, ErrorCode code, String message) {
    refusedCalls.record(request, code);
    return respond(code, message);
  }

  static ResponseEntity<ErrorBody> respond(ErrorCode code, String message) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return new ResponseEntity<>(ErrorBody.of(code, message), headers, code.status());
  }

  /**
   * Jackson's message without what could quote patient data (the source excerpt it appends, the
   * text of a token it could not read) and without the Java names it cites (a class bound to, a
   * setting).
   */
  private static String brief(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return "unreadable";
    }
    int cut = message.indexOf('\n');
    String line = cut < 0 ? message : message.substring(0, cut);
    if (line.startsWith("Trailing token")) {
      line = "more follows the JSON value";
    }
    line =
        line.replaceFirst("^Unrecognized token '[^']*'", "Unrecognized token")
            .replaceFirst("^(Duplicate field '.*') for `ObjectNode`: not allowed when .*", "$1")
            .replaceAll(",? from `[^`]*`", "")
            .replaceAll(" \\(start marker at \\[Source: [^\\]]*\\]\\)", "");
    if (line.contains("`")) {
      line = "unreadable";
    }
    var location = e.getLocation();
    String where =
        location == null
            ? ""
            : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    return (line.length() > 200 ? line.substring(0, 200) : line) + where;
  }
}
