package dev.postee.app.http;

import dev.postee.app.JsonText;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/** Errors Jetty answers itself (malformed requests, oversized headers) as JSON instead of HTML. */
final class JsonErrorHandler extends ErrorHandler {
  @Override
  public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String reason = baseRequest.getResponse().getReason();
    response.setContentType("application/json; charset=utf-8");
    response.getOutputStream().write(body(response.getStatus(), reason).getBytes(StandardCharsets.UTF_8));
    baseRequest.setHandled(true);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    if (HttpStatus.hasNoBody(status)) return ByteBuffer.allocate(0);
    fields.put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
    return ByteBuffer.wrap(body(status, reason).getBytes(StandardCharsets.UTF_8));
  }

  private static String body(int status, String reason) {
    String message = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
    return JsonText.write(Map.of("error", message + " (HTTP " + status + ")"));
  }
}
