package dev.postee.bench;

import dev.postee.app.server.ListenAddress;
import dev.postee.app.server.PosteeServer;
import dev.postee.app.server.ServerSettings;
import dev.postee.core.store.StoreOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end HTTP load: a real Postee server (in this JVM, so send and receive times share one
 * clock) with 10 routes (Rego filters, the raw-json template, a webhook action each) delivering to a
 * local sink ({@link LeanSink}). Measures, in the same run and with the same clients: the throughput
 * of a request that does nothing ({@code GET /ping}); the relay ceiling ({@link RelayCeiling}: the
 * same two HTTP exchanges per event with no processing at all); then events per second from the
 * first POST to the last delivery at the sink, with p50/p99 latency from the POST to the sink.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.postee.bench.HttpLoad [--events N]
 * [--clients C] [--seconds-baseline S] [--warmup N] [--rounds R] [--db-sync-normal]}: a warm-up of
 * every path, then R rounds of (ping for S seconds, relay for S seconds, N events). See
 * docs/benchmarks.md.
 */
public final class HttpLoad {
  private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

  public static void main(String[] args) throws Exception {
    int events = intArg(args, "--events", 20_000);
    int clients = intArg(args, "--clients", 32);
    int baselineSeconds = intArg(args, "--seconds-baseline", 10);
    boolean normalSync = java.util.Arrays.asList(args).contains("--db-sync-normal");
    int routes = 10;

    int warmupEvents = intArg(args, "--warmup", 20_000);
    int rounds = intArg(args, "--rounds", 1);
    int total = warmupEvents + rounds * events;

    long[] sentAt = new long[total];
    long[] receivedAt = new long[total];
    AtomicInteger duplicates = new AtomicInteger();
    CountDownLatch[] phaseDone = new CountDownLatch[rounds + 1];
    phaseDone[0] = new CountDownLatch(warmupEvents);
    for (int r = 1; r <= rounds; r++) phaseDone[r] = new CountDownLatch(events);
    AtomicLong relayed = new AtomicLong();
    LeanSink sink = new LeanSink((path, body) -> {
      long now = System.nanoTime();
      if (path.equals("/relay")) {
        relayed.incrementAndGet();
        return;
      }
      Matcher m = SEQ.matcher(new String(body, StandardCharsets.UTF_8));
      if (m.find()) {
        int seq = Integer.parseInt(m.group(1));
        if (receivedAt[seq] == 0) {
          receivedAt[seq] = now;
          phaseDone[seq < warmupEvents ? 0 : 1 + (seq - warmupEvents) / events].countDown();
        } else {
          duplicates.incrementAndGet();
        }
      }
    });
    RelayCeiling relay = new RelayCeiling(sink.port());

    Path dir = Files.createTempDirectory("postee-load");
    StringBuilder cfg = new StringBuilder("name: load\nroutes:\n");
    for (int i = 0; i < routes; i++) {
      cfg.append("- name: route-").append(i).append('\n')
          .append("  input: input.kind == \"kind-").append(i).append("\"; contains(input.image, \"alpine\")\n")
          .append("  actions: [sink-").append(i).append("]\n")
          .append("  template: raw-json\n");
    }
    cfg.append("templates:\n- name: raw-json\n  rego-package: postee.rawmessage.json\nactions:\n");
    for (int i = 0; i < routes; i++) {
      cfg.append("- name: sink-").append(i).append("\n  type: webhook\n  enable: true\n  url: http://127.0.0.1:")
          .append(sink.port()).append("/sink\n");
    }
    Files.writeString(dir.resolve("cfg.yaml"), cfg);
    ServerSettings settings = new ServerSettings(ListenAddress.parse("127.0.0.1:0"), null, dir.resolve("cfg.yaml"),
        dir.resolve("data/postee.db"), dir.resolve("templates"), dir.resolve("filters"), null, null, false, false,
        ServerSettings.DEFAULT_MAX_BODY_BYTES, List.of(), null, ServerSettings.DEFAULT_HMAC_HEADER, null, false,
        intArg(args, "--workers", 64), 100_000, normalSync ? StoreOptions.Synchronous.NORMAL : StoreOptions.Synchronous.FULL, null, null);
    PosteeServer server = PosteeServer.start(settings, Map.of());
    int port = server.httpPort();
    ThreadLocal<KeepAlive> conn = ThreadLocal.withInitial(() -> new KeepAlive("127.0.0.1", port));
    ThreadLocal<KeepAlive> relayConn = ThreadLocal.withInitial(() -> new KeepAlive("127.0.0.1", relay.port()));
    AtomicInteger relaySeq = new AtomicInteger();
    Step relayOne = () -> {
      int seq = relaySeq.getAndIncrement();
      relayConn.get().post("/", eventBody(seq, routes));
    };
    ExecutorService pool = Executors.newFixedThreadPool(clients);

    System.out.printf(Locale.ROOT, "clients %d, database sync %s, %d routes, warm-up %d events, %d events per round%n",
        clients, normalSync ? "NORMAL" : "FULL", routes, warmupEvents, events);

    // warm-up of both paths (JIT, connection pools, database pages), not measured
    runUntil(pool, clients, System.nanoTime() + Duration.ofSeconds(Math.max(1, baselineSeconds / 2)).toNanos(),
        () -> conn.get().get("/ping"));
    runUntil(pool, clients, System.nanoTime() + Duration.ofSeconds(Math.max(1, baselineSeconds / 2)).toNanos(), relayOne);
    AtomicInteger rejected = new AtomicInteger();
    postEvents(pool, clients, conn, 0, warmupEvents, routes, sentAt, rejected);
    boolean complete = phaseDone[0].await(5, java.util.concurrent.TimeUnit.MINUTES);

    for (int round = 1; round <= rounds && complete; round++) {
      // 1. a request that does nothing, same clients, fixed time
      AtomicLong pings = new AtomicLong();
      long pingCpu = cpuNanos();
      long pingStart = System.nanoTime();
      long pingEnd = pingStart + Duration.ofSeconds(baselineSeconds).toNanos();
      runUntil(pool, clients, pingEnd, () -> {
        if (conn.get().get("/ping") == 200) pings.incrementAndGet();
      });
      double pingRate = pings.get() / ((System.nanoTime() - pingStart) / 1e9);
      double pingCpuMicros = (cpuNanos() - pingCpu) / 1e3 / Math.max(1, pings.get());

      // 2. the relay ceiling: the same two HTTP exchanges per event with no processing, fixed time
      long relayedBefore = relayed.get();
      long relayCpu = cpuNanos();
      long relayStart = System.nanoTime();
      runUntil(pool, clients, relayStart + Duration.ofSeconds(baselineSeconds).toNanos(), relayOne);
      double relayRate = (relayed.get() - relayedBefore) / ((System.nanoTime() - relayStart) / 1e9);
      double relayCpuMicros = (cpuNanos() - relayCpu) / 1e3 / Math.max(1, relayed.get() - relayedBefore);

      // 3. events end to end: from the first POST to the last delivery at the sink
      int first = warmupEvents + (round - 1) * events;
      rejected.set(0);
      long eventCpu = cpuNanos();
      long start = System.nanoTime();
      postEvents(pool, clients, conn, first, events, routes, sentAt, rejected);
      long ingestEnd = System.nanoTime();
      complete = phaseDone[round].await(5, java.util.concurrent.TimeUnit.MINUTES);
      long end = System.nanoTime();
      double eventCpuMicros = (cpuNanos() - eventCpu) / 1e3 / events;

      long[] latencies = new long[events];
      int n = 0;
      long last = start;
      for (int i = first; i < first + events; i++) {
        if (receivedAt[i] != 0) {
          latencies[n++] = receivedAt[i] - sentAt[i];
          last = Math.max(last, receivedAt[i]);
        }
      }
      Arrays.sort(latencies, 0, n);
      double e2eRate = n / ((complete ? last - start : end - start) / 1e9);
      double ingestRate = (events - rejected.get()) / ((ingestEnd - start) / 1e9);
      System.out.printf(Locale.ROOT, "round %d: ping %.0f req/s | relay ceiling %.0f events/s = %.1f%% of ping | ingest"
              + " %.0f events/s (rejected %d) | delivered %d%s | end to end %.0f events/s = %.1f%% of ping | POST -> sink"
              + " p50 %.1f ms, p99 %.1f ms, max %.1f ms | CPU (this JVM: server, clients, sink) per ping %.0f us,"
              + " per relay %.0f us, per event %.0f us%n",
          round, pingRate, relayRate, 100 * relayRate / pingRate, ingestRate, rejected.get(), n,
          complete ? "" : " (INCOMPLETE)", e2eRate, 100 * e2eRate / pingRate, pct(latencies, n, 0.50) / 1e6,
          pct(latencies, n, 0.99) / 1e6, n == 0 ? 0 : latencies[n - 1] / 1e6, pingCpuMicros, relayCpuMicros,
          eventCpuMicros);
    }
    System.out.printf(Locale.ROOT, "duplicates at the sink: %d%n", duplicates.get());
    pool.shutdownNow();
    server.close();
    relay.close();
    sink.close();
    System.exit(complete ? 0 : 1);
  }

