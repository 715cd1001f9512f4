package dev.postee.bench;

import dev.postee.cluster.controller.Controller;
import dev.postee.cluster.controller.ControllerOptions;
import dev.postee.cluster.nats.Backplane;
import dev.postee.cluster.nats.BackplaneOptions;
import dev.postee.cluster.nats.NatsServerOptions;
import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.Delegation;
import dev.postee.cluster.runner.Runner;
import dev.postee.cluster.runner.RunnerOptions;
import dev.postee.core.action.DeliveryOutcome;
import dev.postee.core.engine.Engine;
import dev.postee.core.engine.EngineOptions;
import dev.postee.core.routing.ActionDispatcher;
import dev.postee.core.routing.CompiledConfig;
import dev.postee.core.routing.CompiledRoute;
import dev.postee.core.routing.Pipeline;
import dev.postee.core.store.StoreOptions;
import dev.postee.core.template.RenderedMessage;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.MessageConsumer;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Delegation round trip against a plain JetStream round trip, on one supervised {@code nats-server}
 * in one run (docs/benchmarks.md, "Delegation round trip").
 *
 * <ul>
 *   <li><b>plain</b>: publish (PubAck awaited) on a file-backed work-queue stream → a pull consumer
 *       on a second connection receives it → acknowledges it, the ack confirmed by the server
 *       ({@code ackSync}). The message has the size of a delegation.
 *   <li><b>delegation</b>: the real {@link Controller} and {@link Runner} (their engines, SQLite
 *       stores and NATS connections) in this JVM. {@code concurrency} threads call the controller's
 *       dispatcher for an action with {@code runs-on} in a route with {@code serialize-actions}, so
 *       each call returns once the runner's result is recorded in the controller's execution log:
 *       dispatch → JetStream → runner runs a {@code stdout} action (printing to a null stream) →
 *       ledger, result into the results bucket → controller's watch → execution log.
 * </ul>
 * Latency is per round trip (p50, p99); throughput is round trips per second over the measured
 * batch, {@code concurrency} in flight at any time.
 *
 * <p>Each batch also reports the CPU time per round trip of this JVM and of {@code nats-server}; with
 * several rounds, a last comparison pools them (every latency, summed counts and times).
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.postee.bench.DelegationRoundTrip
 * [COUNT [CONCURRENCY]] [--warmup N] [--rounds R] [--db-sync-normal]} (defaults 2000, 8, warm-up 1000, 1 round).
 */
public final class DelegationRoundTrip {
  private static final String RUNNER = "bench-runner";
  private static final String PLAIN_STREAM = "BENCH_PLAIN";
  private static final String PLAIN_SUBJECT = "bench.plain";
  private static final String EVENT = "{\"kind\":\"bench\",\"SigMetadata\":{\"ID\":\"TRC-2\"},"
      + "\"Context\":{\"hostName\":\"node-a\",\"processName\":\"xmrig\",\"pid\":4242}}";

  private DelegationRoundTrip() {}

