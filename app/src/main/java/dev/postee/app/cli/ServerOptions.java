package dev.postee.app.cli;

import dev.postee.app.server.ListenAddress;
import dev.postee.app.server.Secret;
import dev.postee.app.server.ServerSettings;
import dev.postee.core.config.ByteSizes;
import dev.postee.core.config.Durations;
import dev.postee.core.store.StoreOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The server's flags (SPEC §2) and their resolution against the environment. For Postee's own
 * settings the environment wins over a flag, as in Postee; for the settings added here a flag wins
 * over its environment variable. Fields stay null when a flag is absent so that resolution can
 * tell "given" from "default".
 */
final class ServerOptions {
  static final String DEFAULT_HTTP = "0.0.0.0:8082";
  static final String DEFAULT_HTTPS = "0.0.0.0:8445";
  static final String DEFAULT_CONFIG = "/config/cfg.yaml";
  static final String DEFAULT_DB = "./data/postee.db";
  static final String DEFAULT_FILTERS = "./rego-filters";
  static final String DEFAULT_TEMPLATES = "./rego-templates";
  static final int DEFAULT_WORKERS = 32;
  static final int DEFAULT_MAX_QUEUED = 10_000;

  @Option(names = "--url", paramLabel = "HOST:PORT",
      description = "HTTP listen address (default " + DEFAULT_HTTP + "; env POSTEE_HTTP, AQUAALERT_URL override it).")
  String url;

  @Option(names = "--tls", paramLabel = "HOST:PORT",
      description = "HTTPS listen address, or 'off' (default " + DEFAULT_HTTPS + "; env POSTEE_HTTPS, AQUAALERT_TLS override it)."
          + " Without AQUAALERT_CERT_PEM/AQUAALERT_KEY_PEM a self-signed certificate is generated under the data directory.")
  String tls;

  @Option(names = "--cfgfile", paramLabel = "FILE",
      description = "Configuration file (default " + DEFAULT_CONFIG + "; env POSTEE_CFG, AQUAALERT_CFG override it).")
  String cfgfile;

  @Option(names = "--controller-mode", arity = "0..1", fallbackValue = "true",
      description = "Run as controller: actions with runs-on are delegated to runners over NATS.")
  Boolean controllerMode;

  @Option(names = "--controller-url", paramLabel = "URL",
      description = "Controller: where its own nats-server listens (nats://0.0.0.0:4222, tls://0.0.0.0:4222); runner: the"
          + " controller's backplane to connect to (comma-separated for several servers).")
  String controllerUrl;

  @Option(names = "--nats-url", paramLabel = "URLS",
      description = "Use an existing NATS server or cluster (comma-separated nats:// or tls:// URLs) instead of the"
          + " controller's own nats-server; a runner connects there instead of --controller-url.")
  String natsUrl;

  @Option(names = "--controller-ca-root", paramLabel = "FILE",
      description = "Controller backplane: CA certificate (PEM); clients must then present a certificate it signed.")
  String controllerCaRoot;

  @Option(names = "--controller-tls-cert", paramLabel = "FILE", description = "Controller backplane: TLS certificate (PEM).")
  String controllerTlsCert;

  @Option(names = "--controller-tls-key", paramLabel = "FILE", description = "Controller backplane: TLS key (PEM).")
  String controllerTlsKey;

  @Option(names = "--controller-seed-file", paramLabel = "FILE",
      description = "Controller backplane: NKey seed file (Postee's shared seed, or the controller's own key).")
  String controllerSeedFile;

  @Option(names = "--controller-id", paramLabel = "ID",
      description = "Controller: stable id put into its delegations (default: generated once, kept in the database).")
  String controllerId;

  @Option(names = "--delegation-ttl", paramLabel = "DURATION",
      description = "Controller: a delegation no runner took within this is recorded as failed (default 1h; env"
          + " POSTEE_DELEGATION_TTL).")
  String delegationTtl;

