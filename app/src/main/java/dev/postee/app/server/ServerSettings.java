package dev.postee.app.server;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a server process needs, resolved from flags, environment and defaults (see the CLI
 * reference in the README). Secrets are {@link Secret}s so that printing settings never leaks them.
 *
 * @param https null when the HTTPS listener is switched off ({@code --tls off})
 * @param certPem AQUAALERT_CERT_PEM, or null for a self-signed certificate kept under the data directory
 * @param keyPem AQUAALERT_KEY_PEM (given together with certPem)
 * @param maxBodyBytes largest ingest body accepted; larger ones get 413
 * @param ingestTokens bearer tokens accepted on ingest (empty = no token auth)
 * @param ingestHmacSecret key of the body signature accepted on ingest, or null
 * @param ingestHmacHeader header carrying {@code sha256=<hex>} of the body
 * @param adminToken bearer token of the admin endpoints; null = admin endpoints on loopback only
 * @param publicMetrics /metrics is served to anyone (for Prometheus scrapers without credentials)
 * @param controller controller-mode settings, or null
 * @param runner runner-mode settings, or null
 */
public record ServerSettings(
    ListenAddress http,
    ListenAddress https,
    Path configFile,
    Path databaseFile,
    Path templatesDir,
    Path filtersDir,
    Path certPem,
    Path keyPem,
    boolean debug,
    boolean strictConfig,
    long maxBodyBytes,
    List<Secret> ingestTokens,
    Secret ingestHmacSecret,
    String ingestHmacHeader,
    Secret adminToken,
    boolean publicMetrics,
    int workers,
    int maxQueuedEvents,
    ControllerSettings controller,
    RunnerSettings runner) {

  public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
  public static final String DEFAULT_HMAC_HEADER = "X-Postee-Signature";

  public ServerSettings {
    ingestTokens = List.copyOf(ingestTokens);
  }

  public enum Mode { STANDALONE, CONTROLLER, RUNNER }

  /** {@code --controller-*} flags: the backplane this controller listens on or joins. */
  public record ControllerSettings(String url, Path caRoot, Path tlsCert, Path tlsKey, Path seedFile) {}

  /** {@code --runner-*} flags plus the controller URL the runner connects to. */
  public record RunnerSettings(String name, String controllerUrl, Path caRoot, Path tlsCert, Path tlsKey, Path seedFile) {}

  public Mode mode() {
    if (runner != null) return Mode.RUNNER;
    return controller != null ? Mode.CONTROLLER : Mode.STANDALONE;
  }

  /** The directory of the database file, where the self-signed certificate and action scratch files live too. */
  public Path dataDir() {
    Path parent = databaseFile.toAbsolutePath().normalize().getParent();
    return parent == null ? Path.of("").toAbsolutePath() : parent;
  }
}
