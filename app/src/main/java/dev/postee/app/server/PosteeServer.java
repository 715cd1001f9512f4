package dev.postee.app.server;

import dev.postee.app.Version;
import dev.postee.app.http.Backend;
import dev.postee.app.http.HttpApi;
import dev.postee.app.tls.TlsMaterial;
import dev.postee.core.config.ConfigProblem;
import dev.postee.core.engine.Engine;
import dev.postee.core.engine.EngineOptions;
import dev.postee.core.store.StoreOptions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Postee process: the HTTP API in front of a standalone engine, a controller ({@link
 * ControllerMode}) or a runner ({@link RunnerMode}). Stopping is graceful: listeners close, in-flight
 * ingests finish, then the engine (the controller, the runner) stops, then the server.
 */
public final class PosteeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PosteeServer.class);
  /** How long stopping waits for ingest requests that are being stored. */
  private static final long INGEST_DRAIN_MILLIS = 10_000;

  /** The server could not start; {@link #problems()} lists configuration problems when that is why. */
  public static final class StartException extends Exception {
    private final List<ConfigProblem> problems;
    private final boolean configuration;

    StartException(String message, List<ConfigProblem> problems, boolean configuration) {
      super(message, null, false, false);
      this.problems = List.copyOf(problems);
      this.configuration = configuration;
    }

    public List<ConfigProblem> problems() { return problems; }

    /** True when the configuration is at fault (exit code 1), false for the environment (ports, files). */
    public boolean isConfiguration() { return configuration; }
  }

  private final ServerSettings settings;
  private final Backend backend;
  private final HttpApi http;
  private final TlsMaterial tls;
  /** What runs behind the listeners and stops after them: the engine, the controller or the runner. */
  private final AutoCloseable core;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();

  private PosteeServer(ServerSettings settings, Backend backend, HttpApi http, TlsMaterial tls, AutoCloseable core) {
    this.settings = settings;
    this.backend = backend;
    this.http = http;
    this.tls = tls;
    this.core = core;
  }

  /**
   * Starts the server in the mode the settings ask for: the engine (standalone), the controller with
   * its NATS backplane and engine, or the runner; then the listeners.
   *
   * @param environment variables for {@code $VAR} substitution in the configuration (and where the
   *     controller looks for {@code nats-server}: {@code POSTEE_NATS_SERVER}, {@code PATH})
   */
  public static PosteeServer start(ServerSettings settings, Map<String, String> environment) throws StartException {
    TlsMaterial tls = httpsMaterial(settings);
    return switch (settings.mode()) {
      case STANDALONE -> startStandalone(settings, environment, tls);
      case CONTROLLER -> ControllerMode.start(settings, environment, tls);
      case RUNNER -> RunnerMode.start(settings, tls);
    };
  }

  private static TlsMaterial httpsMaterial(ServerSettings settings) throws StartException {
    if (settings.https() == null) return null;
    try {
      return settings.certPem() != null ? TlsMaterial.fromPem(settings.certPem(), settings.keyPem())
          : TlsMaterial.selfSigned(settings.dataDir(), Clock.systemUTC());
    } catch (TlsMaterial.TlsException e) {
      throw new StartException("HTTPS certificate" + (settings.certPem() != null ? " (AQUAALERT_CERT_PEM, AQUAALERT_KEY_PEM)" : "")
          + ": " + e.getMessage(), List.of(), false);
    }
  }

  /** The engine's options from the settings, as every mode uses them. */
  static EngineOptions engineOptions(ServerSettings settings, Map<String, String> environment) {
    return EngineOptions.standalone(settings.configFile(), settings.databaseFile())
        .withTemplatesDir(settings.templatesDir())
        .withFiltersDir(settings.filtersDir())
        .withStrictConfig(settings.strictConfig())
        .withWorkers(settings.workers())
        .withMaxQueuedEvents(settings.maxQueuedEvents())
        .withStoreOptions(StoreOptions.defaults().withSynchronous(settings.dbSync()))
        .withEnvironment(environment);
  }

  private static PosteeServer startStandalone(ServerSettings settings, Map<String, String> environment, TlsMaterial tls)
      throws StartException {
    LOG.info("postee {} starting standalone: configuration {}, database {}", Version.get(), settings.configFile(),
        settings.databaseFile());
    Engine engine;
    try {
      engine = Engine.start(engineOptions(settings, environment));
    } catch (Engine.StartException e) {
      throw engineFailed(e);
    }
    return listen(settings, Backend.standalone(engine), tls, engine);
  }

  /** An engine that would not start: the configuration's fault (exit 1) or the environment's (exit 3). */
  static StartException engineFailed(Engine.StartException e) {
    boolean config = !e.problems().isEmpty() || e.getMessage().startsWith("invalid configuration")
        || e.getMessage().startsWith("configuration");
    return new StartException(e.getMessage(), e.problems(), config);
  }

  /** Opens the listeners in front of {@code backend}; closes {@code core} when they cannot be opened. */
  static PosteeServer listen(ServerSettings settings, Backend backend, TlsMaterial tls, AutoCloseable core)
      throws StartException {
    HttpApi http;
    try {
      http = HttpApi.start(backend, new HttpApi.Options(settings.http(), settings.https(), tls, settings.maxBodyBytes(),
          settings.ingestTokens(), settings.ingestHmacSecret(), settings.ingestHmacHeader(), settings.adminToken(),
          settings.publicMetrics()));
    } catch (HttpApi.BindException e) {
      closeQuietly(core);
      throw new StartException(e.getMessage(), List.of(), false);
    }
    PosteeServer server = new PosteeServer(settings, backend, http, tls, core);
    server.logListeners();
    return server;
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("stopping after a failed start: {}", e.toString());
    }
  }

  private void logListeners() {
    LOG.info("HTTP listening on http://{}:{}", settings.http().host(), http.httpPort());
    if (tls != null) {
      LOG.info("HTTPS listening on https://{}:{} with {} certificate {} (SHA-256 {})", settings.https().host(), http.httpsPort(),
          tls.isSelfSigned() ? "the self-signed" : "the", tls.certificateFile(), tls.fingerprint());
    } else {
      LOG.info("HTTPS listener switched off (--tls off)");
    }
    if (http.ingestAuthenticated()) {
      LOG.info("ingest requires authentication: {}", http.ingestAuthDescription());
    } else {
      LOG.warn("ingest is not authenticated: anyone who reaches the listeners can post events"
          + " (set POSTEE_INGEST_TOKEN or POSTEE_INGEST_HMAC_SECRET to require credentials)");
    }
    String adminEndpoints = "/events, /reload, /api/executions" + (settings.mode() == ServerSettings.Mode.CONTROLLER
        ? ", /api/runners" : "") + (settings.publicMetrics() ? "" : ", /metrics");
    if (http.adminTokenConfigured()) {
      LOG.info("admin endpoints ({}) require the admin bearer token", adminEndpoints);
    } else {
      LOG.info("admin endpoints ({}) are served on loopback connections only: no admin token is configured"
          + " (set POSTEE_ADMIN_TOKEN to use them from the network)", adminEndpoints);
    }
    if (settings.publicMetrics()) LOG.info("/metrics is public (--public-metrics)");
  }

  /** The engine; null while a runner waits for its configuration. */
  public Engine engine() { return backend.engine(); }


  public int httpPort() { return http.httpPort(); }

  /** -1 when HTTPS is off. */
  public int httpsPort() { return http.httpsPort(); }

  public TlsMaterial tls() { return tls; }

  public ServerSettings settings() { return settings; }

  /** Blocks until the server has stopped. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /**
   * Graceful stop: listeners stop accepting, ingests being stored finish, the engine drains its
   * in-flight work (unfinished events stay in the store for the next start), then the server stops.
   */
  @Override
  public void close() {
    if (!stopping.compareAndSet(false, true)) {
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    try {
      LOG.info("stopping: no longer accepting events");
      http.stopAccepting(INGEST_DRAIN_MILLIS);
      closeQuietly(core);
      http.close();
    } finally {
      stopped.countDown();
    }
  }
}