  @Option(names = "--delegation-ack-wait", paramLabel = "DURATION",
      description = "Controller: work a runner took but did not finish or report progress on within this (it died) is"
          + " delivered again (default 60s; env POSTEE_DELEGATION_ACK_WAIT).")
  String delegationAckWait;

  @Option(names = "--runner-name", paramLabel = "NAME",
      description = "Non-empty: run as the runner of this name (conflicts with --controller-mode).")
  String runnerName;

  @Option(names = "--runner-ca-root", paramLabel = "FILE", description = "Runner: CA certificate of the controller's backplane (PEM).")
  String runnerCaRoot;

  @Option(names = "--runner-tls-cert", paramLabel = "FILE", description = "Runner: client TLS certificate (PEM).")
  String runnerTlsCert;

  @Option(names = "--runner-tls-key", paramLabel = "FILE", description = "Runner: client TLS key (PEM).")
  String runnerTlsKey;

  @Option(names = "--runner-seed-file", paramLabel = "FILE",
      description = "Runner: NKey seed file (the shared seed, or this runner's own key).")
  String runnerSeedFile;

  @Option(names = "--runner-label", paramLabel = "KEY=VALUE",
      description = "Runner: a label reported to the controller; repeatable (default host=<hostname>).")
  List<String> runnerLabels;

  @Option(names = "--runner-discovery-file", paramLabel = "FILE",
      description = "Runner: write its name, webhook address and labels to this JSON file for co-located producers.")
  String runnerDiscoveryFile;

  @Option(names = "--runner-webhook-url", paramLabel = "URL",
      description = "Runner: its HTTP address as producers reach it (default: derived from --url and the host name).")
  String runnerWebhookUrl;

  @Option(names = "--rego-templates", paramLabel = "DIR", description = "Directory of user Rego templates (default " + DEFAULT_TEMPLATES + ").")
  String regoTemplates;

  @Option(names = "--strict", arity = "0..1", fallbackValue = "true", description = "Unknown configuration keys are errors, not warnings.")
  Boolean strict;

  @Option(names = "--max-body-size", paramLabel = "SIZE",
      description = "Largest ingest body, e.g. 10MiB, 512KB or bytes (default 10MiB; env POSTEE_MAX_BODY_SIZE). Larger bodies get 413.")
  String maxBodySize;

  @Option(names = "--ingest-token", paramLabel = "TOKEN",
      description = "Bearer token accepted on ingest; repeatable (env POSTEE_INGEST_TOKEN, comma-separated). Prefer the environment: flags are visible in ps.")
  List<String> ingestTokens;

  @Option(names = "--ingest-hmac-secret", paramLabel = "SECRET",
      description = "Key of the HMAC-SHA256 body signature accepted on ingest (env POSTEE_INGEST_HMAC_SECRET).")
  String ingestHmacSecret;

  @Option(names = "--ingest-hmac-header", paramLabel = "NAME",
      description = "Header carrying the signature as sha256=<hex> (default " + ServerSettings.DEFAULT_HMAC_HEADER + "; env POSTEE_INGEST_HMAC_HEADER).")
  String ingestHmacHeader;

  @Option(names = "--admin-token", paramLabel = "TOKEN",
      description = "Bearer token of /events, /reload, /api/executions and /metrics (env POSTEE_ADMIN_TOKEN). Without one they are served on loopback connections only.")
  String adminToken;

  @Option(names = "--public-metrics", arity = "0..1", fallbackValue = "true",
      description = "Serve /metrics to anyone, without the admin token (env POSTEE_PUBLIC_METRICS).")
  Boolean publicMetrics;

  @Option(names = "--workers", paramLabel = "N", description = "Events processed concurrently (default " + DEFAULT_WORKERS + "; env POSTEE_WORKERS).")
  Integer workers;

  @Option(names = "--max-queued-events", paramLabel = "N",
      description = "Accepted but unfinished events before ingest answers 503 (default " + DEFAULT_MAX_QUEUED + "; env POSTEE_MAX_QUEUED_EVENTS).")
  Integer maxQueuedEvents;

