package dev.postee.core.action;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 with a random port. Replies are scripted in order; the last one
 * repeats. Every request is recorded with its arrival time.
 */
final class TestServer implements AutoCloseable {
  record Received(String method, URI uri, Headers headers, byte[] body, long arrivedNanos) {
    String bodyText() { return new String(body, StandardCharsets.UTF_8); }
  }

  record Reply(int status, Map<String, String> headers, Function<Received, String> body, boolean hold) {
    static Reply status(int status) { return new Reply(status, Map.of(), r -> "", false); }

    static Reply status(int status, String body) { return new Reply(status, Map.of(), r -> body, false); }

    Reply withHeader(String name, String value) { return new Reply(status, Map.of(name, value), body, hold); }

    /** Replies with whatever {@code body} makes of the request (an echo server). */
    static Reply echo(int status, Function<Received, String> body) { return new Reply(status, Map.of(), body, false); }

    /** Never answers until the server closes: a hung remote. */
    static Reply hang() { return new Reply(200, Map.of(), r -> "", true); }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Deque<Reply> replies = new ArrayDeque<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private Reply last = Reply.status(200);

  TestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  synchronized TestServer replies(Reply... scripted) {
    replies.addAll(List.of(scripted));
    return this;
  }

  private synchronized Reply next() {
    Reply r = replies.pollFirst();
    if (r != null) last = r;
    return last;
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    Received r = new Received(exchange.getRequestMethod(), exchange.getRequestURI(), exchange.getRequestHeaders(),
        body, System.nanoTime());
    received.add(r);
    Reply reply = next();
    if (reply.hold()) {
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    byte[] out = reply.body().apply(r).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(out);
    }
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
  }

  List<Received> received() {
    return received;
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
