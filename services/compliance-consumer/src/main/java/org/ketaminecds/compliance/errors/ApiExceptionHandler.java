package org.ketaminecds.compliance.errors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Maps every failure to an HTTP status and a JSON {@link ErrorBody}; never a stack trace. */
@RestControllerAdvice
public class ApiExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

  @ExceptionHandler(ComplianceException.class)
  ResponseEntity<ErrorBody> refused(ComplianceException e) {
    return respond(e.code(), e.getMessage());
  }

  @ExceptionHandler({
    MissingServletRequestParameterException.class,
    MethodArgumentTypeMismatchException.class
  })
  ResponseEntity<ErrorBody> badParameter(Exception e) {
    return respond(ErrorCode.INVALID_PARAMETER, "a request parameter is missing or invalid");
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<ErrorBody> method(HttpRequestMethodNotSupportedException e) {
    return respond(
        ErrorCode.METHOD_NOT_ALLOWED, "method " + e.getMethod() + " is not allowed here");
  }

  @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
  ResponseEntity<ErrorBody> notAcceptable(HttpMediaTypeNotAcceptableException e) {
    return respond(
        ErrorCode.NOT_ACCEPTABLE, "reports are served as application/json, text/csv or text/html");
  }

  @ExceptionHandler({NoHandlerFoundException.class, NoResourceFoundException.class})
  ResponseEntity<ErrorBody> notFound(Exception e) {
    return respond(ErrorCode.NOT_FOUND, "no such endpoint");
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ErrorBody> unexpected(Exception e) {
    log.error("unexpected failure: {}", e.getClass().getName(), e);
    return respond(ErrorCode.INTERNAL_ERROR, "the service failed to process the request");
  }

  public static ResponseEntity<ErrorBody> respond(ErrorCode code, String message) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return new ResponseEntity<>(ErrorBody.of(code, message), headers, code.status());
  }
}
