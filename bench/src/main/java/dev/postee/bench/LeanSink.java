package dev.postee.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The receiving end of the benchmark's webhooks: a minimal HTTP/1.1 server (persistent connections,
 * one virtual thread each, Content-Length or chunked bodies, an empty 200 answer). Like the load
 * clients, it is kept minimal because it is not what is measured: the JDK's {@code HttpServer}
 * costs about as much CPU per request as the whole relay it receives from (docs/benchmarks.md).
 */
final class LeanSink implements AutoCloseable {
  /** Called on the connection's thread with each request's path and body. */
  @FunctionalInterface
  interface Receiver {
    void received(String path, byte[] body);
  }

  private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BAD = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
      .getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final Receiver receiver;

  LeanSink(Receiver receiver) throws IOException {
    this.receiver = receiver;
    this.server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("lean-sink-accept").start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        socket.setTcpNoDelay(true);
        Thread.ofVirtual().name("lean-sink-conn").start(() -> serve(socket));
      } catch (IOException e) {
        if (!server.isClosed()) System.err.println("lean sink: accept failed: " + e);
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream(), 16384);
      OutputStream out = socket.getOutputStream();
      StringBuilder line = new StringBuilder(128);
      while (true) {
        if (!readLine(in, line)) return; // connection closed between requests
        String requestLine = line.toString();
        int sp1 = requestLine.indexOf(' ');
        int sp2 = requestLine.indexOf(' ', sp1 + 1);
        if (sp1 < 0 || sp2 < 0) {
          out.write(BAD);
          return;
        }
        String path = requestLine.substring(sp1 + 1, sp2);
        long length = 0;
        boolean chunked = false;
        while (readLine(in, line) && !line.isEmpty()) {
          String h = line.toString();
          if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
            length = Long.parseLong(h.substring(15).trim());
          } else if (h.regionMatches(true, 0, "transfer-encoding:", 0, 18)
              && h.toLowerCase(Locale.ROOT).contains("chunked")) {
            chunked = true;
          }
        }
        byte[] body = chunked ? readChunked(in, line) : in.readNBytes((int) length);
        receiver.received(path, body);
        out.write(OK);
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      // a client that goes away mid-request: nothing to answer
    }
  }

  private static byte[] readChunked(InputStream in, StringBuilder line) throws IOException {
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    while (true) {
      if (!readLine(in, line)) throw new IOException("connection closed inside a chunked body");
      String size = line.toString();
      int semicolon = size.indexOf(';');
      int n = Integer.parseInt((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
      if (n == 0) {
        while (readLine(in, line) && !line.isEmpty()) {
          // trailers are ignored
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(n));
      readLine(in, line);
    }
  }

  /** Reads one CRLF- or LF-terminated line into {@code line}; false at the end of the stream. */
  private static boolean readLine(InputStream in, StringBuilder line) throws IOException {
    line.setLength(0);
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') return true;
      if (c != '\r') line.append((char) c);
    }
    return !line.isEmpty();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
