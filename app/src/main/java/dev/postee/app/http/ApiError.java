package dev.postee.app.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer other than 2xx: status, a sentence for {@code {"error": ...}}, and optional extra
 * headers and body fields. Thrown by handlers; rendered in one place ({@link HttpApi}).
 */
final class ApiError extends RuntimeException {
  private final int status;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private final Map<String, Object> fields = new LinkedHashMap<>();

  ApiError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  ApiError header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  ApiError field(String name, Object value) {
    fields.put(name, value);
    return this;
  }

  int status() { return status; }

  Map<String, String> headers() { return headers; }

  /** The JSON body: {@code error} first, then the extra fields. */
  Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", getMessage());
    body.putAll(fields);
    return body;
  }
}