  @Option(names = "--db-sync", paramLabel = "full|normal",
      description = "How the embedded database commits (env POSTEE_DB_SYNC): full (default) syncs every commit to disk, so an"
          + " acknowledged event survives a power loss; normal survives a crash or kill of the process, not of the machine,"
          + " and is faster.")
  String dbSync;

  /** Settings plus what the operator should be told about how they were resolved. */
  record Resolved(ServerSettings settings, List<String> notices) {}

  Resolved resolve(Env env) throws UsageException {
    List<String> notices = new ArrayList<>();
    String httpText = postee(env, "--url", url, DEFAULT_HTTP, notices, "POSTEE_HTTP", "AQUAALERT_URL");
    String httpsText = postee(env, "--tls", tls, DEFAULT_HTTPS, notices, "POSTEE_HTTPS", "AQUAALERT_TLS");
    String cfgText = postee(env, "--cfgfile", cfgfile, DEFAULT_CONFIG, notices, "POSTEE_CFG", "AQUAALERT_CFG");

    ListenAddress http = address("HTTP", httpText);
    ListenAddress https = isOff(httpsText) ? null : address("HTTPS", httpsText);
    if (https != null && https.port() != 0 && https.port() == http.port() && https.host().equals(http.host())) {
      throw new UsageException("HTTP and HTTPS cannot both listen on " + http + "; give --tls another port (or --tls off)");
    }

    String certText = env.first("AQUAALERT_CERT_PEM");
    String keyText = env.first("AQUAALERT_KEY_PEM");
    if ((certText == null) != (keyText == null)) {
      throw new UsageException((certText == null ? "AQUAALERT_KEY_PEM is set but AQUAALERT_CERT_PEM is not"
          : "AQUAALERT_CERT_PEM is set but AQUAALERT_KEY_PEM is not")
          + "; set both (certificate and key PEM files) or neither (a self-signed certificate is generated)");
    }

    long maxBody = ServerSettings.DEFAULT_MAX_BODY_BYTES;
    String bodyText = ours(env, maxBodySize, "POSTEE_MAX_BODY_SIZE");
    if (bodyText != null) {
      try {
        maxBody = ByteSizes.parse(bodyText);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--max-body-size: " + e.getMessage());
      }
      if (maxBody < 1) throw new UsageException("--max-body-size must be at least 1 byte: ingest bodies are never unbounded");
    }

    List<Secret> tokens = new ArrayList<>();
    if (ingestTokens != null && !ingestTokens.isEmpty()) {
      for (String t : ingestTokens) tokens.add(token("--ingest-token", t));
    } else if (env.first("POSTEE_INGEST_TOKEN") != null) {
      for (String t : env.first("POSTEE_INGEST_TOKEN").split(",")) {
        if (!t.isBlank()) tokens.add(token("POSTEE_INGEST_TOKEN", t.strip()));
      }
    }
    String hmac = ours(env, ingestHmacSecret, "POSTEE_INGEST_HMAC_SECRET");
    String hmacHeader = ours(env, ingestHmacHeader, "POSTEE_INGEST_HMAC_HEADER");
    if (hmacHeader == null) hmacHeader = ServerSettings.DEFAULT_HMAC_HEADER;
    if (!hmacHeader.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
      throw new UsageException("--ingest-hmac-header '" + hmacHeader + "' is not a valid HTTP header name");
    }
    String admin = ours(env, adminToken, "POSTEE_ADMIN_TOKEN");
    boolean metricsOpen = publicMetrics != null ? publicMetrics : env.isTrue("POSTEE_PUBLIC_METRICS");

    int workerCount = positive("--workers", workers, env, "POSTEE_WORKERS", DEFAULT_WORKERS);
    int maxQueued = positive("--max-queued-events", maxQueuedEvents, env, "POSTEE_MAX_QUEUED_EVENTS", DEFAULT_MAX_QUEUED);
    String syncText = ours(env, dbSync, "POSTEE_DB_SYNC");
    StoreOptions.Synchronous sync;
    switch (syncText == null ? "full" : syncText.strip().toLowerCase(Locale.ROOT)) {
      case "full" -> sync = StoreOptions.Synchronous.FULL;
      case "normal" -> sync = StoreOptions.Synchronous.NORMAL;
      default -> throw new UsageException((dbSync != null ? "--db-sync" : "POSTEE_DB_SYNC") + " must be full or normal, not '"
          + syncText + "'");
    }

    boolean controller = Boolean.TRUE.equals(controllerMode);
    boolean runner = runnerName != null && !runnerName.isEmpty();
    if (controller && runner) {
      throw new UsageException("--runner-name and --controller-mode conflict: a process is either the controller or a runner;"
          + " drop one of them");
    }
    ServerSettings.ControllerSettings controllerSettings = controller ? controllerSettings(env) : null;
    ServerSettings.RunnerSettings runnerSettings = runner ? runnerSettings() : null;

    ServerSettings settings = new ServerSettings(
        http, https, Path.of(cfgText),
        Path.of(orDefault(env.first("PATH_TO_DB"), DEFAULT_DB)),
        Path.of(orDefault(regoTemplates, DEFAULT_TEMPLATES)),
        Path.of(orDefault(env.first("REGO_FILTERS_PATH"), DEFAULT_FILTERS)),
        certText == null ? null : Path.of(certText),
        keyText == null ? null : Path.of(keyText),
        env.isTrue("POSTEE_DEBUG"),
        Boolean.TRUE.equals(strict),
        maxBody,
        tokens,
        hmac == null ? null : new Secret(hmac),
        hmacHeader,
        admin == null ? null : new Secret(admin),
        metricsOpen,
        workerCount,
        maxQueued,
        sync,
        controllerSettings,
        runnerSettings);
    return new Resolved(settings, List.copyOf(notices));
  }

