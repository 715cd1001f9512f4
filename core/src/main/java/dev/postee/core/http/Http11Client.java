package dev.postee.core.http;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The HTTP/1.1 client of the HTTP actions: blocking I/O on the calling (virtual) thread, persistent
 * connections pooled per origin, one deadline for the whole exchange (connect, TLS handshake,
 * request, response and redirects), certificates and host names verified against the JDK's trust
 * store.
 *
 * <p>Why not {@code java.net.http.HttpClient}: it hands every exchange between its selector thread,
 * its executor and the caller, and costs several times the CPU of the exchange itself; with it, a
 * server doing nothing but relaying POSTs reached half the rate it reaches with this client
 * (docs/benchmarks.md). Behaviour kept from it: HTTP/1.1 only, redirects followed except from
 * https to http (at most {@value #MAX_REDIRECTS}; 303, and 301/302 after a POST, become a GET), no
 * proxy, a 10-second connect timeout by default.
 *
 * <p>A pooled connection that has been idle for over {@link #PROBE_AFTER_IDLE} is checked before
 * use, and idle connections are closed after {@link #MAX_IDLE}. A request that fails on a pooled
 * connection before any byte of an answer (the server closed it while idle) is sent again, once, on
 * a new connection when that cannot make it happen twice: it did not go out completely, or its
 * method is idempotent. Requests are otherwise sent once: retrying is the delivery layer's decision.
 */
public final class Http11Client implements AutoCloseable {
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final int MAX_REDIRECTS = 5;
  /** Idle connections kept per origin; more are closed when released. */
  static final int MAX_IDLE_PER_ORIGIN = 64;
  /** Idle connections older than this are closed instead of reused. */
  static final Duration MAX_IDLE = Duration.ofSeconds(30);
  /** Idle connections older than this are probed for a close by the server before reuse. */
  static final Duration PROBE_AFTER_IDLE = Duration.ofSeconds(1);
  static final int MAX_HEADER_BYTES = 64 * 1024;
  private static final String USER_AGENT = "Postee";
  /** The only request headers kept when a redirect leads to another origin. */
  static final Set<String> CROSS_ORIGIN_HEADERS = Set.of("content-type", "accept", "user-agent",
      "x-postee-execution-id", "x-postee-event-id", "postee-event");
  /** Methods whose request may be sent twice (RFC 9110, 9.2.2). */
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");
  /** Origins with a pool of idle connections at most; connections to further origins are not kept. */
  static final int MAX_POOLED_ORIGINS = 256;

  private final Duration connectTimeout;
  private final SSLSocketFactory tls;
  private final Duration maxIdle;
  private final Map<Origin, ArrayDeque<Connection>> idle = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor deadlines;
  private volatile boolean closed;

  /** A request header; names and values are checked by {@link #checkHeader}. */
  public record Header(String name, String value) {
    public Header {
      checkHeader(name, value);
    }
  }

  /** A request body: bytes in memory, or a file read when sent (again for each redirect). */
  public sealed interface Body permits Bytes, FileBody {
    static Body of(byte[] bytes) { return new Bytes(bytes); }

    static Body of(String text) { return new Bytes(text.getBytes(StandardCharsets.UTF_8)); }

    static Body ofFile(Path file) { return new FileBody(file); }
  }

  record Bytes(byte[] bytes) implements Body {}

  record FileBody(Path file) implements Body {}

  /** @param body null for none */
  public record Request(String method, URI uri, List<Header> headers, Body body) {
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(uri, "uri");
      headers = List.copyOf(headers);
    }
  }

  /**
   * A complete response.
   *
   * @param headers by lower-case name
   * @param body the first bytes of the body, up to the limit the request asked for
   * @param bodyLength the length of the whole body
   */
  public record Response(int status, Map<String, List<String>> headers, byte[] body, long bodyLength) {
    public Optional<String> header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
  }

  public Http11Client() {
    this(DEFAULT_CONNECT_TIMEOUT, defaultTls());
  }

  /** @param tls the factory of TLS sockets (the JDK's default verifies against its trust store) */
  public Http11Client(Duration connectTimeout, SSLSocketFactory tls) {
    this(connectTimeout, tls, MAX_IDLE);
  }

  Http11Client(Duration connectTimeout, SSLSocketFactory tls, Duration maxIdle) {
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.tls = Objects.requireNonNull(tls, "tls");
    this.maxIdle = Objects.requireNonNull(maxIdle, "maxIdle");
    this.deadlines = new ScheduledThreadPoolExecutor(1,
        Thread.ofPlatform().daemon().name("postee-http-deadlines").factory());
    deadlines.setRemoveOnCancelPolicy(true);
    long sweepMillis = Math.max(10, maxIdle.toMillis());
    deadlines.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
  }

  private static SSLSocketFactory defaultTls() {
    try {
      return SSLContext.getDefault().getSocketFactory();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context in this JDK", e);
    }
  }

  public Duration connectTimeout() { return connectTimeout; }

  /**
   * Checks a header as it will be sent: a token name, and a value without control characters other
   * than tab (which would let a value split the request).
   *
   * @throws IllegalArgumentException naming the problem, never quoting the value
   */
  public static void checkHeader(String name, String value) {
    if (name == null || name.isEmpty()) throw new IllegalArgumentException("empty header name");
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c > 126 || c <= 32 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        throw new IllegalArgumentException("invalid character in header name");
      }
    }
    if (value == null) throw new IllegalArgumentException("header without a value");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 32 && c != '\t') || c == 127) throw new IllegalArgumentException("control character in header value");
    }
  }

  /**
   * Sends {@code request}, following redirects, and reads the complete response, keeping at most
   * {@code bodyLimit} bytes of its body, all within {@code budget}.
   *
   * @throws HttpTimeoutException when the deadline passes first ({@link HttpConnectTimeoutException}
   *     when connecting took longer than the connect timeout)
   * @throws IOException for a failed connection, TLS handshake or malformed response
   * @throws InterruptedException when the calling thread is interrupted (the connection is closed)
   */
  public Response send(Request request, Duration budget, int bodyLimit) throws IOException, InterruptedException {
    if (closed) throw new IOException("the HTTP client is closed");
    long deadline = System.nanoTime() + Math.min(budget.toNanos(), Long.MAX_VALUE / 4);
    String method = request.method();
    URI uri = request.uri();
    List<Header> headers = request.headers();
    Body body = request.body();
    for (int redirects = 0; ; redirects++) {
      Response response = exchange(method, uri, headers, body, deadline, bodyLimit);
      int status = response.status();
      boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
      Optional<String> location = response.header("location");
      if (!redirect || location.isEmpty() || redirects >= MAX_REDIRECTS) return response;
      URI next;
      try {
        next = uri.resolve(new URI(location.get().trim()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        return response;
      }
      String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || next.getHost() == null) return response;
      if (uri.getScheme().equalsIgnoreCase("https") && scheme.equals("http")) return response;
      if ((status == 303 && !method.equals("HEAD")) || ((status == 301 || status == 302) && method.equals("POST"))) {
        method = "GET";
        body = null;
      }
      if (!Origin.of(uri).equals(Origin.of(next))) {
        // Configured headers (tokens, API keys) are for the origin they were configured for, not
        // for wherever it redirects to: only headers that describe the request go along.
        headers = headers.stream().filter(h -> CROSS_ORIGIN_HEADERS.contains(h.name().toLowerCase(Locale.ROOT))).toList();
      }
      uri = next;
    }
  }

  private Response exchange(String method, URI uri, List<Header> headers, Body body, long deadline, int bodyLimit)
      throws IOException, InterruptedException {
    Origin origin = Origin.of(uri);
    long length = length(body);
    byte[] head = requestHead(method, uri, origin, headers, body, length);
    long delay = deadline - System.nanoTime();
    if (delay <= 0) throw new HttpTimeoutException("the deadline had passed before the request was sent");
    Watch watch = new Watch();
    watch.timer = deadlines.schedule(watch, delay, TimeUnit.NANOSECONDS);
    try {
      Connection connection = pooled(origin);
      boolean reused = connection != null;
      while (true) {
        boolean sent = false;
        try {
          if (connection == null) connection = open(origin, deadline, watch);
          watch.watch(connection.raw);
          connection.out.write(head);
          writeBody(connection.out, body, length);
          connection.out.flush();
          sent = true;
          Response response = readResponse(connection, method, bodyLimit);
          // Unread bytes after a complete answer (a body the framing did not announce) would be
          // taken for the answer to the next request: such a connection is not reused.
          if (watch.disarm() && connection.keepAlive && connection.nothingUnread()) release(connection);
          else connection.close();
          return response;
        } catch (IOException e) {
          if (connection != null) connection.close();
          // A pooled connection the server closed while idle fails the request before any answer.
          // It is sent again on a new connection when that cannot do it twice: the request did not
          // go out completely, or sending it twice has the effect of sending it once.
          if (reused && connection != null && !connection.answered && !watch.fired()
              && (!sent || IDEMPOTENT.contains(method)) && !Thread.currentThread().isInterrupted()) {
            reused = false;
            connection = null;
            continue;
          }
          throw failure(e, watch);
        }
      }
    } finally {
      watch.timer.cancel(false);
    }
  }

  /** The exception to report for {@code e}: a timeout when the deadline closed the connection. */
  private static IOException failure(IOException e, Watch watch) throws InterruptedException {
    if (Thread.interrupted()) {
      InterruptedException interrupted = new InterruptedException("interrupted during an HTTP exchange");
      interrupted.initCause(e);
      throw interrupted;
    }
    if (e instanceof HttpTimeoutException) return e;
    if (watch.fired()) {
      HttpTimeoutException timeout = new HttpTimeoutException("the deadline passed before the response was complete");
      timeout.initCause(e);
      return timeout;
    }
    return e;
  }

  private static byte[] requestHead(String method, URI uri, Origin origin, List<Header> headers, Body body,
      long length) {
    StringBuilder sb = new StringBuilder(256);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    sb.append(method).append(' ').append(path);
    if (uri.getRawQuery() != null) sb.append('?').append(uri.getRawQuery());
    sb.append(" HTTP/1.1\r\nHost: ").append(origin.hostHeader()).append("\r\n");
    boolean agent = false;
    for (Header h : headers) {
      sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
      agent |= h.name().equalsIgnoreCase("User-Agent");
    }
    if (!agent) sb.append("User-Agent: ").append(USER_AGENT).append("\r\n");
    if (body != null || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
      sb.append("Content-Length: ").append(length).append("\r\n");
    }
    sb.append("\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static long length(Body body) throws IOException {
    return switch (body) {
      case null -> 0;
      case Bytes b -> b.bytes().length;
      case FileBody f -> Files.size(f.file());
    };
  }

  /** Writes exactly the {@code length} bytes announced, whatever happens to a body file meanwhile. */
  private static void writeBody(OutputStream out, Body body, long length) throws IOException {
    switch (body) {
      case null -> { }
      case Bytes b -> out.write(b.bytes());
      case FileBody f -> {
        try (InputStream in = Files.newInputStream(f.file())) {
          byte[] buffer = new byte[8192];
          long left = length;
          while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) throw new IOException("the body file became shorter while it was being sent");
            out.write(buffer, 0, n);
            left -= n;
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- connections

  private Connection pooled(Origin origin) {
    ArrayDeque<Connection> queue = idle.get(origin);
    if (queue == null) return null;
    long now = System.nanoTime();
    while (true) {
      Connection c;
      synchronized (queue) {
        c = queue.pollFirst();
      }
      if (c == null) return null;
      long idleNanos = now - c.idleSince;
      if (idleNanos > maxIdle.toNanos() || (idleNanos > PROBE_AFTER_IDLE.toNanos() && !c.stillOpen())) {
        c.drop();
        continue;
      }
      c.answered = false;
      return c;
    }
  }

  private void release(Connection c) {
    if (closed) {
      c.close();
      return;
    }
    long now = System.nanoTime();
    c.idleSince = now;
    ArrayDeque<Connection> queue = idle.get(c.origin);
    if (queue == null) {
      if (idle.size() >= MAX_POOLED_ORIGINS) {
        c.close();
        return;
      }
      queue = idle.computeIfAbsent(c.origin, o -> new ArrayDeque<>());
    }
    List<Connection> expired = new ArrayList<>(0);
    boolean kept;
    synchronized (queue) {
      kept = queue.size() < MAX_IDLE_PER_ORIGIN;
      if (kept) queue.addFirst(c);
      // the least recently used are at the end: close those idle for too long
      while (!queue.isEmpty() && now - queue.peekLast().idleSince > maxIdle.toNanos()) expired.add(queue.pollLast());
    }
    if (!kept) c.close();
    expired.forEach(Connection::drop);
  }

  /** Closes connections idle for longer than the limit, for origins no request went to lately. */
  private void sweep() {
    long now = System.nanoTime();
    for (ArrayDeque<Connection> queue : idle.values()) {
      List<Connection> expired = new ArrayList<>(0);
      synchronized (queue) {
        while (!queue.isEmpty() && now - queue.peekLast().idleSince > maxIdle.toNanos()) expired.add(queue.pollLast());
      }
      expired.forEach(Connection::drop);
    }
  }

  private Connection open(Origin origin, long deadline, Watch watch) throws IOException {
    InetAddress address = resolve(origin, deadline);
    long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (remaining <= 0) throw new HttpTimeoutException("the deadline passed before a connection was made");
    long limit = Math.min(connectTimeout.toMillis(), remaining);
    Socket raw = new Socket();
    watch.watch(raw);
    try {
      raw.setTcpNoDelay(true);
      raw.connect(new InetSocketAddress(address, origin.port()), (int) Math.max(1, Math.min(Integer.MAX_VALUE, limit)));
      if (!origin.secure()) return new Connection(origin, raw, raw);
      SSLSocket ssl = (SSLSocket) tls.createSocket(raw, origin.host(), origin.port(), true);
      SSLParameters params = ssl.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      if (!origin.isIpLiteral()) {
        try {
          params.setServerNames(List.of(new SNIHostName(origin.host())));
        } catch (IllegalArgumentException notADnsName) {
          // e.g. an internal name with an underscore: no SNI; the certificate is still checked
        }
      }
      params.setApplicationProtocols(new String[] {"http/1.1"});
      ssl.setSSLParameters(params);
      ssl.startHandshake();
      return new Connection(origin, ssl, raw);
    } catch (SocketTimeoutException e) {
      closeQuietly(raw);
      if (limit < connectTimeout.toMillis()) throw new HttpTimeoutException("the deadline passed while connecting");
      throw new HttpConnectTimeoutException("no connection to " + origin + " within " + connectTimeout.toSeconds() + " s");
    } catch (IOException | RuntimeException | Error e) {
      closeQuietly(raw);
      throw e;
    }
  }

  /** Looks the host up within the deadline (the JDK's resolver cannot be interrupted or bounded). */
  private static InetAddress resolve(Origin origin, long deadline) throws IOException {
    if (origin.isIpLiteral()) return InetAddress.getByName(origin.host());
    FutureTask<InetAddress> lookup = new FutureTask<>(() -> InetAddress.getByName(origin.host()));
    Thread.ofVirtual().name("postee-http-lookup").start(lookup);
    try {
      return lookup.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      lookup.cancel(true);
      throw new HttpTimeoutException("the deadline passed while looking up " + origin.host());
    } catch (InterruptedException e) {
      lookup.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while looking up " + origin.host());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) throw io;
      throw new IOException("looking up " + origin.host() + " failed: " + e.getCause(), e.getCause());
    }
  }

  // ---------------------------------------------------------------- responses

  private static Response readResponse(Connection c, String method, int bodyLimit) throws IOException {
    InputStream in = c.in;
    int status;
    String version;
    Map<String, List<String>> headers;
    int[] headerBytes = {0};
    while (true) {
      String statusLine = line(in, headerBytes, c);
      if (statusLine == null) throw new IOException("the server closed the connection without answering");
      if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
        throw new IOException("malformed HTTP status line from the server");
      }
      version = statusLine.substring(0, 8);
      try {
        status = Integer.parseInt(statusLine.substring(9, 12));
      } catch (NumberFormatException e) {
        throw new IOException("malformed HTTP status code from the server");
      }
      headers = readHeaders(in, headerBytes, c);
      if (status >= 200) break;
      if (status == 101) throw new IOException("the server switched protocols, which was not asked for");
      // 100 Continue, 103 Early Hints: interim answers before the real one
    }
    c.keepAlive = keepAlive(version, headers);
    ByteArrayOutputStream kept = new ByteArrayOutputStream(Math.min(bodyLimit, 1024));
    long length;
    if (method.equals("HEAD") || status == 204 || status == 304) {
      length = 0;
    } else if (headers.containsKey("transfer-encoding")) {
      String encodings = String.join(",", headers.get("transfer-encoding")).toLowerCase(Locale.ROOT).trim();
      if (encodings.endsWith("chunked")) {
        length = readChunked(in, kept, bodyLimit, headerBytes, c);
      } else {
        c.keepAlive = false;
        length = copy(in, Long.MAX_VALUE, kept, bodyLimit);
      }
    } else if (headers.containsKey("content-length")) {
      long declared = contentLength(headers.get("content-length"));
      length = copy(in, declared, kept, bodyLimit);
      if (length < declared) throw new IOException("the connection closed " + (declared - length)
          + " bytes before the end of the response body");
    } else {
      c.keepAlive = false;
      length = copy(in, Long.MAX_VALUE, kept, bodyLimit);
    }
    return new Response(status, Collections.unmodifiableMap(headers), kept.toByteArray(), length);
  }

  private static boolean keepAlive(String version, Map<String, List<String>> headers) {
    List<String> connection = headers.getOrDefault("connection", List.of());
    boolean close = false;
    boolean keep = false;
    for (String value : connection) {
      for (String token : value.split(",")) {
        String t = token.trim().toLowerCase(Locale.ROOT);
        close |= t.equals("close");
        keep |= t.equals("keep-alive");
      }
    }
    if (close) return false;
    return version.equals("HTTP/1.1") || keep;
  }

  private static long contentLength(List<String> values) throws IOException {
    long length = -1;
    for (String value : values) {
      for (String part : value.split(",")) {
        long n;
        try {
          n = Long.parseLong(part.trim());
        } catch (NumberFormatException e) {
          throw new IOException("malformed Content-Length in the response");
        }
        if (n < 0 || (length >= 0 && n != length)) throw new IOException("malformed Content-Length in the response");
        length = n;
      }
    }
    return length;
  }

  private static Map<String, List<String>> readHeaders(InputStream in, int[] headerBytes, Connection c) throws IOException {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    while (true) {
      String line = line(in, headerBytes, c);
      if (line == null) throw new IOException("the connection closed inside the response headers");
      if (line.isEmpty()) return headers;
      int colon = line.indexOf(':');
      if (colon <= 0) continue; // obsolete line folding or garbage: ignored, as lenient clients do
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      headers.computeIfAbsent(name, n -> new ArrayList<>(1)).add(line.substring(colon + 1).trim());
    }
  }

  /** Reads a line (CRLF or LF) as ISO-8859-1; null at the end of the stream before any byte. */
  private static String line(InputStream in, int[] headerBytes, Connection c) throws IOException {
    StringBuilder sb = new StringBuilder(64);
    int b;
    boolean any = false;
    while ((b = in.read()) != -1) {
      any = true;
      c.answered = true;
      if (++headerBytes[0] > MAX_HEADER_BYTES) throw new IOException("the response headers exceed 64 KiB");
      if (b == '\n') {
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == '\r') sb.setLength(n - 1);
        return sb.toString();
      }
      sb.append((char) b);
    }
    if (!any) return null;
    throw new IOException("the connection closed inside the response headers");
  }

  private static long readChunked(InputStream in, ByteArrayOutputStream kept, int limit, int[] headerBytes, Connection c)
      throws IOException {
    long total = 0;
    while (true) {
      headerBytes[0] = 0;
      String sizeLine = line(in, headerBytes, c);
      if (sizeLine == null) throw new IOException("the connection closed inside a chunked response body");
      int semicolon = sizeLine.indexOf(';');
      String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new IOException("malformed chunk size in the response body");
      }
      if (size < 0) throw new IOException("malformed chunk size in the response body");
      if (size == 0) {
        readHeaders(in, headerBytes, c); // trailers, ignored
        return total;
      }
      long read = copy(in, size, kept, limit);
      if (read < size) throw new IOException("the connection closed inside a chunked response body");
      total += size;
      String end = line(in, headerBytes, c);
      if (end == null || !end.isEmpty()) throw new IOException("malformed chunk in the response body");
    }
  }

  /** Reads up to {@code max} bytes, keeping the first ones up to {@code limit} in {@code kept}. */
  private static long copy(InputStream in, long max, ByteArrayOutputStream kept, int limit) throws IOException {
    byte[] buffer = new byte[8192];
    long total = 0;
    while (total < max) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, max - total));
      if (n < 0) break;
      int keep = Math.max(0, Math.min(n, limit - kept.size()));
      if (keep > 0) kept.write(buffer, 0, keep);
      total += n;
    }
    return total;
  }

  @Override
  public void close() {
    closed = true;
    for (ArrayDeque<Connection> queue : idle.values()) {
      synchronized (queue) {
        queue.forEach(Connection::drop);
        queue.clear();
      }
    }
    deadlines.shutdownNow();
  }

  // ---------------------------------------------------------------- parts

  /** Scheme, host and port: what a connection is for. */
  record Origin(boolean secure, String host, int port) {
    static Origin of(URI uri) {
      boolean secure = uri.getScheme().equalsIgnoreCase("https");
      String host = uri.getHost();
      if (host == null) throw new IllegalArgumentException("URL without a host");
      if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
      if (host.endsWith(".") && host.length() > 1) host = host.substring(0, host.length() - 1); // a rooted name
      int port = uri.getPort() >= 0 ? uri.getPort() : secure ? 443 : 80;
      return new Origin(secure, host.toLowerCase(Locale.ROOT), port);
    }

    boolean isIpLiteral() {
      return host.indexOf(':') >= 0 || host.chars().allMatch(ch -> ch == '.' || (ch >= '0' && ch <= '9'));
    }

    String hostHeader() {
      String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
      return port == (secure ? 443 : 80) ? h : h + ":" + port;
    }

    @Override
    public String toString() {
      return (secure ? "https://" : "http://") + hostHeader();
    }
  }

  /**
   * Closes the exchange's TCP socket when the deadline passes, whatever the exchange is blocked in.
   * It closes the plain socket under a TLS one: closing the TLS socket would wait for a thread stuck
   * writing to a peer that stopped reading, and stall every other deadline with it.
   */
  private static final class Watch implements Runnable {
    private static final int ARMED = 0;
    private static final int FIRED = 1;
    private static final int DISARMED = 2;
    private final AtomicInteger state = new AtomicInteger(ARMED);
    private volatile Socket socket;
    ScheduledFuture<?> timer;

    void watch(Socket raw) {
      socket = raw;
      if (fired()) closeQuietly(raw);
    }

    boolean fired() {
      return state.get() == FIRED;
    }

    /** Ends the watch; false when the deadline came first (the socket is closed or being closed). */
    boolean disarm() {
      return state.compareAndSet(ARMED, DISARMED);
    }

    @Override
    public void run() {
      if (!state.compareAndSet(ARMED, FIRED)) return;
      Socket s = socket;
      if (s != null) closeQuietly(s);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing is all that is wanted
    }
  }

  private static final class Connection {
    final Origin origin;
    final Socket socket;
    /** The TCP socket: {@link #socket} itself, or the one under it for TLS. */
    final Socket raw;
    final InputStream in;
    final OutputStream out;
    long idleSince;
    boolean keepAlive;
    /** Whether any byte of a response arrived on this use of the connection. */
    boolean answered;

    Connection(Origin origin, Socket socket, Socket raw) throws IOException {
      this.origin = origin;
      this.socket = socket;
      this.raw = raw;
      this.in = new BufferedInputStream(socket.getInputStream(), 8192);
      this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
    }

    /** Whether the server has not closed the idle connection (nor sent anything unasked). */
    boolean stillOpen() {
      try {
        socket.setSoTimeout(1);
        in.read(); // an end of stream, or bytes nobody asked for: not reusable either way
        return false;
      } catch (SocketTimeoutException alive) {
        return true;
      } catch (IOException e) {
        return false;
      } finally {
        try {
          socket.setSoTimeout(0);
        } catch (IOException ignored) {
          // the next use fails and reports it
        }
      }
    }

    void close() {
      closeQuietly(socket);
    }

    boolean nothingUnread() {
      try {
        return in.available() == 0;
      } catch (IOException e) {
        return false;
      }
    }

    /** Closes an idle connection without a TLS goodbye, which never blocks. */
    void drop() {
      closeQuietly(raw);
    }
  }
}
