package dev.postee.app.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** HTTP client helpers for tests against a real server. */
final class Http {
  static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  static HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
    if (headers.length > 0) b.headers(headers);
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String url, String body, String... headers) throws IOException, InterruptedException {
    return post(url, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  static HttpResponse<String> post(String url, byte[] body, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) b.headers(headers);
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends raw bytes on a new connection and returns everything the server answers until it closes
   * the connection (or the read times out).
   */
  static String raw(int port, byte[] request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      return readResponse(s.getInputStream());
    }
  }

  static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    try {
      int n;
      while ((n = in.read(chunk)) != -1) {
        buf.write(chunk, 0, n);
        String sofar = buf.toString(StandardCharsets.ISO_8859_1);
        int headerEnd = sofar.indexOf("\r\n\r\n");
        if (headerEnd > 0) {
          int cl = sofar.toLowerCase().indexOf("content-length: ");
          if (cl > 0 && cl < headerEnd) {
            int len = Integer.parseInt(sofar.substring(cl + 16, sofar.indexOf("\r\n", cl)).strip());
            if (buf.size() >= headerEnd + 4 + len) break;
          }
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      // return what arrived
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