  private static void postEvents(ExecutorService pool, int clients, ThreadLocal<KeepAlive> conn, int first, int count,
      int routes, long[] sentAt, AtomicInteger rejected) throws Exception {
    run(pool, clients, count, i -> {
      int seq = first + i;
      String body = eventBody(seq, routes);
      sentAt[seq] = System.nanoTime();
      int status = conn.get().post("/", body);
      if (status / 100 != 2) rejected.incrementAndGet();
      return status;
    });
  }

  private static String eventBody(int seq, int routes) {
    return "{\"seq\":" + seq + ",\"kind\":\"kind-" + (seq % routes) + "\",\"image\":\"alpine:3." + (seq % 20)
        + "\",\"vulnerability_summary\":{\"critical\":" + (seq % 3) + ",\"high\":4}}";
  }

  /** CPU time of this process (all its threads: the server, the load clients and the sink). */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double pct(long[] sorted, int n, double p) {
    if (n == 0) return 0;
    return sorted[Math.min(n - 1, (int) Math.ceil(p * n) - 1)];
  }

  @FunctionalInterface
  interface Call {
    int call(int seq) throws Exception;
  }

  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  /** Runs call(0..count-1) on `clients` threads, each taking the next number. */
  private static void run(ExecutorService pool, int clients, int count, Call call) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      fs.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < count) call.call(i);
        return null;
      }));
    }
    for (var f : fs) f.get();
  }

  private static void runUntil(ExecutorService pool, int clients, long endNanos, Step step) throws Exception {
    List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      fs.add(pool.submit(() -> {
        while (System.nanoTime() < endNanos) step.run();
        return null;
      }));
    }
    for (var f : fs) f.get();
  }

  /**
   * A minimal HTTP/1.1 client on one persistent connection (as wrk does): the client is not what is
   * measured. A connection left idle for longer than {@link #MAX_IDLE_NANOS} is replaced before
   * use, as servers close idle connections (Jetty after 30 s).
   */
  static final class KeepAlive {
    private static final long MAX_IDLE_NANOS = Duration.ofSeconds(10).toNanos();
    private final String hostName;
    private final int port;
    private final String host;
    private java.net.Socket socket;
    private java.io.OutputStream out;
    private java.io.BufferedInputStream in;
    private long lastUsed;

    KeepAlive(String host, int port) {
      this.hostName = host;
      this.port = port;
      this.host = host + ":" + port;
      try {
        connect();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    private void connect() throws java.io.IOException {
      if (socket != null) socket.close();
      socket = new java.net.Socket(hostName, port);
      socket.setTcpNoDelay(true);
      out = new java.io.BufferedOutputStream(socket.getOutputStream(), 16384);
      in = new java.io.BufferedInputStream(socket.getInputStream(), 16384);
      lastUsed = System.nanoTime();
    }

    private java.io.OutputStream out() throws java.io.IOException {
      long now = System.nanoTime();
      if (now - lastUsed > MAX_IDLE_NANOS) connect();
      lastUsed = now;
      return out;
    }

    int get(String path) throws java.io.IOException {
      java.io.OutputStream o = out();
      o.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      o.flush();
      return readResponse();
    }

    int post(String path, String body) throws java.io.IOException {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      java.io.OutputStream o = out();
      o.write(("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: "
          + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      o.write(b);
      o.flush();
      return readResponse();
    }

    private int readResponse() throws java.io.IOException {
      String status = line();
      int code = Integer.parseInt(status.split(" ")[1]);
      int length = 0;
      boolean chunked = false;
      String h;
      while (!(h = line()).isEmpty()) {
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) length = Integer.parseInt(h.substring(15).trim());
        if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
      }
      if (chunked) {
        while (true) {
          int size = Integer.parseInt(line().trim(), 16);
          in.skipNBytes(size);
          line();
          if (size == 0) break;
        }
      } else {
        in.skipNBytes(length);
      }
      return code;
    }

    private String line() throws java.io.IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') if (c != '\r') sb.append((char) c);
      return sb.toString();
    }
  }

  private static int intArg(String[] args, String name, int def) {
    for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return Integer.parseInt(args[i + 1]);
    return def;
  }

  private HttpLoad() {}
}
