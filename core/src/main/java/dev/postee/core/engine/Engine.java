package dev.postee.core.engine;

import dev.postee.core.action.ActionEnvironment;
import dev.postee.core.action.Delivery;
import dev.postee.core.action.ExecAction;
import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.action.ExecutionRecorder;
import dev.postee.core.config.ConfigLoadResult;
import dev.postee.core.config.ConfigLoader;
import dev.postee.core.config.ConfigProblem;
import dev.postee.core.config.PosteeConfig;
import dev.postee.core.routing.ActionDispatcher;
import dev.postee.core.routing.CompiledConfig;
import dev.postee.core.routing.ConfigCompiler;
import dev.postee.core.routing.LocalDispatcher;
import dev.postee.core.routing.Pipeline;
import dev.postee.core.routing.RegoChecker;
import dev.postee.core.store.AggregationBatch;
import dev.postee.core.store.ExecutionQuery;
import dev.postee.core.store.QueueFullException;
import dev.postee.core.store.Store;
import dev.postee.core.store.StoredEvent;
import dev.postee.core.template.TemplateSet;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Postee: configuration (hot-reloaded), the durable ingest queue, the routing pipeline
 * with its workers, aggregation timers and metrics. The HTTP layer talks to it through {@link
 * #ingest}, {@link #reload}, {@link #recentEvents}, {@link #executions} and {@link #metrics}.
 *
 * <p>Events are on disk before {@link #ingest}'s future completes and are removed only when every
 * route has handled them; unfinished events are picked up again at start.
 */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  /** Bodies held in memory for queued events; beyond this, queued events are re-read from the store. */
  private static final long MAX_QUEUED_BODY_BYTES = 64L * 1024 * 1024;

  private final EngineOptions options;
  private final Store store;
  private final Metrics metrics;
  private final ActionEnvironment actionEnv;
  private final Delivery delivery;
  private final ExecutionRecorder recorder;
  private final Pipeline pipeline;
  private final AtomicReference<CompiledConfig> current = new AtomicReference<>();
  private final LinkedBlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
  private final AtomicLong queuedBodyBytes = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("postee-worker-", 0).factory());
  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, Thread.ofPlatform().daemon().name("postee-timer").factory());
  private final AtomicBoolean closing = new AtomicBoolean();
  private final RecentEvents recent = new RecentEvents(200);
  private final List<Consumer<CompiledConfig>> configListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<StoredEvent>> ingestListeners = new CopyOnWriteArrayList<>();
  private final Object reloadLock = new Object();
  private volatile String configHash;
  private volatile List<ConfigProblem> lastProblems = List.of();
  private volatile boolean ready;

  /** Thrown by {@link #start} when the configuration cannot be used; lists every problem. */
  public static final class StartException extends Exception {
    private final List<ConfigProblem> problems;

    public StartException(String message, List<ConfigProblem> problems) {
      super(message);
      this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() { return problems; }
  }

  /** Ingest for a route that does not exist (POST /tenant/{route}). */
  public static final class UnknownRouteException extends RuntimeException {
    public UnknownRouteException(String route) {
      super("no route named '" + route + "' in the configuration", null, false, false);
    }
  }

  /** Ingest while shutting down. */
  public static final class ClosingException extends RuntimeException {
    public ClosingException() { super("postee is shutting down", null, false, false); }
  }

  /** The result of a reload. */
  public record ReloadResult(boolean applied, String message, List<ConfigProblem> problems) {}

  /** @param resumed recovered at start-up: it may have progress from before the restart */
  private record Job(StoredEvent event, Value parsed, long heldBytes, boolean resumed) {}

  private Engine(EngineOptions options, CompiledConfig initial, Store store, ActionEnvironment actionEnv, String hash,
      List<ConfigProblem> problems) {
    this.options = options;
    this.store = store;
    this.metrics = new Metrics();
    this.actionEnv = actionEnv;
    this.configHash = hash;
    this.lastProblems = problems;
    ExecutionRecorder recorder = record -> {
      store.record(record);
      metrics.execution(record);
    };
    this.recorder = recorder;
    this.delivery = new Delivery(recorder, options.clock());
    LocalDispatcher local = new LocalDispatcher(delivery, recorder, options.clock(), options.role());
    ActionDispatcher dispatcher = options.dispatcher() == null ? local : options.dispatcher().create(local, store);
    this.pipeline = new Pipeline(store, dispatcher, recorder, options.clock(), options.filterEval(), metrics, options.role());
    this.current.set(initial);
    metrics.gauge("postee_queue_depth", "Events accepted and not yet fully handled", store::unfinishedCount);
    metrics.gauge("postee_events_in_flight", "Events being processed right now", inFlight::get);
    metrics.gauge("postee_ready", "1 when the instance accepts and processes events", () -> ready ? 1 : 0);
  }

  /** Loads and compiles the configuration, opens the store, recovers unfinished work, starts workers. */
  public static Engine start(EngineOptions options) throws StartException {
    byte[] raw = readConfig(options);
    ConfigLoadResult loaded = loader(options).load(options.configFile());
    if (!loaded.isLoaded()) throw new StartException("invalid configuration " + options.configFile(), loaded.problems());
    PosteeConfig config = loaded.configOrThrow();
    ActionEnvironment env;
    try {
      env = ActionEnvironment.create(options.workDir());
    } catch (IOException e) {
      throw new StartException("cannot create the work directory " + options.workDir() + ": " + e.getMessage(), List.of());
    }
    // Run directories of scripts whose execution nobody will redeliver any more (crashes long ago).
    ExecAction.removeStaleRuns(env.workDirectory());
    ConfigCompiler.Result compiled = ConfigCompiler.compile(config, compilerOptions(options, env));
    List<ConfigProblem> problems = new ArrayList<>(loaded.problems());
    problems.addAll(compiled.problems());
    if (!compiled.ok()) {
      env.close();
      throw new StartException("configuration " + options.configFile() + " cannot be used", problems);
    }
    for (ConfigProblem p : problems) LOG.warn("{}", p.format());
    Store store;
    try {
      store = Store.open(options.databaseFile(), options.storeOptions()
          .withMaxQueuedEvents(options.maxQueuedEvents())
          .withMaxDbSizeBytes(config.maxDbSizeBytes())
          .withVerifyInterval(config.dbVerifyInterval()));
    } catch (RuntimeException e) {
      compiled.compiled().retire();
      env.close();
      throw new StartException("cannot open the database " + options.databaseFile() + ": " + e.getMessage(), List.of());
    }
    Engine engine = new Engine(options, compiled.compiled(), store, env, hash(raw), problems);
    engine.begin();
    return engine;
  }

  private static ConfigLoader loader(EngineOptions o) {
    return ConfigLoader.defaults().withEnvironment(o.environment()).strict(o.strictConfig()).withRegoSyntaxChecker(RegoChecker.INSTANCE);
  }

  private static ConfigCompiler.Options compilerOptions(EngineOptions o, ActionEnvironment env) {
    return new ConfigCompiler.Options(o.filtersDir(), TemplateSet.Options.defaults(o.templatesDir()), o.actionTypes(), env,
        o.runsHere(), o.role());
  }

  private static byte[] readConfig(EngineOptions o) {
    try {
      return Files.readAllBytes(o.configFile());
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static String hash(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void begin() {
    for (int i = 0; i < options.workers(); i++) workers.submit(this::workLoop);
    int recovered = 0;
    String after = null;
    while (true) {
      List<StoredEvent> page = after == null ? store.unfinished(500) : store.unfinishedAfter(after, 500);
      if (page.isEmpty()) break;
      for (StoredEvent ev : page) {
        jobs.add(new Job(ev.withoutBody(), null, 0, true));
        after = ev.id();
        recovered++;
      }
    }
    if (recovered > 0) LOG.info("recovered {} unfinished event(s) from {}", recovered, options.databaseFile());
    List<AggregationBatch> batches = store.unfinishedBatches();
    for (AggregationBatch b : batches) workers.submit(() -> deliverBatch(b));
    if (!batches.isEmpty()) LOG.info("re-sending {} aggregated batch(es) that were taken but not delivered", batches.size());
    long tick = options.aggregationTick().toMillis();
    timers.scheduleWithFixedDelay(this::flushDueBatches, tick, tick, TimeUnit.MILLISECONDS);
    if (options.configPollInterval() != null) {
      long poll = options.configPollInterval().toMillis();
      timers.scheduleWithFixedDelay(this::checkConfigFile, poll, poll, TimeUnit.MILLISECONDS);
    }
    ready = true;
    LOG.info("postee {} ready: configuration '{}' with {} route(s)", options.role(), nameOf(current.get().config()),
        current.get().routes().size());
  }

  private static String nameOf(PosteeConfig c) {
    return c.name() == null || c.name().isBlank() ? c.source() : c.name();
  }

  // ---------------------------------------------------------------- ingest

  /**
   * Stores an event durably; the future completes once it is on disk (answer 2xx then). The event is
   * then routed asynchronously.
   *
   * @param parsed the already-parsed body (saves parsing it again), or null
   * @param route the only route to consider (POST /tenant/{route}), or null
   * @throws UnknownRouteException for an unknown route
   * @throws QueueFullException when too many events are waiting (answer 503)
   * @throws ClosingException while shutting down (answer 503)
   */
  public CompletableFuture<StoredEvent> ingest(byte[] body, Value parsed, String route) {
    return ingest(body, parsed, route, null);
  }

  /**
   * Ingests an event a runner reported upstream (the runner-local flow): the actions that run on
   * {@code origin} already ran there and are skipped here.
   */
  public CompletableFuture<StoredEvent> ingest(byte[] body, Value parsed, String route, String origin) {
    if (closing.get()) {
      metrics.rejected("shutting_down");
      throw new ClosingException();
    }
    if (route != null && current.get().route(route) == null) {
      metrics.rejected("unknown_route");
      throw new UnknownRouteException(route);
    }
    CompletableFuture<StoredEvent> stored;
    try {
      stored = store.enqueue(body, route, origin);
    } catch (QueueFullException e) {
      metrics.rejected("queue_full");
      throw e;
    }
    return stored.thenApply(ev -> {
      for (Consumer<StoredEvent> l : ingestListeners) {
        try {
          l.accept(ev);
        } catch (RuntimeException e) {
          LOG.error("ingest listener failed for event {}", ev.id(), e);
        }
      }
      metrics.eventsReceived.inc();
      recent.received(ev);
      long held = queuedBodyBytes.get() < MAX_QUEUED_BODY_BYTES ? body.length : 0;
      queuedBodyBytes.addAndGet(held);
      jobs.add(new Job(held > 0 || body.length == 0 ? ev : ev.withoutBody(), held > 0 ? parsed : null, held, false));
      return ev;
    });
  }

  private void workLoop() {
    while (!closing.get() || !jobs.isEmpty()) {
      Job job;
      try {
        job = jobs.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (job == null) continue;
      if (closing.get()) {
        // not started: stays in the store and is processed after the next start
        queuedBodyBytes.addAndGet(-job.heldBytes());
        continue;
      }
      process(job);
    }
  }

  private void process(Job job) {
    queuedBodyBytes.addAndGet(-job.heldBytes());
    StoredEvent ev = job.event();
    if (ev.body().length == 0) {
      var full = store.event(ev.id());
      if (full.isEmpty()) return; // already completed
      ev = full.get();
    }
    Value event = job.parsed();
    if (event == null) {
      try {
        event = Json.parse(ev.body());
      } catch (Json.ParseException e) {
        LOG.error("event {} in the store is not valid JSON ({}); removing it", ev.id(), e.getMessage());
        store.complete(ev.id());
        return;
      }
    }
    CompiledConfig cfg = acquireConfig();
    inFlight.incrementAndGet();
    try {
      Pipeline.Outcome outcome = pipeline.process(cfg, ev, event, job.resumed());
      recent.processed(ev.id(), outcome.matchedRoutes());
      if (outcome.completed()) {
        metrics.eventsProcessed.inc();
        metrics.processingSeconds.observe(Duration.between(ev.receivedAt(), options.clock().instant()).toNanos() / 1e9);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("processing event {} failed; it stays queued and is retried after a restart", ev.id(), e);
      recent.failed(ev.id(), e.toString());
    } finally {
      inFlight.decrementAndGet();
      cfg.release();
    }
  }

  private CompiledConfig acquireConfig() {
    while (true) {
      CompiledConfig c = current.get();
      if (c.acquire()) return c;
    }
  }

  // ---------------------------------------------------------------- aggregation

  private void flushDueBatches() {
    try {
      CompiledConfig cfg = current.get();
      Map<String, Duration> windows = new java.util.HashMap<>();
      for (var r : cfg.routes()) {
        Duration w = r.config().plugins().aggregateMessageTimeout();
        if (w != null) windows.put(r.name(), w);
      }
      if (windows.isEmpty()) return;
      Instant now = options.clock().instant();
      for (String route : store.dueRoutes(now, windows::get)) {
        store.takeBatchIfDue(route, windows.get(route), now).ifPresent(b -> workers.submit(() -> deliverBatch(b)));
      }
    } catch (RuntimeException e) {
      LOG.error("checking aggregation windows failed", e);
    }
  }

  private void deliverBatch(AggregationBatch batch) {
    CompiledConfig cfg = acquireConfig();
    try {
      pipeline.deliverBatch(cfg, batch);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("delivering aggregated batch {} of route '{}' failed; it is retried after a restart", batch.batchId(), batch.route(), e);
    } finally {
      cfg.release();
    }
  }

  // ---------------------------------------------------------------- configuration

  private void checkConfigFile() {
    try {
      String h = hash(readConfig(options));
      if (!h.equals(configHash)) {
        LOG.info("configuration file {} changed; reloading", options.configFile());
        reload();
      }
    } catch (RuntimeException e) {
      LOG.error("checking the configuration file failed", e);
    }
  }

  /**
   * Re-reads the configuration. A file with errors is rejected and the running configuration stays;
   * a good one is swapped in atomically (events in flight finish with the old one).
   */
  public ReloadResult reload() {
    synchronized (reloadLock) {
      byte[] raw = readConfig(options);
      configHash = hash(raw);
      ConfigLoadResult loaded = loader(options).load(options.configFile());
      List<ConfigProblem> problems = new ArrayList<>(loaded.problems());
      if (!loaded.isLoaded()) {
        return rejected(problems);
      }
      ConfigCompiler.Result compiled = ConfigCompiler.compile(loaded.configOrThrow(), compilerOptions(options, actionEnv));
      problems.addAll(compiled.problems());
      if (!compiled.ok()) return rejected(problems);
      CompiledConfig old = current.getAndSet(compiled.compiled());
      old.retire();
      lastProblems = List.copyOf(problems);
      metrics.reloads.labelValues("applied").inc();
      for (ConfigProblem p : problems) LOG.warn("{}", p.format());
      String msg = "configuration reloaded: " + compiled.compiled().routes().size() + " route(s)";
      LOG.info(msg);
      for (Consumer<CompiledConfig> l : configListeners) {
        try {
          l.accept(compiled.compiled());
        } catch (RuntimeException e) {
          LOG.error("configuration listener failed", e);
        }
      }
      return new ReloadResult(true, msg, List.copyOf(problems));
    }
  }

  private ReloadResult rejected(List<ConfigProblem> problems) {
    metrics.reloads.labelValues("rejected").inc();
    StringBuilder sb = new StringBuilder("configuration " + options.configFile() + " rejected; the running configuration stays");
    for (ConfigProblem p : problems) {
      if (p.isError()) sb.append("\n  ").append(p.format());
    }
    LOG.error(sb.toString());
    return new ReloadResult(false, "configuration rejected; the running configuration stays", List.copyOf(problems));
  }

  /**
   * Called with every event {@link #ingest} stored, before its future completes: what the listener
   * writes to the store is durable by the time the producer is answered (a runner records the event
   * in its upstream outbox). Not called for events recovered at start. A listener that throws is
   * logged; the event is still accepted.
   */
  public void onIngest(Consumer<StoredEvent> listener) { ingestListeners.add(listener); }

  /** Called with the new configuration after every applied reload (controllers push it to runners). */
  public void onConfigChange(Consumer<CompiledConfig> listener) { configListeners.add(listener); }

  public CompiledConfig compiledConfig() { return current.get(); }

  public PosteeConfig config() { return current.get().config(); }

  /** Warnings of the configuration in use. */
  public List<ConfigProblem> configProblems() { return lastProblems; }

  // ---------------------------------------------------------------- views

  public boolean ready() { return ready && !closing.get(); }

  public Metrics metrics() { return metrics; }

  public Store store() { return store; }

  /**
   * Where execution records go: the store's execution log and the action metrics. For records of
   * work done elsewhere (a controller records the results its runners report).
   */
  public ExecutionRecorder recorder() { return recorder; }

  public EngineOptions options() { return options; }

  public int queueDepth() { return store.unfinishedCount(); }

  public List<RecentEvents.Entry> recentEvents(int limit) { return recent.latest(limit); }

  public List<ExecutionRecord> executions(ExecutionQuery query) { return store.recentExecutions(query); }

  /** {@code postee test} against the running configuration. */
  public List<DryRun.RoutePlan> dryRun(Value event, String route) {
    return DryRun.run(current.get(), event, route, options.filterEval());
  }

  // ---------------------------------------------------------------- shutdown

  /**
   * Stops accepting events and lets in-flight action attempts finish (up to the shutdown timeout).
   * Retries that would wait for a backoff are not started: that work, and anything cut short, stays
   * in the store and is redone after the next start. Then the store is closed.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) return;
    ready = false;
    LOG.info("shutting down: waiting up to {} for {} event(s) in flight", options.shutdownTimeout(), inFlight.get());
    timers.shutdownNow();
    delivery.shutdown();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(options.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("in-flight work did not finish within {}; interrupting it (it is redone after the next start)",
            options.shutdownTimeout());
        workers.shutdownNow();
        workers.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
    }
    pipeline.close();
    current.get().retire();
    actionEnv.close();
    store.close();
    LOG.info("postee stopped");
  }
}
