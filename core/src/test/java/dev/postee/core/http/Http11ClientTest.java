package dev.postee.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP/1.1 client against real servers on 127.0.0.1 that answer byte for byte as scripted. */
class Http11ClientTest {
  private static final Duration BUDGET = Duration.ofSeconds(5);

  @TempDir Path tmp;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final Http11Client client = new Http11Client();

  @AfterEach
  void close() throws Exception {
    client.close();
    for (AutoCloseable c : open) c.close();
  }

  @Test
  void postsWithContentLengthAndReusesTheConnection() throws Exception {
    RawServer server = server((request, out) -> out.write(answer(200, "ok " + request.body())));
    URI uri = server.uri("/hook?x=1");

    Http11Client.Response first = client.send(post(uri, "{\"a\":1}"), BUDGET, 4096);
    Http11Client.Response second = client.send(post(uri, "{\"a\":2}"), BUDGET, 4096);

    assertThat(first.status()).isEqualTo(200);
    assertThat(text(first)).isEqualTo("ok {\"a\":1}");
    assertThat(text(second)).isEqualTo("ok {\"a\":2}");
    assertThat(server.connections.get()).isEqualTo(1);
    Request seen = server.requests.get(0);
    assertThat(seen.line()).isEqualTo("POST /hook?x=1 HTTP/1.1");
    assertThat(seen.headers()).containsEntry("host", "127.0.0.1:" + server.port())
        .containsEntry("content-length", "7").containsEntry("content-type", "application/json")
        .containsEntry("user-agent", "Postee");
  }

  @Test
  void readsChunkedAndCloseDelimitedBodiesAndSkipsInterimAnswers() throws Exception {
    RawServer chunked = server((request, out) -> out.write(ascii("HTTP/1.1 100 Continue\r\n\r\n"
        + "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n")));
    Http11Client.Response r = client.send(post(chunked.uri("/"), "x"), BUDGET, 4096);
    assertThat(r.status()).isEqualTo(201);
    assertThat(text(r)).isEqualTo("hello world");
    client.send(post(chunked.uri("/"), "y"), BUDGET, 4096);
    assertThat(chunked.connections.get()).as("a chunked answer leaves the connection reusable").isEqualTo(1);

    RawServer untilClose = server((request, out) -> {
      out.write(ascii("HTTP/1.1 200 OK\r\n\r\nall of it"));
      throw new IOException("close");
    });
    assertThat(text(client.send(post(untilClose.uri("/"), "x"), BUDGET, 4096))).isEqualTo("all of it");
  }