  private ServerSettings.ControllerSettings controllerSettings(Env env) throws UsageException {
    List<String> natsUrls = urls("--nats-url", natsUrl);
    List<String> listenUrls = urls("--controller-url", controllerUrl);
    String listen = listenUrls.isEmpty() ? null : listenUrls.getFirst();
    if (listen == null && natsUrls.isEmpty()) {
      throw new UsageException("controller mode needs --controller-url (where its own nats-server listens, e.g."
          + " nats://0.0.0.0:4222) or --nats-url (an existing NATS server or cluster)");
    }
    if (listen != null && !natsUrls.isEmpty()) {
      throw new UsageException("--controller-url and --nats-url conflict on a controller: with --nats-url it uses that"
          + " NATS server and runs none of its own; drop one of them");
    }
    if (listenUrls.size() > 1) {
      throw new UsageException("--controller-url on a controller is one listen address (nats://0.0.0.0:4222), not a list;"
          + " use --nats-url for an existing cluster");
    }
    if ((controllerTlsCert == null) != (controllerTlsKey == null)) {
      throw new UsageException("--controller-tls-cert and --controller-tls-key go together: give both or neither");
    }
    Duration ttl = duration("--delegation-ttl", ours(env, delegationTtl, "POSTEE_DELEGATION_TTL"),
        ServerSettings.ControllerSettings.DEFAULT_DELEGATION_TTL);
    Duration ackWait = duration("--delegation-ack-wait", ours(env, delegationAckWait, "POSTEE_DELEGATION_ACK_WAIT"),
        ServerSettings.ControllerSettings.DEFAULT_ACK_WAIT);
    if (ackWait.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new UsageException("--delegation-ack-wait must be at least 1s: runners report progress three times per ack wait");
    }
    String id = controllerId == null || controllerId.isBlank() ? null : controllerId.strip();
    return new ServerSettings.ControllerSettings(listen, natsUrls, path(controllerCaRoot), path(controllerTlsCert),
        path(controllerTlsKey), path(controllerSeedFile), ttl, ackWait, id);
  }

