package org.ketaminecds.cds.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
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
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Maps every failure to an HTTP status and a JSON {@link ErrorBody}; never a stack trace. */
@RestControllerAdvice
public class ApiExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

  @ExceptionHandler(CdsException.class)
  ResponseEntity<ErrorBody> refused(CdsException e) {
    return respond(e.code(), e.getMessage());
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ErrorBody> unreadable(HttpMessageNotReadableException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CdsException refused) {
        return refused(refused);
      }
      if (t instanceof StreamConstraintsException limit) {
        return respond(
            ErrorCode.MALFORMED_JSON, "JSON exceeds a structural limit: " + brief(limit));
      }
    }
    if (e.getCause() instanceof JsonProcessingException json) {
      return respond(ErrorCode.MALFORMED_JSON, "request body is not valid JSON: " + brief(json));
    }
    return respond(ErrorCode.MALFORMED_JSON, "request body is missing or not valid JSON");
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ErrorBody> mediaType(HttpMediaTypeNotSupportedException e) {
    return respond(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the request as Content-Type: application/json");
  }

  @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
  ResponseEntity<ErrorBody> notAcceptable(HttpMediaTypeNotAcceptableException e) {
    return respond(ErrorCode.NOT_ACCEPTABLE, "this service answers only application/json");
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<ErrorBody> method(HttpRequestMethodNotSupportedException e) {
    return respond(
        ErrorCode.METHOD_NOT_ALLOWED, "method " + e.getMethod() + " is not allowed here");
  }

  @ExceptionHandler({NoHandlerFoundException.class, NoResourceFoundException.class})
  ResponseEntity<ErrorBody> notFound(Exception e) {
    return respond(ErrorCode.NOT_FOUND, "no such endpoint");
  }

  @ExceptionHandler({
    MissingRequestHeaderException.class,
    MethodArgumentTypeMismatchException.class
  })
  ResponseEntity<ErrorBody> badParameter(Exception e) {
    return respond(ErrorCode.INVALID_FIELD, "a request parameter or header is missing or invalid");
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ErrorBody> unexpected(Exception e) {
    // Our fault, not the client's. Log the type and where it came from, never the request.
    log.error("unexpected failure: {}", e.getClass().getName(), e);
    return respond(ErrorCode.INTERNAL_ERROR, "the service failed to process the request");
  }

  static ResponseEntity<ErrorBody> respond(ErrorCode code, String message) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return new ResponseEntity<>(ErrorBody.of(code, message), headers, code.status());
  }

  /** Jackson's message without the source excerpt it appends (which could quote patient data). */
  private static String brief(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return "unreadable";
    }
    int cut = message.indexOf('\n');
    String line = cut < 0 ? message : message.substring(0, cut);
    var location = e.getLocation();
    String where =
        location == null
            ? ""
            : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    return (line.length() > 200 ? line.substring(0, 200) : line) + where;
  }
}
