package dev.postee.app;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/** A real HTTP server on 127.0.0.1 recording what webhook/http actions send it. */
public final class Sink implements AutoCloseable {
  public record Request(String method, String path, Map<String, List<String>> headers, String body) {}

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch hold = new CountDownLatch(0);

  public Sink() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", ex -> {
      try (InputStream in = ex.getRequestBody()) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        hold.await();
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestHeaders(), body));
        ex.sendResponseHeaders(200, -1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ex.sendResponseHeaders(500, -1);
      } finally {
        ex.close();
      }
    });
    server.start();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Requests wait (unanswered) until {@link #release()}: keeps events in flight. */
  public void holdRequests() {
    hold = new CountDownLatch(1);
  }

  public void release() {
    hold.countDown();
  }

  public List<Request> at(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  public List<Request> all() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    release();
    server.stop(0);
  }
}
