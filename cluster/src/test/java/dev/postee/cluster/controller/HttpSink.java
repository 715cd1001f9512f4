package dev.postee.cluster.controller;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A real HTTP server on 127.0.0.1 recording what it receives, and when (a webhook action's target). */
final class HttpSink implements AutoCloseable {
  record Request(String path, String body, long receivedNanos) {}

  private final HttpServer server;
  final List<Request> requests = new CopyOnWriteArrayList<>();

  HttpSink() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", ex -> {
      long at = System.nanoTime();
      try (InputStream in = ex.getRequestBody()) {
        requests.add(new Request(ex.getRequestURI().getPath(), new String(in.readAllBytes(), StandardCharsets.UTF_8), at));
      }
      ex.sendResponseHeaders(200, -1);
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
