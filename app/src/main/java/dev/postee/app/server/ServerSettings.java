package dev.postee.app.server;

import dev.postee.core.store.StoreOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
 * @param dbSync SQLite's synchronous level for the embedded database (FULL: an acknowledged event
 *     survives a power loss; NORMAL: it survives a crash of the process, not of the machine)
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
    StoreOptions.Synchronous dbSync,
    ControllerSettings controller,
    RunnerSettings runner) {

  public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
  public static final String DEFAULT_HMAC_HEADER = "X-Postee-Signature";

  public ServerSettings {
    ingestTokens = List.copyOf(ingestTokens);
  }

  public enum Mode { STANDALONE, CONTROLLER, RUNNER }

  /**
   * {@code --controller-*} flags: the backplane this controller listens on or joins.
   *
   * @param url {@code --controller-url}: where the supervised nats-server listens; null with {@code natsUrls}
   * @param natsUrls {@code --nats-url}: an existing NATS server or cluster to use instead (empty = run one)
   * @param caRoot with TLS: clients must present a certificate signed by this CA (and the controller
   *     verifies the server with it)
   * @param seedFile NKey seed: the controller's key; the supervised server then requires NKeys
   * @param delegationTtl {@code --delegation-ttl}: a delegation no runner took within this is recorded as failed
   * @param ackWait {@code --delegation-ack-wait}: a delegation (or reported event) not acknowledged
   *     within this is delivered again, e.g. after its runner died mid-action
   * @param controllerId {@code --controller-id}, or null: generated once and kept in the data directory
   */
  public record ControllerSettings(String url, List<String> natsUrls, Path caRoot, Path tlsCert, Path tlsKey,
      Path seedFile, Duration delegationTtl, Duration ackWait, String controllerId) {
    public static final Duration DEFAULT_DELEGATION_TTL = Duration.ofHours(1);
    public static final Duration DEFAULT_ACK_WAIT = Duration.ofSeconds(60);

    public ControllerSettings {
      natsUrls = List.copyOf(natsUrls);
    }

    /** True when the controller runs its own nats-server at {@code url}; false with {@code --nats-url}. */
    public boolean supervisesNats() {
      return natsUrls.isEmpty();
    }
  }

  /**
   * {@code --runner-*} flags plus where the runner connects.
   *
   * @param urls {@code --nats-url} when given, else {@code --controller-url} (comma-separated lists allowed)
   * @param labels {@code --runner-label k=v}; {@code host=<hostname>} is added unless given
   * @param discoveryFile {@code --runner-discovery-file}, or null
   * @param webhookUrl {@code --runner-webhook-url}, or null: derived from the HTTP listener
   */
  public record RunnerSettings(String name, List<String> urls, Path caRoot, Path tlsCert, Path tlsKey, Path seedFile,
      Map<String, String> labels, Path discoveryFile, String webhookUrl) {
    public RunnerSettings {
      urls = List.copyOf(urls);
      labels = Map.copyOf(labels);
    }
  }

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
