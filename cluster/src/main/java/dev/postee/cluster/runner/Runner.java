package dev.postee.cluster.runner;

import dev.postee.cluster.nats.Backplane;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.Heartbeat;
import dev.postee.cluster.protocol.RunnerConfig;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.config.ConfigProblem;
import dev.postee.core.engine.Engine;
import dev.postee.core.engine.EngineOptions;
import dev.postee.core.routing.CompiledConfig;
import dev.postee.core.routing.LocalDispatcher;
import dev.postee.core.store.StoredEvent;
import dev.postee.core.store.Store;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Postee runner: its engine, configured by the controller, plus the runner's side of the
 * backplane protocol (design items 2, 3, 5, 6 and 7).
 *
 * <h2>What it does</h2>
 * <ul>
 *   <li><b>Configuration.</b> At start it asks a controller for its configuration
 *       ({@link Subjects#configRequest}), writes it to {@code <data>/runner-config/} and starts its
 *       engine on it. When no controller answers it starts from the configuration stored there (the
 *       last good one); with none stored it keeps asking and is not ready. Pushed configurations
 *       ({@link Subjects#configPush}) and the answers to a re-request every 30 s are applied without
 *       restart ({@link Engine#reload}); one the engine refuses is rolled back and the running one
 *       stays.
 *   <li><b>Delegations.</b> It takes the work the controller delegated to it from its durable
 *       consumer, runs it once in effect and reports every result ({@link DelegationWorker}).
 *   <li><b>Runner-local flow.</b> Its engine runs the actions whose runs-on is this runner and skips
 *       the others ({@link RunnerDispatcher}); each event ingested is reported upstream once, on
 *       {@link Subjects#events} with headers {@code Nats-Msg-Id} (the event id), {@value
 *       #RUNNER_HEADER} (this runner) and, for {@code POST /tenant/{route}}, {@value #ROUTE_HEADER}.
 *   <li><b>Liveness.</b> It publishes a {@link Heartbeat} every 5 s and writes the discovery file.
 * </ul>
 * Results and reported events are kept in the runner's store (outboxes) until NATS confirmed them,
 * so a backplane outage or a restart loses neither.
 *
 * <h2>Use (the app's runner mode)</h2>
 * <pre>{@code
 * Runner runner = Runner.start(RunnerOptions.of(name, dataDir, BackplaneOptions.forRunner(name, url)...)
 *     .withLabels(labels).withWebhookUrl(ownHttpAddress).withDiscoveryFile(file)
 *     .withDatabaseFile(pathToDb).withVersion(Version.get())
 *     .withEngineOptions(o -> o.withWorkers(n).withMaxQueuedEvents(m).withShutdownTimeout(t)));
 * // 1. start() returns at once; the configuration arrives in the background.
 * // 2. Serve HTTP now: while runner.engine() is empty or !runner.ready(), answer 503 (ingest, /readyz)
 * //    with runner.notReadyReason(); or bind the HTTP API once the engine exists:
 * runner.onEngineStarted(engine -> startHttpApi(engine));   // called once, on a runner thread
 * // 3. The HTTP API uses the engine as in standalone mode (ingest, events, executions, metrics); on a
 * //    runner, POST /reload should call runner.refreshConfiguration(timeout): the controller owns the
 * //    configuration (engine.reload() would only re-read the stored copy).
 * // 4. Shutdown: stop accepting HTTP requests first, then
 * runner.close();   // stops taking delegations (waits for running ones), stops the engine, disconnects
 * }</pre>
 * {@link #engine()} never changes once set: configuration changes reload the same engine.
 */
public final class Runner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Runner.class);
  /** Header naming the runner that reported an event upstream. */
  public static final String RUNNER_HEADER = "Postee-Runner";
  /** Header naming the only route to consider, for an event posted to {@code /tenant/{route}}. */
  public static final String ROUTE_HEADER = "Postee-Route";
  static final String OUTBOX_RESULTS = "outbox-results";
  static final String OUTBOX_EVENTS = "outbox-events";
  private static final Duration REMINDER = Duration.ofMinutes(1);
  /** A refused configuration is tried again after this (it may have failed for a passing reason, e.g. a template URL). */
  private static final Duration RETRY_REFUSED = Duration.ofMinutes(5);

  /** An event waiting in the upstream outbox. */
  record UpstreamEvent(String eventId, String route, byte[] body) {}

  /** What a configuration request brought: an answer (possibly "unchanged" = null config), or why none came. */
  private record Reply(boolean answered, RunnerConfig config, String problem) {
    static Reply none(String problem) { return new Reply(false, null, problem); }

    static Reply of(RunnerConfig config) { return new Reply(true, config, null); }
  }

  private final RunnerOptions options;
  private final String name;
  private final String hostname;
  private final Map<String, String> labels;
  private final long startedAtMillis;
  private final RunnerConfigFiles files;
  private final ScheduledThreadPoolExecutor configThread = singleThread("postee-runner-config");
  private final ScheduledThreadPoolExecutor heartbeatThread = singleThread("postee-runner-heartbeat");
  private final CountDownLatch engineStarted = new CountDownLatch(1);
  private final List<Consumer<Engine>> engineListeners = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private Backplane backplane;

  // guarded by the config thread (written there only)
  private Optional<RunnerConfigFiles.Meta> stored;
  private boolean storedTried;
  private int failures;
  private long lastWaitingLog;

  private volatile Engine engine;
  private volatile Store store;
  private volatile LocalDispatcher runnerLocal;
  private volatile Outbox events;
  private volatile Outbox results;
  private volatile DelegationWorker worker;
  private volatile String configVersion = "";
  private volatile String rejectedVersion;
  private volatile long rejectedAt;
  private volatile boolean confirmed;
  private volatile String notReady = "waiting for its configuration from the controller";
  private volatile String webhookUrl;

  private Runner(RunnerOptions options) {
    this.options = options;
    this.name = options.name();
    this.hostname = hostname();
    this.labels = Map.copyOf(options.effectiveLabels(hostname));
    this.startedAtMillis = options.clock().millis();
    this.files = new RunnerConfigFiles(options.dataDir());
    this.webhookUrl = options.webhookUrl();
  }

  /**
   * Starts the runner and returns at once: it connects to the backplane, heartbeats, writes the
   * discovery file and obtains its configuration in the background (see the class comment).
   *
   * @throws UncheckedIOException when the data directory or the discovery file cannot be written
   */
  public static Runner start(RunnerOptions options) {
    Runner r = new Runner(options);
    r.begin();
    return r;
  }

  private void begin() {
    try {
      Files.createDirectories(options.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the runner's data directory " + options.dataDir() + ": "
          + e.getMessage(), e);
    }
    LOG.info("runner '{}' starting: backplane {}, data directory {}, labels {}", name,
        String.join(",", options.backplane().urls()), options.dataDir(), labels);
    writeDiscoveryFile();
    backplane = Backplane.start(options.backplane());
    backplane.onConnection(this::subscribeToPushes);
    // announce the runner as soon as it is connected rather than at the next beat
    backplane.onConnection(conn -> {
      if (!closed.get()) heartbeatThread.execute(this::heartbeat);
    });
    long beat = options.timings().heartbeatInterval().toMillis();
    heartbeatThread.scheduleAtFixedRate(this::heartbeat, 0, beat, TimeUnit.MILLISECONDS);
    configThread.execute(this::configTick);
  }

  // ---------------------------------------------------------------- what the app uses

  public String name() { return name; }

  /** The engine, once the runner has a configuration; the same engine for the runner's lifetime. */
  public Optional<Engine> engine() { return Optional.ofNullable(engine); }

  /** True when the engine runs and accepts events. */
  public boolean ready() {
    Engine e = engine;
    return !closed.get() && e != null && e.ready();
  }

  /** Why the runner is not ready (for 503 answers and /readyz), or null when it is. */
  public String notReadyReason() {
    if (closed.get()) return "the runner is shutting down";
    Engine e = engine;
    if (e == null) return notReady;
    return e.ready() ? null : "the engine is not running";
  }

  /** Waits until the engine runs; false when it did not within {@code timeout}. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return engineStarted.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && ready();
  }

  /** Calls {@code listener} once with the engine when it starts (at once if it runs already). */
  public void onEngineStarted(Consumer<Engine> listener) {
    Engine now;
    synchronized (engineListeners) {
      now = engine;
      if (now == null) engineListeners.add(listener);
    }
    if (now != null) listener.accept(now);
  }

  /** Version of the configuration in use ("" before there is one). */
  public String configVersion() { return configVersion; }

  /** The backplane connection (for the app's health output). */
  public Backplane backplane() { return backplane; }

  /** Sets the runner's HTTP address once known (e.g. after binding port 0): heartbeats and discovery file. */
  public void setWebhookUrl(String url) {
    this.webhookUrl = url;
    writeDiscoveryFile();
  }

  /** Results waiting in the outbox to be sent. */
  public int unsentResults() {
    Outbox o = results;
    return o == null ? 0 : o.pending();
  }

  /** Ingested events not yet reported upstream. */
  public int unreportedEvents() {
    Outbox o = events;
    return o == null ? 0 : o.pending();
  }

  // ---------------------------------------------------------------- configuration

  private void configTick() {
    if (closed.get()) return;
    Duration next;
    try {
      next = engine == null ? bootstrapStep() : refreshStep();
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      // a scheduled task that throws is never run again: log, and keep the schedule going
      LOG.error("runner '{}': handling its configuration failed; trying again", name, e);
      next = backoff();
    }
    if (closed.get()) return;
    try {
      configThread.schedule(this::configTick, next.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** No engine yet: ask the controller; failing that, start from the stored configuration. */
  private Duration bootstrapStep() {
    if (stored == null) stored = files.load();
    Reply reply = requestConfig();
    if (reply.answered()) {
      confirmed = true;
      apply(reply.config(), "the controller");
      if (engine != null) {
        failures = 0;
        return options.timings().configRefreshInterval();
      }
    }
    if (engine == null && stored.isPresent() && !storedTried) {
      storedTried = true;
      RunnerConfigFiles.Meta m = stored.get();
      RunnerConfig answer = reply.config();
      String why = !reply.answered() ? reply.problem()
          : answer != null && answer.error() != null ? "the controller cannot serve this runner (" + answer.error() + ")"
          : "the controller's configuration cannot be used";
      LOG.warn("runner '{}': {}; starting from the last good configuration (version {}, received {}) in {};"
          + " it is replaced as soon as the controller answers", name, why, m.version(),
          Instant.ofEpochMilli(m.receivedAtMillis()), files.directory());
      if (startEngine(m.version(), "the stored configuration")) return backoff();
    }
    if (engine == null) {
      notReady = reply.answered() && reply.config() != null && reply.config().error() != null
          ? "the controller cannot serve this runner: " + reply.config().error()
          : "waiting for its configuration from the controller (" + (reply.answered()
              ? "its configuration was refused" : reply.problem()) + ")";
      long now = System.nanoTime();
      if (lastWaitingLog == 0 || now - lastWaitingLog > REMINDER.toNanos()) {
        lastWaitingLog = now;
        LOG.warn("runner '{}' is not ready: {}; no configuration is stored in {}; asking again (ingest answers 503 until"
            + " then)", name, notReady, files.directory());
      }
    }
    return backoff();
  }

  /** Engine running: ask whether the configuration is current (quickly while unconfirmed). */
  private Duration refreshStep() {
    Reply reply = requestConfig();
    if (reply.answered()) {
      if (!confirmed) LOG.info("runner '{}': the controller answers again", name);
      confirmed = true;
      failures = 0;
      apply(reply.config(), "the controller");
      return options.timings().configRefreshInterval();
    }
    if (!confirmed) return backoff();
    LOG.debug("runner '{}': configuration refresh got no answer: {}", name, reply.problem());
    return options.timings().configRefreshInterval();
  }

  private Duration backoff() {
    failures = Math.min(failures + 1, 30);
    Duration d = options.timings().retryMin().multipliedBy(1L << Math.min(failures - 1, 20));
    return d.compareTo(options.timings().retryMax()) > 0 ? options.timings().retryMax() : d;
  }

  /**
   * Asks the controller for the runner's configuration now and applies a changed one, waiting at most
   * {@code timeout} (the delegation worker's unknown action; the app's {@code POST /reload} on a runner).
   */
  public void refreshConfiguration(Duration timeout) throws InterruptedException {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      configThread.execute(() -> {
        try {
          Reply reply = requestConfig();
          if (reply.answered()) {
            confirmed = true;
            apply(reply.config(), "the controller");
          }
        } catch (RuntimeException e) {
          LOG.error("runner '{}': refreshing its configuration failed", name, e);
        } finally {
          done.complete(null);
        }
      });
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
      LOG.debug("runner '{}': configuration refresh did not finish: {}", name, e.toString());
    }
  }

  private Reply requestConfig() {
    try {
      if (!backplane.awaitConnected(options.timings().configRequestTimeout())) {
        String p = backplane.lastProblem();
        return Reply.none("the NATS backplane at " + String.join(",", options.backplane().urls()) + " is not reachable"
            + (p != null ? ": " + p : ""));
      }
      Connection conn = backplane.connection();
      Duration timeout = options.timings().configRequestTimeout();
      long t0 = System.nanoTime();
      Message reply = conn.request(Subjects.configRequest(name), Codec.encode(heartbeatNow()), timeout);
      if (reply == null) {
        // the client answers "no responders" with null too, at once
        boolean atOnce = System.nanoTime() - t0 < timeout.toNanos() / 2;
        return Reply.none(atOnce ? "no controller is listening on " + Subjects.configRequest(name)
            : "no controller answered within " + timeout.toMillis() + " ms");
      }
      if (reply.isStatusMessage()) {
        return Reply.none("no controller answers on " + Subjects.configRequest(name) + " (" + reply.getStatus() + ")");
      }
      byte[] data = reply.getData();
      if (data == null || data.length == 0) return Reply.of(null);
      return Reply.of(Codec.decode(data, RunnerConfig.class));
    } catch (Codec.ProtocolException e) {
      LOG.error("runner '{}': the controller's answer to the configuration request cannot be read: {}", name,
          e.getMessage());
      return Reply.none("the controller's answer cannot be read");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Reply.none("interrupted");
    } catch (RuntimeException e) {
      // no responders, connection closed meanwhile
      return Reply.none("the configuration request failed: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
    }
  }

  private void subscribeToPushes(Connection conn) {
    conn.createDispatcher(msg -> {
      RunnerConfig rc;
      try {
        rc = Codec.decode(msg.getData(), RunnerConfig.class);
      } catch (Codec.ProtocolException e) {
        LOG.error("runner '{}': ignoring a configuration push that cannot be read: {}", name, e.getMessage());
        return;
      }
      try {
        configThread.execute(() -> {
          if (closed.get()) return;
          confirmed = true;
          try {
            apply(rc, "a push from the controller");
          } catch (RuntimeException e) {
            LOG.error("runner '{}': applying a pushed configuration failed", name, e);
          }
        });
      } catch (RejectedExecutionException e) {
        // closing
      }
    }).subscribe(Subjects.configPush(name));
  }

  /** Applies a controller's answer or push (on the config thread). */
  private void apply(RunnerConfig rc, String from) {
    if (rc == null) return; // "unchanged"
    if (rc.error() != null) {
      LOG.error("runner '{}': the controller cannot serve this runner: {}", name, rc.error());
      return;
    }
    if (rc.runner() != null && !rc.runner().equals(name)) {
      LOG.warn("runner '{}': ignoring a configuration for runner '{}'", name, rc.runner());
      return;
    }
    if (rc.yaml() == null || rc.version() == null || rc.version().equals(configVersion)) return;
    if (rc.version().equals(rejectedVersion) && System.nanoTime() - rejectedAt < RETRY_REFUSED.toNanos()) {
      LOG.debug("runner '{}': configuration version {} was refused before; keeping version {}", name, rc.version(),
          configVersion);
      return;
    }
    RunnerConfigFiles.Swap swap;
    try {
      swap = files.install(rc, options.clock().millis());
    } catch (IOException e) {
      LOG.error("runner '{}': cannot write configuration version {} under {}: {}; keeping version {}", name, rc.version(),
          files.directory(), e.getMessage(), configVersion.isEmpty() ? "(none)" : configVersion);
      return;
    }
    Engine running = engine;
    if (running == null) {
      if (startEngine(rc.version(), "configuration version " + rc.version() + " from " + from)) {
        swap.commit();
      } else {
        swap.rollback();
      }
      return;
    }
    Engine.ReloadResult result = running.reload();
    if (result.applied()) {
      swap.commit();
      String old = configVersion;
      configVersion = rc.version();
      announceConfigVersion();
      LOG.info("runner '{}': configuration version {} from {} applied without restart (was {}): {}", name, rc.version(),
          from, old, result.message());
    } else {
      swap.rollback();
      refused(rc.version());
      LOG.error("runner '{}': configuration version {} from {} refused; still running version {}{}", name, rc.version(),
          from, configVersion, problems(result.problems()));
    }
  }

  private void refused(String version) {
    rejectedVersion = version;
    rejectedAt = System.nanoTime();
  }

  private static String problems(List<ConfigProblem> problems) {
    StringBuilder sb = new StringBuilder();
    for (ConfigProblem p : problems) {
      if (p.isError()) sb.append("\n  ").append(p.format());
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- the engine

  /** Starts the engine on the live configuration files; false (logged) when it cannot. */
  private boolean startEngine(String version, String what) {
    EngineOptions base = EngineOptions.standalone(files.configFile(), options.effectiveDatabaseFile())
        .withWorkDir(options.dataDir().resolve("work"));
    EngineOptions eo = options.engineOptions().apply(base)
        .withTemplatesDir(files.templatesDir())
        .withFiltersDir(files.filtersDir())
        .withEnvironment(Map.of()) // secrets arrive resolved, '$' escaped
        .withConfigPollInterval(null) // changes come from the controller, applied with reload()
        .withRole("runner")
        .withRunsHere(a -> RunnerDispatcher.runsHere(name, a))
        .withDispatcher((local, s) -> {
          runnerLocal = local.withWhere(name);
          attachStore(s);
          return new RunnerDispatcher(name, runnerLocal);
        });
    Engine e;
    try {
      e = Engine.start(eo);
    } catch (Engine.StartException ex) {
      if (!ex.problems().isEmpty()) refused(version);
      LOG.error("runner '{}': cannot start on {}: {}{}", name, what, ex.getMessage(), problems(ex.problems()));
      return false;
    }
    try {
      e.onIngest(this::reportUpstream);
      registerMetrics(e);
      events.start();
      results.start();
      worker = new DelegationWorker(name, backplane, store, runnerLocal, results, new DelegationWorker.Configuration() {
        @Override
        public CompiledConfig acquire() {
          while (true) {
            CompiledConfig c = e.compiledConfig();
            if (c.acquire()) return c;
          }
        }

        @Override
        public String version() { return configVersion; }

        @Override
        public void refreshNow(Duration timeout) throws InterruptedException { refreshConfiguration(timeout); }
      }, options.timings(), e.options().shutdownTimeout(), options.clock());
      worker.start();
    } catch (RuntimeException ex) {
      e.close();
      throw ex;
    }
    configVersion = version;
    announceConfigVersion();
    List<Consumer<Engine>> toTell;
    synchronized (engineListeners) {
      engine = e;
      toTell = List.copyOf(engineListeners);
      engineListeners.clear();
    }
    engineStarted.countDown();
    LOG.info("runner '{}' ready on {} ({} route(s))", name, what, e.compiledConfig().routes().size());
    for (Consumer<Engine> l : toTell) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        LOG.error("runner '{}': an engine listener failed", name, ex);
      }
    }
    return true;
  }

  /**
   * The engine opened its store (called from Engine.start, before its workers run): create the
   * outboxes, and put every event still unfinished in the upstream outbox unless it is there — a
   * crash between storing an event and recording it for upstream would otherwise lose its report
   * (a second report is harmless: the controller deduplicates by event id).
   */
  private void attachStore(Store s) {
    store = s;
    Duration min = options.timings().retryMin();
    Duration max = options.timings().retryMax().compareTo(Duration.ofSeconds(5)) > 0
        ? Duration.ofSeconds(5) : options.timings().retryMax();
    results = new Outbox("results", s, OUTBOX_RESULTS,
        (key, value) -> backplane.putResult(name, key, value), backplane::isConnected, min, max);
    events = new Outbox("events for the controller", s, OUTBOX_EVENTS, this::publishEvent, backplane::isConnected, min,
        max);
    String after = null;
    int added = 0;
    while (true) {
      List<StoredEvent> page = after == null ? s.unfinished(500) : s.unfinishedAfter(after, 500);
      if (page.isEmpty()) break;
      for (StoredEvent ev : page) {
        after = ev.id();
        if (ev.origin() == null && events.addIfAbsent(ev.id(), upstream(ev))) added++;
      }
    }
    if (added > 0) LOG.info("runner '{}': {} unfinished event(s) queued again for the controller", name, added);
  }

  private void reportUpstream(StoredEvent ev) {
    if (ev.origin() != null) return;
    events.add(ev.id(), upstream(ev));
  }

  private byte[] upstream(StoredEvent ev) {
    byte[] body = ev.body();
    if (body.length == 0) body = store.event(ev.id()).map(StoredEvent::body).orElse(body);
    return Codec.encode(new UpstreamEvent(ev.id(), ev.targetRoute(), body));
  }

  private void publishEvent(String key, byte[] value) throws Exception {
    UpstreamEvent u = Codec.decode(value, UpstreamEvent.class);
    Headers headers = new Headers();
    headers.put("Nats-Msg-Id", u.eventId());
    headers.put(RUNNER_HEADER, name);
    if (u.route() != null) headers.put(ROUTE_HEADER, u.route());
    backplane.jetStream().publish(NatsMessage.builder().subject(Subjects.events(name)).headers(headers).data(u.body())
        .build(), PublishOptions.builder().expectedStream(Subjects.EVENTS_STREAM).build());
  }

  private void registerMetrics(Engine e) {
    e.metrics().gauge("postee_runner_backplane_connected", "1 while the runner is connected to the NATS backplane",
        () -> backplane.isConnected() ? 1 : 0);
    e.metrics().gauge("postee_runner_unsent_results", "Results of delegations not yet confirmed by NATS",
        this::unsentResults);
    e.metrics().gauge("postee_runner_unreported_events", "Ingested events not yet reported to the controller",
        this::unreportedEvents);
    e.metrics().gauge("postee_runner_delegations_running", "Delegations running on this runner right now",
        () -> worker == null ? 0 : worker.inFlight());
  }

  // ---------------------------------------------------------------- liveness

  private Heartbeat heartbeatNow() {
    return new Heartbeat(name, options.version(), labels, hostname, startedAtMillis, options.clock().millis(), webhookUrl,
        configVersion);
  }

  private void heartbeat() {
    try {
      Connection c = backplane.currentConnection().orElse(null);
      // not while reconnecting: the client would deliver stale heartbeats later
      if (c == null || c.getStatus() != Connection.Status.CONNECTED) return;
      c.publish(Subjects.heartbeat(name), Codec.encode(heartbeatNow()));
    } catch (RuntimeException e) {
      LOG.debug("runner '{}': heartbeat not sent: {}", name, e.toString());
    }
  }

  /** A heartbeat now rather than at the next beat: the controllers' registry shows the new version at once. */
  private void announceConfigVersion() {
    try {
      heartbeatThread.execute(this::heartbeat);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void writeDiscoveryFile() {
    Path file = options.discoveryFile();
    if (file == null) return;
    try {
      DiscoveryFile.write(file, name, webhookUrl, labels, String.join(",", options.backplane().urls()));
      LOG.info("runner '{}': discovery file {} written", name, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the runner discovery file " + file + ": " + e.getMessage(), e);
    }
  }

  /** A scheduler whose shutdown drops delayed tasks (the next refresh) instead of waiting for them. */
  private static ScheduledThreadPoolExecutor singleThread(String name) {
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name(name).factory());
    e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    e.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    return e;
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String env = System.getenv("HOSTNAME");
      return env != null && !env.isBlank() ? env : "localhost";
    }
  }

  // ---------------------------------------------------------------- shutdown

  /**
   * Stops the runner: no more configuration changes or heartbeats, no new delegations (running ones
   * finish within the engine's shutdown timeout, or are redelivered after the next start), then the
   * engine (which drains its events) and the backplane connection. Unsent results and unreported
   * events stay in the store and are sent after the next start. Stop the HTTP listeners first.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    LOG.info("runner '{}' stopping", name);
    heartbeatThread.shutdownNow();
    configThread.shutdown();
    try {
      if (!configThread.awaitTermination(30, TimeUnit.SECONDS)) configThread.shutdownNow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      configThread.shutdownNow();
    }
    if (worker != null) worker.close();
    if (events != null) events.close();
    if (results != null) results.close();
    if (engine != null) engine.close();
    if (backplane != null) backplane.close();
    engineStarted.countDown();
    LOG.info("runner '{}' stopped", name);
  }
}
