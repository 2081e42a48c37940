package org.ketaminecds.compliance.errors;

/** The JSON body of every error answer: {@code {"error": code, "message": text}}. */
public record ErrorBody(String error, String message) {

  public static ErrorBody of(ErrorCode code, String message) {
    return new ErrorBody(code.code(), message);
  }
}
