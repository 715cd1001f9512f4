package dev.postee.cluster.controller;

import dev.postee.cluster.nats.Backplane;
import dev.postee.cluster.nats.BackplaneException;
import dev.postee.cluster.nats.NatsAuth;
import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.Heartbeat;
import dev.postee.cluster.protocol.RunnerConfig;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.config.ActionConfig;
import dev.postee.core.config.PosteeConfig;
import dev.postee.core.engine.Engine;
import dev.postee.core.engine.EngineOptions;
import dev.postee.core.store.Store;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.api.ConsumerInfo;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Postee controller: the engine with a {@link ClusterDispatcher} (actions with runs-on are
 * delegated to runners over JetStream), and everything the controller does on the backplane.
 *
 * <ul>
 *   <li>JetStream provisioning at start (streams, the controllers' events consumer, the results
 *       bucket, a consumer per runner named in the configuration), again after NATS lost them;
 *   <li>runners' configuration: requests answered in a queue group, pushed after every applied
 *       reload, pushed again to a runner whose heartbeat shows an old version;
 *   <li>results of delegated executions: every result, from every runner, into this controller's
 *       execution log, waking the threads that wait for one (serialize-actions);
 *   <li>the TTL sweeper: delegations nobody took in time are recorded as failed and withdrawn;
 *   <li>runner-local flow: events runners report are ingested once, skipping what ran there;
 *   <li>the runner registry behind {@link #runners()} ({@code GET /api/runners}) and the metrics
 *       {@code postee_runner_online}, {@code postee_runner_pending} and
 *       {@code postee_runner_last_seen_seconds} (Unix time of the last heartbeat), by runner;
 *   <li>Go Postee runners: {@code postee.config} (runner name → its YAML) and {@code postee.events}.
 * </ul>
 *
 * <h2>Starting one (the app's call sequence)</h2>
 * <pre>{@code
 * // 1. NATS. Without --nats-url the controller runs its own server at --controller-url; with NKeys,
 * //    start it knowing the controller's key (the runners' keys are added by the controller, step 3)
 * String controllerKey = seedFile == null ? null : NatsAuth.publicKeyOfSeedFile(seedFile);
 * NatsServerSupervisor nats = NatsServerSupervisor.start(NatsServerOptions.of(controllerUrl, dataDir)
 *     .withTls(cert, key, ca)                                        // when given
 *     .withAuthorization(controllerKey == null ? NatsAuth.Authorization.NONE
 *         : NatsAuth.Authorization.sharedSeed(controllerKey)));
 * Backplane backplane = Backplane.start(BackplaneOptions.forController(name, nats.clientUrl())
 *     .withTls(ca, cert, key).withSeedFile(seedFile));               // as given
 *
 * // 2. The engine's options, as for standalone, plus the controller's role and what runs here
 * EngineOptions engineOptions = EngineOptions.standalone(cfgFile, dbFile)... // flags, env, dirs
 *     .withRole("controller")
 *     .withRunsHere(Controller.runsHere());
 *
 * // 3. The controller starts the engine through the starter, with its dispatcher factory
 * ControllerOptions options = ControllerOptions.defaults().withDelegationTtl(ttl);  // --delegation-ttl
 * if (controllerKey != null) options = options.withNkeys(controllerKey, goRunnerKeys);
 * Controller controller = Controller.start(options, backplane, nats,   // nats = null with --nats-url
 *     dispatcher -> Engine.start(engineOptions.withDispatcher(dispatcher)));
 *
 * // 4. Serve HTTP with controller.engine() (ingest, reload, executions, metrics: the runner gauges
 * //    are on its registry); GET /api/runners = controller.runners() (RunnerStatus.toJson() each)
 *
 * // 5. On shutdown, after the HTTP listeners: controller.close() (instead of engine.close())
 * }</pre>
 * {@code start} waits up to {@link ControllerOptions#connectWait} for the backplane and provisions
 * JetStream (a stream or consumer in a shape Postee cannot use is a {@link BackplaneException} that
 * names it); when NATS is not reachable yet it starts anyway and delegations wait, queued, until it
 * is. Then it calls the starter with the dispatcher factory — the starter must pass it to
 * {@link EngineOptions#withDispatcher} — and wires everything to the started engine; with
 * {@link ControllerOptions#controllerKey} and a supervisor it gives the server one user per runner
 * key in the configuration (again after every reload). From the call on, the controller owns the
 * backplane, the supervisor (may be null) and the engine: it closes them in {@link #close()}, and
 * when {@code start} fails.
 */
public final class Controller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
  /** How long results and seen events are remembered beyond the results bucket's max age. */
  private static final Duration REMEMBER_MARGIN = Duration.ofDays(1);

  /** Starts the controller's engine with the dispatcher factory it is given. */
  @FunctionalInterface
  public interface EngineStarter {
    Engine start(EngineOptions.DispatcherFactory dispatcher) throws Engine.StartException;
  }

  private final ControllerOptions options;
  private final Backplane backplane;
  private final NatsServerSupervisor supervisor;
  private final Engine engine;
  private final ClusterDispatcher dispatcher;
  private final JetStreamLink link;
  private final DelegationBook book;
  private final RunnerRegistry registry;
  private final RunnerConfigCache configs;
  private final ConfigService configService;
  private final LegacyEvents legacyEvents;
  private final ResultsWatcher watcher;
  private final DelegationSweeper sweeper;
  private final RunnerEventsConsumer events;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2,
      Thread.ofPlatform().daemon().name("postee-controller-", 0).factory());
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<String> online = ConcurrentHashMap.newKeySet();
  /** The subscriptions on one connection. */
  private record Subscriptions(Connection connection, Dispatcher main, Dispatcher legacyEvents) {}

  private volatile Subscriptions subscriptions;

  private Controller(ControllerOptions options, Backplane backplane, NatsServerSupervisor supervisor, Engine engine,
      ClusterDispatcher dispatcher, JetStreamLink link) {
    this.options = options;
    this.backplane = backplane;
    this.supervisor = supervisor;
    this.engine = engine;
    this.dispatcher = dispatcher;
    this.link = link;
    this.book = dispatcher.book();
    this.registry = new RunnerRegistry(options.clock(), options.heartbeatTimeout());
    Path templates = options.templatesDir() != null ? options.templatesDir() : engine.options().templatesDir();
    Path filters = options.filtersDir() != null ? options.filtersDir() : engine.options().filtersDir();
    this.configs = new RunnerConfigCache(templates, filters, options.clock());
    this.configService = new ConfigService(engine, backplane, configs, registry, link, scheduler, options.clock());
    this.legacyEvents = new LegacyEvents(engine, options.clock(), options.legacyDedupWindow());
    this.watcher = new ResultsWatcher(engine.store(), book);
    this.sweeper = new DelegationSweeper(book, backplane, options.clock());
    this.events = new RunnerEventsConsumer(backplane, engine, link, options.clock(),
        options.jetStream().eventsMaxAge().plus(REMEMBER_MARGIN), options.retryWaitMax());
  }

  /**
   * What the controller's engine instantiates: every action but those whose own runs-on names a
   * runner (they always run there; an {@code event.input.} selector may resolve to nothing and
   * run here). Pass it to {@link EngineOptions#withRunsHere}.
   */
  public static Predicate<ActionConfig> runsHere() {
    return a -> a.runsOn() == null || a.runsOn().startsWith("event.input.");
  }

  /**
   * Starts a controller; see the class comment for the call sequence.
   *
   * @param supervisor the local nats-server the controller runs, or null when it uses an external one
   * @throws Engine.StartException when the engine cannot start (configuration, database)
   * @throws BackplaneException when JetStream holds streams or consumers Postee cannot use
   */
  public static Controller start(ControllerOptions options, Backplane backplane, NatsServerSupervisor supervisor,
      EngineStarter starter) throws Engine.StartException, InterruptedException {
    JetStreamLink link = new JetStreamLink(backplane, options.jetStream(), options.retryWaitMax());
    Engine engine = null;
    try {
      if (backplane.awaitConnected(options.connectWait())) {
        link.provision();
      } else {
        LOG.warn("the NATS backplane at {} is not reachable ({}); starting anyway: delegations wait, queued, until it is",
            String.join(",", backplane.options().urls()), backplane.lastProblem());
      }
      AtomicReference<ClusterDispatcher> made = new AtomicReference<>();
      Duration keep = options.jetStream().resultsMaxAge().plus(REMEMBER_MARGIN);
      EngineOptions.DispatcherFactory factory = (local, store) -> {
        String id = options.controllerId() != null ? options.controllerId() : storedId(store);
        ClusterDispatcher d = new ClusterDispatcher(local, new DelegationBook(store, options.clock(), keep), link, id,
            options.delegationTtl(), options.clock());
        made.set(d);
        return d;
      };
      engine = starter.start(factory);
      if (made.get() == null) {
        throw new IllegalStateException("the controller's engine must be started with the dispatcher factory it is"
            + " given (EngineOptions.withDispatcher)");
      }
      Controller c = new Controller(options, backplane, supervisor, engine, made.get(), link);
      c.begin();
      return c;
    } catch (IOException e) {
      closeAll(engine, backplane, supervisor);
      throw new BackplaneException("cannot provision JetStream: " + e.getMessage(), e);
    } catch (Engine.StartException | InterruptedException | RuntimeException e) {
      closeAll(engine, backplane, supervisor);
      throw e;
    }
  }

  /** The controller id kept in the store (generated at the first start): it survives restarts. */
  private static String storedId(Store store) {
    byte[] fresh = ("controller-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    store.kvPutIfAbsent("controller", "id", fresh, null);
    return new String(store.kvGet("controller", "id").orElse(fresh), StandardCharsets.UTF_8);
  }

  private void begin() {
    applyAuthorization(engine.config(), true);
    book.useRecorder(engine.recorder());
    dispatcher.attach(configs);
    registerMetrics();
    engine.onConfigChange(cfg -> {
      if (closed.get()) return;
      configService.onConfigChange(cfg);
      scheduler.execute(() -> applyAuthorization(cfg.config(), false));
    });
    backplane.onConnection(this::connected);
    scheduler.scheduleWithFixedDelay(this::keepWatching, 0, 1, TimeUnit.SECONDS);
    scheduler.scheduleWithFixedDelay(watcher::persistRevision, 1, 1, TimeUnit.SECONDS);
    long sweep = options.sweepInterval().toMillis();
    scheduler.scheduleWithFixedDelay(sweeper, sweep, sweep, TimeUnit.MILLISECONDS);
    long info = options.runnerInfoInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::refreshRunners, 0, info, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(this::reprovision, 1, 1, TimeUnit.MINUTES);
    events.start();
    LOG.info("controller {} ready: delegation TTL {}, backplane {}", dispatcher.controllerId(),
        DelegationSweeper.describe(options.delegationTtl()), String.join(",", backplane.options().urls()));
  }

  /**
   * The supervised nats-server's NKey users for this configuration (runners' own keys); at start a
   * problem fails the start, after a reload it is logged and the server keeps its users.
   */
  private void applyAuthorization(PosteeConfig config, boolean starting) {
    if (supervisor == null || options.controllerKey() == null) return;
    try {
      NatsAuth.Authorization auth = RunnerAuthorization.forConfig(config, options.controllerKey(),
          options.legacyRunnerKeys());
      if (auth.equals(supervisor.options().authorization())) return;
      supervisor.applyAuthorization(auth);
      List<String> keyless = RunnerAuthorization.runnersWithoutKey(config);
      if (auth.users().size() > 1 && !keyless.isEmpty()) {
        LOG.warn("runners {} declare no nkey: with per-runner keys they can connect only with the controller's seed,"
            + " which may do everything", keyless);
      }
    } catch (BackplaneException e) {
      if (starting) throw e;
      LOG.error("the NATS server keeps its users: {}", e.getMessage());
    } catch (RuntimeException e) {
      if (starting) throw e;
      LOG.error("updating the NATS server's users failed; it keeps the old ones", e);
    }
  }

  /** A fresh connection (not the client's own reconnects, which keep subscriptions): subscribe on it. */
  private void connected(Connection c) {
    if (closed.get()) return;
    Subscriptions old = subscriptions;
    Dispatcher d = c.createDispatcher();
    d.subscribe(Subjects.configRequestAll(), Subjects.CONTROLLERS_QUEUE, m -> guarded("config request", () ->
        configService.onRequest(c, m)));
    d.subscribe(Subjects.LEGACY_CONFIG, Subjects.CONTROLLERS_QUEUE, m -> guarded("postee.config request", () ->
        configService.onLegacyRequest(c, m)));
    d.subscribe(Subjects.heartbeatAll(), m -> guarded("heartbeat", () -> heartbeat(m)));
    // Go Postee events wait for the store: apart, so that they never hold up configuration answers
    Dispatcher legacy = c.createDispatcher();
    legacy.subscribe(Subjects.LEGACY_EVENTS, Subjects.CONTROLLERS_QUEUE, m -> guarded("postee.events message", () ->
        legacyEvents.onMessage(m)));
    subscriptions = new Subscriptions(c, d, legacy);
    if (old != null) {
      closeDispatcher(old.connection(), old.main());
      closeDispatcher(old.connection(), old.legacyEvents());
    }
    scheduler.execute(this::keepWatching);
  }

  private void heartbeat(Message m) {
    Heartbeat hb;
    try {
      hb = Codec.decode(m.getData(), Heartbeat.class);
    } catch (Codec.ProtocolException e) {
      LOG.warn("heartbeat on {} cannot be read: {}", m.getSubject(), e.getMessage());
      return;
    }
    String token = m.getSubject().substring(m.getSubject().lastIndexOf('.') + 1);
    if (hb.runner() == null || hb.runner().isEmpty() || !Subjects.token(hb.runner()).equals(token)) {
      LOG.warn("heartbeat on {} names runner '{}': a runner may only speak for itself; ignored", m.getSubject(),
          hb.runner());
      return;
    }
    boolean wasOnline = registry.online(hb.runner());
    registry.heartbeat(hb);
    if (!wasOnline) LOG.info("runner {} is online (version {}, labels {})", hb.runner(), hb.version(), hb.labels());
    configService.checkVersion(hb);
  }

  /** Watches results on the current connection; retried every second until JetStream is there. */
  private void keepWatching() {
    if (closed.get()) return;
    Connection c = backplane.currentConnection().orElse(null);
    if (c == null || c.getStatus() != Connection.Status.CONNECTED || watcher.isWatching(c)) return;
    try {
      link.provision();
      watcher.start(c);
      ensureNamedRunnerConsumers();
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      link.forget();
      LOG.warn("cannot watch the results of delegated executions yet: {}; trying again", JetStreamLink.describe(e));
    }
  }

  /**
   * Checks the streams, consumers and bucket again: a NATS server that lost its storage (a new
   * volume, an external cluster rebuilt) gets them back without a failure showing it first.
   */
  private void reprovision() {
    if (closed.get() || !backplane.isConnected()) return;
    try {
      link.forget();
      link.provision();
      ensureNamedRunnerConsumers();
    } catch (Exception e) {
      LOG.warn("checking the JetStream streams failed: {}", JetStreamLink.describe(e));
    }
  }

  private void ensureNamedRunnerConsumers() {
    for (String runner : RunnerConfigs.namedRunners(engine.config())) {
      try {
        link.ensureRunnerConsumer(runner);
      } catch (Exception e) {
        LOG.warn("cannot create the delegation consumer of runner {} yet: {}", runner, JetStreamLink.describe(e));
      }
    }
  }

  /** Pending deliveries of every known runner, from its consumer; runners that fell silent are logged. */
  private void refreshRunners() {
    if (closed.get()) return;
    Connection c = backplane.currentConnection().orElse(null);
    for (String runner : registry.known(engine.config())) {
      if (registry.online(runner)) {
        online.add(runner);
      } else if (online.remove(runner)) {
        LOG.warn("runner {} is offline: no heartbeat for {}; its delegations wait for it (TTL {})", runner,
            DelegationSweeper.describe(options.heartbeatTimeout()), DelegationSweeper.describe(options.delegationTtl()));
      }
      Long pending = null;
      if (c != null && c.getStatus() == Connection.Status.CONNECTED) {
        try {
          ConsumerInfo ci = c.jetStreamManagement().getConsumerInfo(Subjects.DELEGATIONS_STREAM,
              Subjects.delegationConsumer(runner));
          pending = ci.getNumPending() + ci.getNumAckPending();
        } catch (Exception e) {
          if (e instanceof InterruptedException) Thread.currentThread().interrupt();
          LOG.debug("no consumer information for runner {}: {}", runner, e.toString());
        }
      }
      registry.pending(runner, pending);
    }
  }

  private void registerMetrics() {
    PrometheusRegistry metrics = engine.metrics().registry();
    labelledGauge(metrics, "postee_runner_online", "1 while the runner's heartbeats arrive, else 0",
        s -> s.online() ? 1 : 0);
    labelledGauge(metrics, "postee_runner_pending", "Delegations waiting for the runner or being run by it",
        s -> s.pending() == null ? Double.NaN : s.pending());
    labelledGauge(metrics, "postee_runner_last_seen_seconds", "Unix time of the runner's last heartbeat",
        s -> s.lastSeen() == null ? Double.NaN : s.lastSeen().toEpochMilli() / 1000.0);
  }

  private void labelledGauge(PrometheusRegistry metrics, String name, String help, ToDoubleFunction<RunnerStatus> value) {
    Gauge g = Gauge.builder().name(name).help(help).labelNames("runner").build();
    metrics.register(() -> {
      synchronized (g) {
        g.clear();
        for (RunnerStatus s : runners()) g.labelValues(s.name()).set(value.applyAsDouble(s));
        return g.collect();
      }
    });
  }

  // ---------------------------------------------------------------- API

  /** The controller's engine: ingest, reload, executions, metrics. */
  public Engine engine() {
    return engine;
  }

  /** The stable id this controller puts into its delegations. */
  public String id() {
    return dispatcher.controllerId();
  }

  /** Every runner heard of or named by the configuration, by name ({@code GET /api/runners}). */
  public List<RunnerStatus> runners() {
    Function<String, String> current = name -> {
      RunnerConfig rc = configService.current(name);
      return rc.error() == null ? rc.version() : null;
    };
    return registry.snapshot(engine.config(), current);
  }

  /**
   * Delegations of this controller whose result has not arrived yet, as committed to its store (a
   * delegation of a serialize-actions route is listed once it has waited more than {@link
   * ClusterDispatcher#NOTE_PENDING_AFTER}; until then the waiting thread watches it).
   */
  public List<PendingDelegation> pendingDelegations() {
    return book.allPending();
  }

  /** The configuration runner {@code name} gets now (what a request would be answered with). */
  public RunnerConfig runnerConfig(String name) {
    return configService.current(name);
  }

  /**
   * Stops taking events from runners and results (results that arrive later are read after the next
   * start), configuration requests and heartbeats, and the background tasks; then closes the engine
   * (in-flight work ends or stays queued for the next start; waits for delegated results end at
   * once), the connection and the supervised nats-server.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    LOG.info("controller {} stopping", dispatcher.controllerId());
    dispatcher.close();
    events.stop();
    Subscriptions subs = subscriptions;
    if (subs != null) closeDispatcher(subs.connection(), subs.legacyEvents());
    watcher.close(); // while the store is open: it records what it took and writes the revision
    if (subs != null) closeDispatcher(subs.connection(), subs.main());
    // before the store closes: a sweep or a runner check running into a closed store would fail loudly
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    engine.close();
    backplane.close();
    if (supervisor != null) supervisor.close();
    LOG.info("controller {} stopped", dispatcher.controllerId());
  }

  private static void closeDispatcher(Connection c, Dispatcher d) {
    try {
      c.closeDispatcher(d);
    } catch (RuntimeException e) {
      LOG.debug("closing a subscription dispatcher: {}", e.toString());
    }
  }

  private static void guarded(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.error("handling a {} failed", what, e);
    }
  }

  private static void closeAll(Engine engine, Backplane backplane, NatsServerSupervisor supervisor) {
    if (engine != null) engine.close();
    backplane.close();
    if (supervisor != null) supervisor.close();
  }
}
