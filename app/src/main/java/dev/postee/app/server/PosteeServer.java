package dev.postee.app.server;

import dev.postee.app.Version;
import dev.postee.app.http.HttpApi;
import dev.postee.app.tls.TlsMaterial;
import dev.postee.core.config.ConfigProblem;
import dev.postee.core.engine.Engine;
import dev.postee.core.engine.EngineOptions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone Postee process: the engine (config, store, workers) behind the HTTP API. Stopping
 * is graceful: listeners close, in-flight ingests finish, the engine drains, then the server stops.
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

  /** Controller and runner modes come with the cluster module; the flags are parsed already. */
  public static final class ModeNotAvailableException extends Exception {
    public ModeNotAvailableException(ServerSettings.Mode mode) {
      super((mode == ServerSettings.Mode.CONTROLLER ? "controller mode (--controller-mode)" : "runner mode (--runner-name)")
          + " is not available in this build yet: only standalone mode is. Start without --controller-mode and"
          + " --runner-name to run a standalone instance (runs-on actions then run locally).", null, false, false);
    }
  }

  private final ServerSettings settings;
  private final Engine engine;
  private final HttpApi http;
  private final TlsMaterial tls;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();

  private PosteeServer(ServerSettings settings, Engine engine, HttpApi http, TlsMaterial tls) {
    this.settings = settings;
    this.engine = engine;
    this.http = http;
    this.tls = tls;
  }

  /**
   * Starts the engine and the listeners.
   *
   * @param environment variables for {@code $VAR} substitution in the configuration
   */
  public static PosteeServer start(ServerSettings settings, Map<String, String> environment)
      throws StartException, ModeNotAvailableException {
    if (settings.mode() != ServerSettings.Mode.STANDALONE) throw new ModeNotAvailableException(settings.mode());
    TlsMaterial tls = null;
    if (settings.https() != null) {
      try {
        tls = settings.certPem() != null ? TlsMaterial.fromPem(settings.certPem(), settings.keyPem())
            : TlsMaterial.selfSigned(settings.dataDir(), Clock.systemUTC());
      } catch (TlsMaterial.TlsException e) {
        throw new StartException("HTTPS certificate" + (settings.certPem() != null ? " (AQUAALERT_CERT_PEM, AQUAALERT_KEY_PEM)" : "")
            + ": " + e.getMessage(), List.of(), false);
      }
    }
    EngineOptions options = EngineOptions.standalone(settings.configFile(), settings.databaseFile())
        .withTemplatesDir(settings.templatesDir())
        .withFiltersDir(settings.filtersDir())
        .withStrictConfig(settings.strictConfig())
        .withWorkers(settings.workers())
        .withMaxQueuedEvents(settings.maxQueuedEvents())
        .withEnvironment(environment);
    LOG.info("postee {} starting standalone: configuration {}, database {}", Version.get(), settings.configFile(),
        settings.databaseFile());
    Engine engine;
    try {
      engine = Engine.start(options);
    } catch (Engine.StartException e) {
      boolean config = !e.problems().isEmpty() || e.getMessage().startsWith("invalid configuration")
          || e.getMessage().startsWith("configuration");
      throw new StartException(e.getMessage(), e.problems(), config);
    }
    HttpApi http;
    try {
      http = HttpApi.start(engine, new HttpApi.Options(settings.http(), settings.https(), tls, settings.maxBodyBytes(),
          settings.ingestTokens(), settings.ingestHmacSecret(), settings.ingestHmacHeader(), settings.adminToken(),
          settings.publicMetrics()));
    } catch (HttpApi.BindException e) {
      engine.close();
      throw new StartException(e.getMessage(), List.of(), false);
    }
    PosteeServer server = new PosteeServer(settings, engine, http, tls);
    server.logListeners();
    return server;
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
    String adminEndpoints = "/events, /reload, /api/executions" + (settings.publicMetrics() ? "" : ", /metrics");
    if (http.adminTokenConfigured()) {
      LOG.info("admin endpoints ({}) require the admin bearer token", adminEndpoints);
    } else {
      LOG.info("admin endpoints ({}) are served on loopback connections only: no admin token is configured"
          + " (set POSTEE_ADMIN_TOKEN to use them from the network)", adminEndpoints);
    }
    if (settings.publicMetrics()) LOG.info("/metrics is public (--public-metrics)");
  }

  public Engine engine() { return engine; }

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
      engine.close();
      http.close();
    } finally {
      stopped.countDown();
    }
  }
}
