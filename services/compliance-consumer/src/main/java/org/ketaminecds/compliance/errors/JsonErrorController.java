package org.ketaminecds.compliance.errors;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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
    if (exception instanceof ComplianceException refused) {
      return ApiExceptionHandler.respond(refused.code(), refused.getMessage());
    }
    int code = status instanceof Integer i ? i : 500;
    HttpStatus http = HttpStatus.resolve(code);
    ErrorCode errorCode =
        switch (code) {
          case 400 -> ErrorCode.INVALID_PARAMETER;
          case 401 -> ErrorCode.UNAUTHORIZED;
          case 403 -> ErrorCode.FORBIDDEN;
          case 404 -> ErrorCode.NOT_FOUND;
          case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
          case 406 -> ErrorCode.NOT_ACCEPTABLE;
          default -> ErrorCode.INTERNAL_ERROR;
        };
    String message =
        http == null ? "request failed" : http.getReasonPhrase().toLowerCase(Locale.ROOT);
    return ResponseEntity.status(code)
        .contentType(MediaType.APPLICATION_JSON)
        .body(ErrorBody.of(errorCode, message));
  }
}
