package dev.postee.app.http;

import dev.postee.app.ConfigProblems;
import dev.postee.app.JsonText;
import dev.postee.app.server.ListenAddress;
import dev.postee.app.server.Secret;
import dev.postee.app.tls.TlsMaterial;
import dev.postee.cluster.controller.Controller;
import dev.postee.cluster.controller.RunnerStatus;
import dev.postee.cluster.runner.Runner;
import dev.postee.core.action.ActionResult;
import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.config.ConfigProblem;
import dev.postee.core.engine.Engine;
import dev.postee.core.engine.RecentEvents;
import dev.postee.core.store.ExecutionQuery;
import dev.postee.core.store.QueueFullException;
import dev.postee.core.store.StoredEvent;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.util.JavalinBindException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (SPEC §3) on an HTTP and an optional HTTPS listener: Postee's ingest and admin
 * endpoints plus health, readiness, metrics and the execution log. Every non-2xx answer is JSON
 * {@code {"error": ...}} saying why.
 */
public final class HttpApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final String JSON = "application/json; charset=utf-8";
  /** Postee's liveness answer, byte for byte (a JSON string). */
  static final String PING_BODY = "\"Postee alive!\"";
  /** Seconds a producer is asked to wait when the queue is full or the server is stopping. */
  static final int RETRY_AFTER_SECONDS = 5;
  private static final int MAX_EVENTS = 200;
  private static final int MAX_EXECUTIONS = 1000;
  /** How long POST /reload on a runner waits for the controller's answer. */
  private static final Duration RUNNER_REFRESH_TIMEOUT = Duration.ofSeconds(15);

  /**
   * @param https null: no HTTPS listener
   * @param tls the HTTPS key and certificate (null without HTTPS)
   * @param publicMetrics /metrics without the admin check
   */
  public record Options(ListenAddress http, ListenAddress https, TlsMaterial tls, long maxBodyBytes, List<Secret> ingestTokens,
      Secret ingestHmacSecret, String ingestHmacHeader, Secret adminToken, boolean publicMetrics) {}

  /** The listeners could not be opened (port in use, permission). */
  public static final class BindException extends Exception {
    public BindException(String message) {
      super(message, null, false, false);
    }
  }

  private final Backend backend;
  private final Options options;
  private final IngestAuth ingestAuth;
  private final AdminAccess admin;
  private final Javalin app;
  private final AtomicInteger ingestsInFlight = new AtomicInteger();
  private volatile boolean draining;
  private ServerConnector httpConnector;
  private ServerConnector httpsConnector;

  private HttpApi(Backend backend, Options options) {
    this.backend = backend;
    this.options = options;
    this.ingestAuth = new IngestAuth(options.ingestTokens(), options.ingestHmacSecret(), options.ingestHmacHeader());
    this.admin = new AdminAccess(options.adminToken());
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.startupWatcherEnabled = false;
      config.useVirtualThreads = true;
      config.http.prefer405over404 = true;
      config.http.maxRequestSize = options.maxBodyBytes();
      config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
      // Jetty waits for the first body bytes before running a handler; an oversized Content-Length
      // must be refused from the headers alone, without waiting for (or reading) the body
      config.jetty.modifyHttpConfiguration(httpConfig -> httpConfig.setDelayDispatchUntilContent(false));
      config.jetty.addConnector((server, httpConfig) -> {
        httpConnector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        httpConnector.setHost(options.http().host());
        httpConnector.setPort(options.http().port());
        httpConnector.setName("http");
        return httpConnector;
      });
      if (options.https() != null) {
        config.jetty.addConnector((server, httpConfig) -> {
          HttpConfiguration httpsConfig = new HttpConfiguration(httpConfig);
          SecureRequestCustomizer secure = new SecureRequestCustomizer();
          // Go's TLS server does not compare SNI with the certificate; neither do we (no 400 for IP clients)
          secure.setSniHostCheck(false);
          httpsConfig.addCustomizer(secure);
          SslContextFactory.Server ssl = new SslContextFactory.Server();
          char[] password = randomPassword();
          ssl.setKeyStore(options.tls().keyStore(password));
          ssl.setKeyStorePassword(new String(password));
          httpsConnector = new ServerConnector(server, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
              new HttpConnectionFactory(httpsConfig));
          httpsConnector.setHost(options.https().host());
          httpsConnector.setPort(options.https().port());
          httpsConnector.setName("https");
          return httpsConnector;
        });
      }
    });
    routes();
  }

  /** Opens the listeners and serves until {@link #close()}. */
  public static HttpApi start(Backend backend, Options options) throws BindException {
    HttpApi api = new HttpApi(backend, options);
    try {
      api.app.start();
    } catch (JavalinBindException e) {
      api.app.stop();
      String cause = e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")";
      throw new BindException("cannot listen on " + api.listeners() + ": " + e.getMessage() + cause);
    } catch (RuntimeException e) {
      api.app.stop();
      throw new BindException("cannot start the HTTP server on " + api.listeners() + ": " + e.getMessage());
    }
    return api;
  }

  private String listeners() {
    return options.http() + " (HTTP)" + (options.https() == null ? "" : " and " + options.https() + " (HTTPS)");
  }

  public int httpPort() { return httpConnector.getLocalPort(); }

  /** The HTTPS port, or -1 without HTTPS. */
  public int httpsPort() { return httpsConnector == null ? -1 : httpsConnector.getLocalPort(); }

  public boolean ingestAuthenticated() { return ingestAuth.enabled(); }

  public String ingestAuthDescription() { return ingestAuth.describe(); }

  public boolean adminTokenConfigured() { return admin.tokenConfigured(); }

  // ---------------------------------------------------------------- routes

  private void routes() {
    app.post("/", ctx -> ingest(ctx, null));
    app.post("/scan", ctx -> ingest(ctx, null));
    app.post("/tenant/{route}", ctx -> ingest(ctx, ctx.pathParam("route")));
    app.get("/ping", ctx -> ctx.contentType("application/json; charset=UTF-8").result(PING_BODY));
    app.get("/healthz", ctx -> json(ctx, 200, Map.of("status", "up")));
    app.get("/readyz", this::readiness);
    app.get("/events", ctx -> {
      admin.check(ctx);
      events(ctx);
    });
    app.get("/reload", this::reload);
    app.post("/reload", this::reload);
    app.get("/metrics", ctx -> {
      if (!options.publicMetrics()) admin.check(ctx);
      ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(engine().metrics().scrape());
    });
    app.get("/api/executions", ctx -> {
      admin.check(ctx);
      executions(ctx);
    });
    app.get("/api/runners", ctx -> {
      admin.check(ctx);
      runners(ctx);
    });

    app.exception(ApiError.class, (e, ctx) -> {
      e.headers().forEach(ctx::header);
      json(ctx, e.status(), e.body());
    });
    app.exception(HttpResponseException.class, (e, ctx) -> {
      String message = switch (e.getStatus()) {
        case 404 -> "no endpoint " + ctx.method() + " " + ctx.path() + " (see the README for the API)";
        case 405 -> "method " + ctx.method() + " is not allowed on " + ctx.path();
        default -> e.getMessage();
      };
      json(ctx, e.getStatus(), Map.of("error", message));
    });
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
      json(ctx, 500, Map.of("error", "internal error (" + e.getClass().getSimpleName() + "); see the server log"));
    });
  }

  // ---------------------------------------------------------------- ingest

  private void ingest(Context ctx, String route) {
    ingestsInFlight.incrementAndGet();
    try {
      if (draining) throw shuttingDown();
      Engine engine = readyEngine();
      IngestAuth.Verdict verdict;
      try {
        verdict = ingestAuth.beforeBody(ctx);
      } catch (ApiError e) {
        engine.metrics().rejected("unauthorized");
        throw e;
      }
      byte[] body;
      try {
        body = BoundedBody.read(ctx, options.maxBodyBytes());
      } catch (ApiError e) {
        if (e.status() == 413) engine.metrics().rejected("too_large");
        throw e;
      }
      if (verdict == IngestAuth.Verdict.CHECK_SIGNATURE) {
        try {
          ingestAuth.verifySignature(ctx, body);
        } catch (ApiError e) {
          engine.metrics().rejected("unauthorized");
          throw e;
        }
      }
      Value parsed;
      try {
        parsed = Json.parse(body);
      } catch (Json.ParseException e) {
        engine.metrics().rejected("malformed_json");
        throw new ApiError(400, "the body is not valid JSON: " + e.getMessage())
            .field("line", e.line()).field("column", e.column()).field("offset", e.offset());
      }
      StoredEvent stored = store(engine, body, parsed, route);
      LOG.info("event {} accepted: {} bytes from {}{}", stored.id(), body.length, ctx.req().getRemoteAddr(),
          route == null ? "" : " for route '" + route + "'");
      json(ctx, 200, Map.of("id", stored.id()));
    } finally {
      ingestsInFlight.decrementAndGet();
    }
  }

  private StoredEvent store(Engine engine, byte[] body, Value parsed, String route) {
    CompletableFuture<StoredEvent> future;
    try {
      future = engine.ingest(body, parsed, route);
    } catch (Engine.UnknownRouteException e) {
      throw new ApiError(404, e.getMessage() + "; POST /tenant/{route} needs the name of a configured route");
    } catch (QueueFullException e) {
      throw new ApiError(503, e.getMessage()).header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
    } catch (Engine.ClosingException e) {
      throw shuttingDown();
    }
    try {
      // the store bounds its own writes; this only guards against a wedged future
      return future.get(2, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      LOG.error("storing an event failed; it was not accepted", cause);
      throw new ApiError(503, "the event could not be stored (" + cause.getMessage() + "); it was not accepted, retry later")
          .header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
    } catch (TimeoutException e) {
      throw new ApiError(503, "storing the event timed out; it may not have been accepted, retry later")
          .header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw shuttingDown();
    }
  }

  /** The engine, or 503 saying why there is none yet (a runner waiting for its configuration). */
  private Engine engine() {
    Engine e = backend.engine();
    if (e == null) throw notReady(backend.notReadyReason());
    return e;
  }

  /** The engine when it takes events, or 503 saying why not. */
  private Engine readyEngine() {
    Engine e = engine();
    String why = backend.notReadyReason();
    if (why != null) throw notReady(why);
    return e;
  }

  private static ApiError notReady(String why) {
    return new ApiError(503, (why == null ? "not ready" : why) + "; retry later")
        .header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
  }

  private static ApiError shuttingDown() {
    return new ApiError(503, "postee is shutting down; retry against another instance or after it restarts")
        .header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
  }

  // ---------------------------------------------------------------- admin and health

  private void readiness(Context ctx) {
    String why = draining ? "shutting down" : backend.notReadyReason();
    Map<String, Object> body = new LinkedHashMap<>();
    if (why != null) body.put("error", "not ready: " + why);
    body.put("ready", why == null);
    Engine engine = backend.engine();
    if (why == null) body.put("queue_depth", engine.queueDepth());
    if (backend.controller() != null) {
      body.put("role", "controller");
      body.put("backplane_connected", backend.backplane().isConnected());
    } else if (backend.runner() != null) {
      body.put("role", "runner");
      body.put("runner", backend.runner().name());
      body.put("config_version", backend.runner().configVersion());
      body.put("backplane_connected", backend.backplane().isConnected());
    }
    json(ctx, why == null ? 200 : 503, body);
  }

  private void events(Context ctx) {
    int limit = intParam(ctx, "limit", 50, MAX_EVENTS);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (RecentEvents.Entry e : engine().recentEvents(limit)) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", e.id());
      row.put("received_at", e.receivedAt());
      row.put("route", e.targetRoute());
      row.put("bytes", e.bytes());
      row.put("status", e.status());
      row.put("matched_routes", e.matchedRoutes());
      if (e.error() != null) row.put("error", e.error());
      rows.add(row);
    }
    json(ctx, 200, Map.of("events", rows));
  }

  private void reload(Context ctx) throws InterruptedException {
    admin.check(ctx);
    Runner runner = backend.runner();
    if (runner != null) {
      refreshFromController(ctx, runner);
      return;
    }
    Engine engine = engine();
    Engine.ReloadResult result = engine.reload();
    List<Map<String, Object>> problems = result.problems().stream()
        .map(p -> problem(ConfigProblems.located(p, engine.options().configFile()))).toList();
    Map<String, Object> body = new LinkedHashMap<>();
    if (result.applied()) {
      body.put("applied", true);
      body.put("message", result.message());
      body.put("routes", engine.compiledConfig().routes().size());
      body.put("warnings", problems);
      LOG.info("reload requested over HTTP by {}: applied", ctx.req().getRemoteAddr());
      json(ctx, 200, body);
    } else {
      body.put("error", result.message());
      body.put("applied", false);
      body.put("problems", problems);
      LOG.warn("reload requested over HTTP by {}: rejected", ctx.req().getRemoteAddr());
      json(ctx, 422, body);
    }
  }

  /** A runner's configuration belongs to the controller: /reload asks it for the current one. */
  private void refreshFromController(Context ctx, Runner runner) throws InterruptedException {
    String before = runner.configVersion();
    runner.refreshConfiguration(RUNNER_REFRESH_TIMEOUT);
    String now = runner.configVersion();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("config_version", now);
    body.put("changed", !now.equals(before));
    if (now.isEmpty()) {
      body.put("error", backend.notReadyReason() != null ? backend.notReadyReason()
          : "runner '" + runner.name() + "' has no configuration yet");
      LOG.warn("reload requested over HTTP by {}: the runner still has no configuration", ctx.req().getRemoteAddr());
      json(ctx, 503, body);
      return;
    }
    body.put("message", now.equals(before)
        ? "asked the controller for this runner's configuration: version " + now + " is current (or the controller did"
            + " not answer; see the log)"
        : "configuration version " + now + " from the controller applied (was " + (before.isEmpty() ? "none" : before) + ")");
    LOG.info("reload requested over HTTP by {}: runner configuration version {}", ctx.req().getRemoteAddr(), now);
    json(ctx, 200, body);
  }

  private void runners(Context ctx) {
    Controller controller = backend.controller();
    if (controller == null) {
      throw new ApiError(404, "GET /api/runners is served by a controller (--controller-mode); this process is "
          + (backend.runner() != null ? "runner '" + backend.runner().name() + "'" : "a standalone instance"));
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (RunnerStatus s : controller.runners()) rows.add(s.toJson());
    json(ctx, 200, Map.of("runners", rows));
  }

  private static Map<String, Object> problem(ConfigProblem p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("severity", p.severity());
    m.put("file", p.location().file());
    m.put("line", p.location().line());
    m.put("column", p.location().column());
    m.put("message", p.message());
    m.put("text", p.format());
    return m;
  }

  private void executions(Context ctx) {
    ExecutionQuery q = ExecutionQuery.latest(intParam(ctx, "limit", 100, MAX_EXECUTIONS));
    if (ctx.queryParam("route") != null) q = q.withRoute(ctx.queryParam("route"));
    if (ctx.queryParam("action") != null) q = q.withAction(ctx.queryParam("action"));
    if (ctx.queryParam("event") != null) q = q.withEventId(ctx.queryParam("event"));
    String outcome = ctx.queryParam("outcome");
    if (outcome != null) {
      try {
        q = q.withOutcome(ActionResult.Outcome.valueOf(outcome.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new ApiError(400, "outcome must be one of ok, failed, retry; not '" + outcome + "'");
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ExecutionRecord r : engine().executions(q)) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("execution_id", r.executionId());
      row.put("route", r.route());
      row.put("action", r.action());
      row.put("action_type", r.actionType());
      row.put("event_id", r.eventId());
      row.put("where", r.where());
      row.put("attempt", r.attempt());
      row.put("outcome", r.outcome());
      row.put("http_status", r.httpStatus());
      row.put("exit_code", r.exitCode());
      row.put("started_at", r.startedAt());
      row.put("duration_ms", r.duration());
      row.put("error", r.error());
      row.put("output", r.output());
      rows.add(row);
    }
    json(ctx, 200, Map.of("executions", rows));
  }

  private static int intParam(Context ctx, String name, int dflt, int max) {
    String text = ctx.queryParam(name);
    if (text == null || text.isBlank()) return dflt;
    try {
      int n = Integer.parseInt(text.strip());
      if (n >= 1 && n <= max) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ApiError(400, name + " must be a whole number from 1 to " + max + "; not '" + text + "'");
  }

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType(JSON).result(JsonText.write(body));
  }

  private static char[] randomPassword() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
  }

  // ---------------------------------------------------------------- shutdown

  /**
   * Stops accepting: listeners close, ingest answers 503 to requests on open connections, and this
   * waits (up to {@code waitMillis}) for ingest requests already being stored.
   */
  public void stopAccepting(long waitMillis) {
    draining = true;
    for (ServerConnector c : new ServerConnector[] {httpConnector, httpsConnector}) {
      if (c != null) c.shutdown();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    while (ingestsInFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20); // polling a counter during shutdown, no event to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Stops the server (after {@link #stopAccepting} and the engine's shutdown). */
  @Override
  public void close() {
    draining = true;
    app.stop();
  }
}