  private ServerSettings.RunnerSettings runnerSettings() throws UsageException {
    List<String> natsUrls = urls("--nats-url", natsUrl);
    List<String> target = natsUrls.isEmpty() ? urls("--controller-url", controllerUrl) : natsUrls;
    if (target.isEmpty()) {
      throw new UsageException("runner mode needs --controller-url (the controller's backplane, e.g."
          + " nats://controller.example.com:4222) or --nats-url");
    }
    if ((runnerTlsCert == null) != (runnerTlsKey == null)) {
      throw new UsageException("--runner-tls-cert and --runner-tls-key go together: give both or neither");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (runnerLabels != null) {
      for (String l : runnerLabels) {
        int eq = l.indexOf('=');
        if (eq <= 0) throw new UsageException("--runner-label '" + l + "' must be KEY=VALUE, e.g. zone=eu-1");
        labels.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
      }
    }
    String webhook = runnerWebhookUrl == null || runnerWebhookUrl.isBlank() ? null : runnerWebhookUrl.strip();
    if (webhook != null && !webhook.matches("(?i)https?://.+")) {
      throw new UsageException("--runner-webhook-url '" + webhook + "' must be an http:// or https:// URL");
    }
    return new ServerSettings.RunnerSettings(runnerName, target, path(runnerCaRoot), path(runnerTlsCert),
        path(runnerTlsKey), path(runnerSeedFile), labels, path(runnerDiscoveryFile), webhook);
  }

  private static List<String> urls(String flag, String text) throws UsageException {
    List<String> out = new ArrayList<>();
    if (text == null) return out;
    for (String part : text.split(",")) {
      String u = part.strip();
      if (u.isEmpty()) continue;
      if (!u.matches("(?i)(nats|tls)://[^/]+")) {
        throw new UsageException(flag + " '" + u + "' must be a NATS URL: nats://host:port or tls://host:port");
      }
      out.add(u);
    }
    return out;
  }

  private static Duration duration(String flag, String text, Duration dflt) throws UsageException {
    if (text == null) return dflt;
    Duration d;
    try {
      d = Durations.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + " '" + text + "' is not " + Durations.EXPECTED);
    }
    if (d.isZero() || d.isNegative()) throw new UsageException(flag + " must be positive, not '" + text + "'");
    return d;
  }

  /** Postee's precedence: POSTEE_* variable, then AQUAALERT_*, then the flag, then the default. */
  private static String postee(Env env, String flag, String given, String dflt, List<String> notices, String... vars) {
    String fromEnv = env.first(vars);
    if (fromEnv != null) {
      if (given != null && !given.equals(fromEnv)) {
        notices.add(env.firstName(vars) + "=" + fromEnv + " overrides " + flag + " " + given + " (the environment wins, as in Postee)");
      }
      return fromEnv;
    }
    return given != null ? given : dflt;
  }

  /** Settings added here: the flag, then the variable. */
  private static String ours(Env env, String given, String var) {
    return given != null ? given : env.first(var);
  }

  private static boolean isOff(String text) {
    return Arrays.asList("off", "none", "false", "disabled").contains(text.strip().toLowerCase(Locale.ROOT));
  }

  private static ListenAddress address(String what, String text) throws UsageException {
    try {
      return ListenAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(what + " listen address: " + e.getMessage());
    }
  }

  private static Secret token(String where, String value) throws UsageException {
    if (value.isBlank()) throw new UsageException(where + ": an empty token would accept anyone; give a real token");
    return new Secret(value);
  }

  private static int positive(String flag, Integer given, Env env, String var, int dflt) throws UsageException {
    if (given != null) {
      if (given < 1) throw new UsageException(flag + " must be at least 1, not " + given);
      return given;
    }
    String text = env.first(var);
    if (text == null) return dflt;
    try {
      int n = Integer.parseInt(text.strip());
      if (n >= 1) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(var + "=" + text + " is not a whole number of at least 1");
  }

  private static String orDefault(String value, String dflt) {
    return value != null ? value : dflt;
  }

  private static Path path(String s) {
    return s == null || s.isEmpty() ? null : Path.of(s);
  }
}