  /** What one measured batch gave; CPU time used meanwhile by this JVM and by {@code nats-server}. */
  record Figures(String name, int count, int failed, long[] latenciesNanos, long wallNanos, long jvmCpuNanos,
                 long natsCpuNanos) {
    double throughput() {
      return (count - failed) / (wallNanos / 1e9);
    }

    double percentileMillis(double p) {
      long[] sorted = latenciesNanos.clone();
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(p / 100.0 * sorted.length);
      return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)] / 1e6;
    }

    double meanMillis() {
      return Arrays.stream(latenciesNanos).average().orElse(0) / 1e6;
    }

    /** Several batches as one: every latency, the summed counts, wall and CPU times. */
    static Figures pooled(String name, List<Figures> batches) {
      int count = batches.stream().mapToInt(Figures::count).sum();
      long[] all = batches.stream().flatMapToLong(f -> Arrays.stream(f.latenciesNanos())).toArray();
      return new Figures(name, count, batches.stream().mapToInt(Figures::failed).sum(), all,
          batches.stream().mapToLong(Figures::wallNanos).sum(), batches.stream().mapToLong(Figures::jvmCpuNanos).sum(),
          batches.stream().mapToLong(Figures::natsCpuNanos).sum());
    }

    /** CPU microseconds per round trip: this JVM (both engines, or both plain clients) and nats-server. */
    double jvmCpuMicros() {
      return jvmCpuNanos / 1e3 / count;
    }

    double natsCpuMicros() {
      return natsCpuNanos / 1e3 / count;
    }

    String line() {
      return String.format(Locale.ROOT, "%-11s %7d %6d %9.2f %9.2f %9.2f %9.2f %10.0f %9.0f %9.0f", name, count, failed,
          percentileMillis(50), percentileMillis(99), meanMillis(), percentileMillis(100), throughput(), jvmCpuMicros(),
          natsCpuMicros());
    }
  }

  /** One round trip; returns false when it did not complete as it should. */
  @FunctionalInterface
  interface RoundTrip {
    boolean run(int seq) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    List<String> positional = Stream.of(args).filter(a -> !a.startsWith("--")).toList();
    int count = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 2000;
    int concurrency = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 8;
    int warmup = intOption(args, "--warmup", 1000);
    int rounds = intOption(args, "--rounds", 1);
    StoreOptions.Synchronous sync = List.of(args).contains("--db-sync-normal")
        ? StoreOptions.Synchronous.NORMAL : StoreOptions.Synchronous.FULL;

    PrintStream report = System.out;
    // the runner's stdout action prints to this process's standard output: make that a null stream
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));

    Path dir = Files.createTempDirectory("postee-delegation-bench");
    int port = freePort();
    String url = "nats://127.0.0.1:" + port;
    report.printf(Locale.ROOT, "delegation round trip: %d per batch, concurrency %d, warm-up %d, %d round(s), "
        + "database sync %s; %s, load %s%n", count, concurrency, warmup, rounds, sync, Runtime.version(), loadAverage());

    NatsServerSupervisor nats = NatsServerSupervisor.start(NatsServerOptions.of(url, dir.resolve("nats"))
        .withServerName("postee-bench"));
    natsPid = nats.pid().orElse(0L);
    Controller controller = null;
    Runner runner = null;
    Connection producer = null;
    Connection consumer = null;
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      AtomicReference<ActionDispatcher> dispatcher = new AtomicReference<>();
      controller = startController(dir.resolve("controller"), url, dispatcher, sync);
      runner = startRunner(dir.resolve("runner"), url, concurrency, sync);
      if (!runner.awaitReady(Duration.ofSeconds(60))) throw new IllegalStateException("the runner did not get ready");

      CompiledConfig cfg = controller.engine().compiledConfig();
      CompiledRoute route = cfg.route("delegated");
      Value event = Json.parse(EVENT);
      RenderedMessage message = new RenderedMessage("TRC-2 on node-a", EVENT, null, Map.of());
      ActionDispatcher d = dispatcher.get();
      // ids as the engine makes them: time-ordered event ids (the store's are ULIDs), execution ids
      // derived from event, route and action (name-based UUIDs, so in no order)
      AtomicLong ids = new AtomicLong(System.currentTimeMillis() * 1000);
      RoundTrip delegation = seq -> {
        String eventId = "bench-" + ids.incrementAndGet();
        String executionId = Pipeline.executionId(eventId, route.name(), route.actions().getFirst().name());
        DeliveryOutcome outcome = d.dispatch(new ActionDispatcher.Dispatch(executionId, eventId, cfg,
            route, route.actions().getFirst(), RUNNER, message, event));
        return outcome.status() == DeliveryOutcome.Status.DELIVERED;
      };

      producer = connect(url, "bench producer");
      consumer = connect(url, "bench consumer");
      int size = Codec.encode(new Delegation(UUID.randomUUID().toString(), RUNNER, "delegated", "noop", "bench-event",
          message.title(), message.result(), null, Map.of(), EVENT, System.currentTimeMillis(), 3_600_000,
          controller.id(), controller.runnerConfig(RUNNER).version())).length;
      PlainRoundTrip plain = new PlainRoundTrip(producer, consumer, size);

      report.printf(Locale.ROOT, "warming up (%d of each)...%n", warmup);
      measure("plain", pool, concurrency, warmup, plain::run);
      measure("delegation", pool, concurrency, warmup, delegation);

      report.printf(Locale.ROOT, "%-11s %7s %6s %9s %9s %9s %9s %10s %9s %9s%n", "", "count", "failed", "p50 ms",
          "p99 ms", "mean ms", "max ms", "per s", "JVM µs", "NATS µs");
      List<Figures> plains = new java.util.ArrayList<>();
      List<Figures> delegations = new java.util.ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        Figures p = measure("plain", pool, concurrency, count, plain::run);
        Figures del = measure("delegation", pool, concurrency, count, delegation);
        plains.add(p);
        delegations.add(del);
        report.println(p.line());
        report.println(del.line());
        report.println(compare(del, p));
      }
      if (rounds > 1) {
        // the rounds pooled: the machine's state drifts between batches, this evens it out
        Figures p = Figures.pooled("plain, all", plains);
        Figures del = Figures.pooled("deleg., all", delegations);
        report.println(p.line());
        report.println(del.line());
        report.println(compare(del, p));
      }
      report.printf(Locale.ROOT, "load after: %s; message size %d bytes%n", loadAverage(), size);
      plain.close();
    } finally {
      pool.shutdownNow();
      if (producer != null) producer.close();
      if (consumer != null) consumer.close();
      if (runner != null) runner.close();
      if (controller != null) controller.close();
      nats.close();
      deleteRecursively(dir);
    }
  }

  private static String compare(Figures del, Figures p) {
    return String.format(Locale.ROOT, "delegation / plain: latency p50 %.2f×, p99 %.2f×; throughput %.0f %%; CPU per"
            + " round trip %.1f× (JVM %.1f×, nats-server %.1f×)",
        del.percentileMillis(50) / p.percentileMillis(50), del.percentileMillis(99) / p.percentileMillis(99),
        100 * del.throughput() / p.throughput(),
        (del.jvmCpuMicros() + del.natsCpuMicros()) / (p.jvmCpuMicros() + p.natsCpuMicros()),
        del.jvmCpuMicros() / p.jvmCpuMicros(), del.natsCpuMicros() / p.natsCpuMicros());
  }

  /** Runs {@code count} round trips with {@code concurrency} in flight. */
  static Figures measure(String name, ExecutorService pool, int concurrency, int count, RoundTrip trip)
      throws Exception {
    long jvmCpu0 = jvmCpuNanos();
    long natsCpu0 = natsCpuNanos();
    long[] latencies = new long[count];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    long start = System.nanoTime();
    Future<?>[] workers = new Future<?>[concurrency];
    for (int w = 0; w < concurrency; w++) {
      workers[w] = pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < count) {
          long t0 = System.nanoTime();
          boolean ok;
          try {
            ok = trip.run(i);
          } catch (Exception e) {
            ok = false;
            System.err.println(name + " round trip " + i + " failed: " + e);
          }
          latencies[i] = System.nanoTime() - t0;
          if (!ok) failed.incrementAndGet();
        }
        return null;
      });
    }
    for (Future<?> f : workers) f.get();
    long wall = System.nanoTime() - start;
    return new Figures(name, count, failed.get(), latencies, wall, jvmCpuNanos() - jvmCpu0, natsCpuNanos() - natsCpu0);
  }

  private static volatile long natsPid;

  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** User + system time of the nats-server process, from /proc (0 where there is none). */
  private static long natsCpuNanos() {
    if (natsPid == 0) return 0;
    try {
      String stat = Files.readString(Path.of("/proc/" + natsPid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
      return ticks * 10_000_000L; // USER_HZ = 100 on Linux
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Publish with PubAck → pull consumer on another connection → ackSync; the publisher waits for that. */
  static final class PlainRoundTrip implements AutoCloseable {
    private final JetStream js;
    private final MessageConsumer consumer;
    private final byte[] padding;
    private final Map<Integer, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger keys = new AtomicInteger();

    PlainRoundTrip(Connection producer, Connection consumerConnection, int size) throws Exception {
      JetStreamManagement jsm = producer.jetStreamManagement();
      jsm.addStream(StreamConfiguration.builder().name(PLAIN_STREAM).subjects(PLAIN_SUBJECT)
          .retentionPolicy(RetentionPolicy.WorkQueue).storageType(StorageType.File).build());
      jsm.addOrUpdateConsumer(PLAIN_STREAM, ConsumerConfiguration.builder().durable("bench")
          .ackPolicy(AckPolicy.Explicit).ackWait(Duration.ofSeconds(60)).build());
      this.js = producer.jetStream();
      this.padding = new byte[Math.max(Integer.BYTES, size)];
      ConsumerContext cc = consumerConnection.getStreamContext(PLAIN_STREAM).getConsumerContext("bench");
      this.consumer = cc.consume(m -> {
        int seq = ByteBuffer.wrap(m.getData()).getInt();
        try {
          m.ackSync(Duration.ofSeconds(10));
        } catch (Exception e) {
          CompletableFuture<Void> f = waiting.get(seq);
          if (f != null) f.completeExceptionally(e);
          return;
        }
        CompletableFuture<Void> f = waiting.get(seq);
        if (f != null) f.complete(null);
      });
    }

    boolean run(int seq) throws Exception {
      CompletableFuture<Void> done = new CompletableFuture<>();
      int key = keys.incrementAndGet(); // warm-up and measured batches reuse sequence numbers
      waiting.put(key, done);
      try {
        byte[] data = padding.clone();
        ByteBuffer.wrap(data).putInt(key);
        js.publish(PLAIN_SUBJECT, data);
        done.get(30, TimeUnit.SECONDS);
        return true;
      } finally {
        waiting.remove(key);
      }
    }

    @Override
    public void close() {
      consumer.stop();
    }
  }

  private static Controller startController(Path dir, String url, AtomicReference<ActionDispatcher> dispatcher,
      StoreOptions.Synchronous sync)
      throws Exception {
    Files.createDirectories(dir);
    Path cfg = dir.resolve("cfg.yaml");
    Files.writeString(cfg, """
        name: bench
        runners:
        - name: RUNNER
        routes:
        - name: delegated
          input: contains(input.kind, "bench")
          serialize-actions: true
          actions: [noop]
        actions:
        - name: noop
          type: stdout
          enable: true
          runs-on: RUNNER
        """.replace("RUNNER", RUNNER));
    EngineOptions engineOptions = EngineOptions.standalone(cfg, dir.resolve("data/postee.db"))
        .withTemplatesDir(dir.resolve("templates"))
        .withFiltersDir(dir.resolve("filters"))
        .withEnvironment(Map.of())
        .withConfigPollInterval(null)
        .withRole("controller")
        .withRunsHere(Controller.runsHere())
        .withStoreOptions(StoreOptions.defaults().withSynchronous(sync));
    Backplane backplane = Backplane.start(BackplaneOptions.forController("bench", url));
    return Controller.start(ControllerOptions.defaults(), backplane, null, factory -> Engine.start(
        engineOptions.withDispatcher((local, store) -> {
          ActionDispatcher d = factory.create(local, store);
          dispatcher.set(d);
          return d;
        })));
  }

  private static Runner startRunner(Path dir, String url, int concurrency, StoreOptions.Synchronous sync) {
    return Runner.start(RunnerOptions.of(RUNNER, dir, BackplaneOptions.forRunner(RUNNER, url))
        .withVersion("bench")
        .withEngineOptions(o -> o.withStoreOptions(o.storeOptions().withSynchronous(sync)))
        .withTimings(RunnerOptions.Timings.defaults().withDelegationConcurrency(Math.max(4, concurrency))));
  }

  private static Connection connect(String url, String name) throws IOException, InterruptedException {
    return Nats.connect(new Options.Builder().server(url).connectionName(name).build());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2] + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static int intOption(String[] args, String name, int dflt) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) return Integer.parseInt(args[i + 1]);
    }
    return dflt;
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not remove " + dir + ": " + e.getMessage());
    }
  }
}