  @Test
  void keepsOnlyTheStartOfALargeBodyButReadsAllOfIt() throws Exception {
    String big = "x".repeat(100_000);
    RawServer server = server((request, out) -> out.write(answer(500, big)));
    Http11Client.Response r = client.send(post(server.uri("/"), "x"), BUDGET, 10);
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.body()).hasSize(10);
    assertThat(r.bodyLength()).isEqualTo(100_000);
    client.send(post(server.uri("/"), "x"), BUDGET, 10);
    assertThat(server.connections.get()).isEqualTo(1);
  }

  @Test
  void headAndNoContentAnswersHaveNoBody() throws Exception {
    RawServer server = server((request, out) -> out.write(ascii(request.line().startsWith("HEAD")
        ? "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n" : "HTTP/1.1 204 No Content\r\n\r\n")));
    assertThat(client.send(new Http11Client.Request("HEAD", server.uri("/"), List.of(), null), BUDGET, 100).bodyLength())
        .isZero();
    assertThat(client.send(new Http11Client.Request("GET", server.uri("/"), List.of(), null), BUDGET, 100).status())
        .isEqualTo(204);
    assertThat(server.connections.get()).isEqualTo(1);
    assertThat(server.requests.get(1).headers()).doesNotContainKey("content-length");
  }

  @Test
  void connectionCloseIsHonoured() throws Exception {
    RawServer server = server((request, out) -> out.write(ascii("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")));
    client.send(post(server.uri("/"), "a"), BUDGET, 100);
    client.send(post(server.uri("/"), "b"), BUDGET, 100);
    assertThat(server.connections.get()).isEqualTo(2);
  }

  @Test
  void aPooledConnectionTheServerClosedWhileIdleIsNotUsed() throws Exception {
    // answers one request per connection, then closes it while idle, without saying so beforehand
    RawServer server = server((request, out) -> {
      out.write(answer(200, "ok"));
      out.flush();
      sleep(200);
      throw new IOException("idle timeout");
    });
    for (int i = 0; i < 2; i++) {
      assertThat(client.send(post(server.uri("/"), "n" + i), BUDGET, 100).status()).isEqualTo(200);
      sleep(Http11Client.PROBE_AFTER_IDLE.toMillis() + 300);
    }
    assertThat(server.requests).hasSize(2);
    assertThat(server.connections.get()).isEqualTo(2);
  }

  @Test
  void aSilentServerTimesOutAtTheBudget() throws Exception {
    RawServer server = server((request, out) -> sleep(10_000));
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.send(post(server.uri("/"), "x"), Duration.ofMillis(300), 100))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(250L, 2_000L);
  }

  @Test
  void aSlowDnsLookupIsBoundedByTheBudget() throws Exception {
    RawServer server = server((request, out) -> out.write(answer(200, "ok")));
    URI slow = URI.create("http://" + SlowLookupResolverProvider.SLOW_HOST + ":" + server.port() + "/");
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.send(post(slow, "x"), Duration.ofMillis(400), 100))
        .isInstanceOf(HttpTimeoutException.class).hasMessageContaining("looking up");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(SlowLookupResolverProvider.DELAY_MILLIS - 1_000);
  }

  @Test
  void aRefusedConnectionIsAnIoError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThatThrownBy(() -> client.send(post(URI.create("http://127.0.0.1:" + port + "/"), "x"), BUDGET, 100))
        .isInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void redirectsAreFollowedAndA303BecomesAGet() throws Exception {
    RawServer target = server((request, out) -> out.write(answer(200, request.line() + " " + request.body())));
    RawServer origin = server((request, out) -> {
      if (request.line().contains("/see-other")) {
        out.write(ascii("HTTP/1.1 303 See Other\r\nLocation: " + target.uri("/done") + "\r\nContent-Length: 0\r\n\r\n"));
      } else {
        out.write(ascii("HTTP/1.1 307 Temporary Redirect\r\nLocation: /see-other\r\nContent-Length: 0\r\n\r\n"));
      }
    });
    List<Http11Client.Header> headers = List.of(new Http11Client.Header("Authorization", "Bearer secret"),
        new Http11Client.Header("X-Api-Key", "key"), new Http11Client.Header("Content-Type", "text/plain"));
    Http11Client.Response r = client.send(new Http11Client.Request("POST", origin.uri("/start"), headers,
        Http11Client.Body.of("payload")), BUDGET, 4096);

    assertThat(text(r)).isEqualTo("GET /done HTTP/1.1 ");
    assertThat(origin.requests.get(1).line()).as("307 keeps the method and body").isEqualTo("POST /see-other HTTP/1.1");
    assertThat(origin.requests.get(1).body()).isEqualTo("payload");
    assertThat(origin.requests.get(1).headers()).as("same origin: every header").containsKeys("authorization", "x-api-key");
    assertThat(target.requests.get(0).headers()).as("configured headers stay with their origin")
        .doesNotContainKeys("authorization", "x-api-key").containsEntry("content-type", "text/plain");
  }

  @Test
  void redirectLoopsStopAfterFiveAndHttpsNeverRedirectsToHttp() throws Exception {
    RawServer loop = server((request, out) -> out.write(ascii("HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n")));
    assertThat(client.send(new Http11Client.Request("GET", loop.uri("/"), List.of(), null), BUDGET, 100).status())
        .isEqualTo(302);
    assertThat(loop.requests).hasSize(1 + Http11Client.MAX_REDIRECTS);
  }

  @Test
  void tlsVerifiesTheCertificateAndTheHostName() throws Exception {
    KeyStore keys = selfSigned("localhost");
    SSLContext serverTls = serverContext(keys);
    SSLServerSocket tlsSocket = (SSLServerSocket) serverTls.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    RawServer server = new RawServer(tlsSocket, (request, out) -> out.write(answer(200, "secure")));
    open.add(server);

    // the JDK's trust store does not know this certificate
    assertThatThrownBy(() -> client.send(post(URI.create("https://localhost:" + server.port() + "/"), "x"), BUDGET, 100))
        .isInstanceOf(SSLHandshakeException.class);

    try (Http11Client trustingClient = new Http11Client(Duration.ofSeconds(5), trustingContext(keys).getSocketFactory())) {
      Http11Client.Response r = trustingClient.send(post(URI.create("https://localhost:" + server.port() + "/"), "x"),
          BUDGET, 100);
      assertThat(text(r)).isEqualTo("secure");
      // a rooted name ("localhost.") is the same host
      assertThat(text(trustingClient.send(post(URI.create("https://localhost.:" + server.port() + "/"), "x"), BUDGET, 100)))
          .isEqualTo("secure");
      // a trusted certificate for another name is refused: 127.0.0.1 is not "localhost"
      assertThatThrownBy(() -> trustingClient.send(post(URI.create("https://127.0.0.1:" + server.port() + "/"), "x"),
          BUDGET, 100)).isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void headersThatCouldSplitTheRequestAreRefused() {
    assertThatThrownBy(() -> new Http11Client.Header("X-A", "v\r\nX-Injected: 1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Http11Client.Header("Bad Name", "v")).isInstanceOf(IllegalArgumentException.class);
    new Http11Client.Header("X-Ok", "tab\tand spaces");
  }

  @Test
  void aFileBodyIsReadWhenSent() throws Exception {
    Path file = tmp.resolve("body.json");
    Files.writeString(file, "{\"from\":\"file\"}");
    RawServer server = server((request, out) -> out.write(answer(200, request.body())));
    Http11Client.Response r = client.send(new Http11Client.Request("PUT", server.uri("/"), List.of(),
        Http11Client.Body.ofFile(file)), BUDGET, 100);
    assertThat(text(r)).isEqualTo("{\"from\":\"file\"}");
  }

  @Test
  void aPostTheServerMayHaveReadIsNotSentTwiceButAGetIs() throws Exception {
    AtomicInteger served = new AtomicInteger();
    // the second request of the first connection is read, then the connection dropped unanswered
    RawServer server = server((request, out) -> {
      if (served.incrementAndGet() == 2) {
        sleep(100);
        throw new IOException("drop");
      }
      out.write(answer(200, "ok"));
    });
    client.send(post(server.uri("/"), "first"), BUDGET, 100);
    assertThatThrownBy(() -> client.send(post(server.uri("/"), "second"), BUDGET, 100)).isInstanceOf(IOException.class);
    assertThat(server.requests).extracting(Request::body).containsExactly("first", "second");

    served.set(0);
    RawServer gets = server((request, out) -> {
      if (served.incrementAndGet() == 2) throw new IOException("drop");
      out.write(answer(200, "ok"));
    });
    Http11Client.Request get = new Http11Client.Request("GET", gets.uri("/"), List.of(), null);
    client.send(get, BUDGET, 100);
    assertThat(client.send(get, BUDGET, 100).status()).as("an idempotent request is sent again").isEqualTo(200);
    assertThat(gets.requests).hasSize(3);
  }

  @Test
  void bytesAfterACompleteAnswerKeepTheConnectionFromBeingReused() throws Exception {
    RawServer server = server((request, out) -> out.write(ascii(request.body().equals("a")
        ? "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale" : "HTTP/1.1 201 X\r\nContent-Length: 5\r\n\r\nfresh")));
    assertThat(client.send(post(server.uri("/"), "a"), BUDGET, 100).status()).isEqualTo(204);
    sleep(100); // the stray bytes arrive
    Http11Client.Response second = client.send(post(server.uri("/"), "b"), BUDGET, 100);
    assertThat(second.status()).isEqualTo(201);
    assertThat(text(second)).isEqualTo("fresh");
    assertThat(server.connections.get()).isEqualTo(2);
  }

  @Test
  void idleConnectionsAreClosedAfterTheLimit() throws Exception {
    try (Http11Client shortIdle = new Http11Client(Duration.ofSeconds(5),
        (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault(), Duration.ofMillis(200))) {
      RawServer server = server((request, out) -> {
        sleep(100);
        out.write(answer(200, "ok"));
      });
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        threads.add(Thread.ofVirtual().start(() -> {
          try {
            shortIdle.send(post(server.uri("/"), "x"), BUDGET, 100);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      for (Thread t : threads) t.join();
      assertThat(server.connections.get()).isEqualTo(3);
      long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (server.closedByClient.get() < 3 && System.nanoTime() < until) sleep(20);
      assertThat(server.closedByClient.get()).as("idle connections closed by the sweep").isEqualTo(3);
    }
  }

  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a regression hangs rather than fails
  void aTlsServerThatStopsReadingTimesOutWithoutHoldingUpOtherDeadlines() throws Exception {
    KeyStore keys = selfSigned("localhost");
    SSLContext serverTls = serverContext(keys);
    SSLServerSocket tlsSocket = (SSLServerSocket) serverTls.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    open.add(tlsSocket);
    Thread.ofVirtual().start(() -> {
      while (!tlsSocket.isClosed()) {
        try {
          javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) tlsSocket.accept();
          open.add(s);
          Thread.ofVirtual().start(() -> {
            try {
              s.startHandshake(); // then never reads
            } catch (IOException ignored) {
              // the client went away
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
    RawServer silent = server((request, out) -> sleep(10_000));
    try (Http11Client trusting = new Http11Client(Duration.ofSeconds(5), trustingContext(keys).getSocketFactory())) {
      byte[] big = new byte[8 * 1024 * 1024];
      Thread stuckWriter = Thread.ofVirtual().start(() -> assertThatThrownBy(() -> trusting.send(new Http11Client.Request(
          "POST", URI.create("https://localhost:" + tlsSocket.getLocalPort() + "/"), List.of(), Http11Client.Body.of(big)),
          Duration.ofMillis(800), 100)).isInstanceOf(HttpTimeoutException.class));
      sleep(1_500); // the writer's deadline has fired while it was blocked writing
      long start = System.nanoTime();
      assertThatThrownBy(() -> trusting.send(post(silent.uri("/"), "x"), Duration.ofMillis(500), 100))
          .isInstanceOf(HttpTimeoutException.class);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000L);
      stuckWriter.join(Duration.ofSeconds(3));
      assertThat(stuckWriter.isAlive()).as("the stuck write ended at its deadline").isFalse();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static Http11Client.Request post(URI uri, String body) {
    return new Http11Client.Request("POST", uri, List.of(new Http11Client.Header("Content-Type", "application/json")),
        Http11Client.Body.of(body));
  }

  private static String text(Http11Client.Response r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] answer(int status, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    byte[] head = ascii("HTTP/1.1 " + status + " X\r\nContent-Length: " + b.length + "\r\n\r\n");
    byte[] all = new byte[head.length + b.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(b, 0, all, head.length, b.length);
    return all;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static SSLContext serverContext(KeyStore keys) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  private static SSLContext trustingContext(KeyStore keys) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private KeyStore selfSigned(String name) throws Exception {
    Path store = tmp.resolve("keys.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-ext", "SAN=dns:" + name, "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit").redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor()).as(output).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    return ks;
  }

  private RawServer server(Handler handler) throws IOException {
    RawServer s = new RawServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), handler);
    open.add(s);
    return s;
  }

  record Request(String line, Map<String, String> headers, String body) {}

  @FunctionalInterface
  interface Handler {
    void handle(Request request, OutputStream out) throws IOException;
  }

  /** Accepts connections and runs the handler for each request until it throws or the client leaves. */
  static final class RawServer implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger connections = new AtomicInteger();
    /** Connections the client closed (end of stream while waiting for a request). */
    final AtomicInteger closedByClient = new AtomicInteger();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    RawServer(ServerSocket socket, Handler handler) {
      this.socket = socket;
      Thread.ofVirtual().start(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            connections.incrementAndGet();
            Thread.ofVirtual().start(() -> serve(s, handler));
          } catch (IOException e) {
            return;
          }
        }
      });
    }

    private void serve(Socket s, Handler handler) {
      try (s) {
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        while (true) {
          String line = line(in);
          if (line == null) {
            closedByClient.incrementAndGet();
            return;
          }
          Map<String, String> headers = new LinkedHashMap<>();
          String h;
          while ((h = line(in)) != null && !h.isEmpty()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
          }
          int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
          Request request = new Request(line, headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
          requests.add(request);
          handler.handle(request, out);
          out.flush();
        }
      } catch (IOException e) {
        // the handler closes the connection by throwing
      }
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') if (c != '\r') sb.append((char) c);
      return c == -1 && sb.isEmpty() ? null : sb.toString();
    }

    int port() {
      return socket.getLocalPort();
    }

    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port() + path);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
