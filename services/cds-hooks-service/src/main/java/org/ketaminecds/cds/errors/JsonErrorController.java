package org.ketaminecds.cds.errors;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Whatever reaches the container's error page (filters, unmapped paths) still gets the JSON error
 * body instead of Spring's default page.
 */
@RestController
class JsonErrorController implements ErrorController {

  @RequestMapping("/error")
  ResponseEntity<ErrorBody> error(HttpServletRequest request) {
    Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
    if (exception instanceof CdsException refused) {
      return ApiExceptionHandler.respond(refused.code(), refused.getMessage());
    }
    if (!(status instanceof Integer code)) {
      // Asked for directly, not forwarded here by the container: there is no such resource.
      return ResponseEntity.status(404).body(ErrorBody.of(ErrorCode.NOT_FOUND, "not found"));
    }
    HttpStatus http = HttpStatus.resolve(code);
    String message = http == null ? "request failed" : http.getReasonPhrase().toLowerCase();
    return ResponseEntity.status(code).body(ErrorBody.of(codeFor(code), message));
  }

  /**
   * The error code of a status the container set without saying why: a 400 there is a request
   * Tomcat could not take (its path, headers or framing), not a body we read.
   */
  static ErrorCode codeFor(int status) {
    return switch (status) {
      case 401 -> ErrorCode.UNAUTHORIZED;
      case 403 -> ErrorCode.FORBIDDEN;
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 406 -> ErrorCode.NOT_ACCEPTABLE;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      // An unsupported transfer coding or HTTP version: the request's fault, in a 5xx status.
      case 501, 505 -> ErrorCode.BAD_REQUEST;
      default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_REQUEST;
    };
  }
}
