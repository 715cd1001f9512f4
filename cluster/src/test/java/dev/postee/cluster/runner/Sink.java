package dev.postee.cluster.runner;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A real HTTP server on 127.0.0.1 that records what it receives (the target of webhook actions). */
final class Sink implements AutoCloseable {
  record Request(String path, String body) {}

  private final HttpServer server;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  volatile int status = 200;

  Sink() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", ex -> {
      try (InputStream in = ex.getRequestBody()) {
        requests.add(new Request(ex.getRequestURI().getPath(), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      }
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  List<Request> at(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
