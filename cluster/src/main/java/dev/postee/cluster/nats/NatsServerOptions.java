package dev.postee.cluster.nats;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link NatsServerSupervisor} runs the controller's local {@code nats-server}.
 *
 * @param listenUrl {@code --controller-url}: {@code nats://host:port} or {@code tls://host:port}
 *     (port 4222 when absent); clients connect here
 * @param dataDir the controller's data directory; the server's config, pid file and JetStream store
 *     go to {@code dataDir/nats}
 * @param serverName the server's name (shown to clients, required by JetStream)
 * @param binary the {@code nats-server} executable; null = {@code $POSTEE_NATS_SERVER}, then {@code PATH},
 *     then {@code /usr/sbin}, {@code /usr/local/sbin}, {@code /usr/local/bin}, {@code /usr/bin}
 * @param tlsCert PEM server certificate ({@code --controller-tls-cert}); with {@code tlsKey}, turns TLS on
 * @param tlsKey PEM key of {@code tlsCert} ({@code --controller-tls-key})
 * @param tlsCa PEM CA ({@code --controller-ca-root}); when given, every client must present a certificate
 *     signed by it
 * @param authorization NKey users and their permissions; {@link NatsAuth.Authorization#NONE} = anyone
 * @param maxPayload the largest message the server accepts, in bytes (events may be large)
 * @param readyTimeout how long a start may take until the server and JetStream are ready
 * @param stopTimeout how long a stop waits after SIGTERM before SIGKILL
 * @param restartBackoffMin first wait before restarting a server that died (doubles per failure)
 * @param restartBackoffMax the longest wait between restarts
 * @param environment where {@code POSTEE_NATS_SERVER} and {@code PATH} are looked up
 */
public record NatsServerOptions(
    URI listenUrl,
    Path dataDir,
    String serverName,
    Path binary,
    Path tlsCert,
    Path tlsKey,
    Path tlsCa,
    NatsAuth.Authorization authorization,
    long maxPayload,
    Duration readyTimeout,
    Duration stopTimeout,
    Duration restartBackoffMin,
    Duration restartBackoffMax,
    Map<String, String> environment) {

  public static final int DEFAULT_PORT = 4222;
  public static final String BINARY_ENV = "POSTEE_NATS_SERVER";

  public NatsServerOptions {
    Objects.requireNonNull(listenUrl, "listenUrl");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(serverName, "serverName");
    Objects.requireNonNull(authorization, "authorization");
    environment = Map.copyOf(environment);
    String scheme = listenUrl.getScheme() == null ? "" : listenUrl.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("nats") && !scheme.equals("tls")) {
      throw new BackplaneException("--controller-url '" + listenUrl + "' must start with nats:// or tls://");
    }
    if (listenUrl.getHost() == null) {
      throw new BackplaneException("--controller-url '" + listenUrl + "' has no host (e.g. nats://0.0.0.0:4222)");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new BackplaneException("TLS for the local NATS server needs both --controller-tls-cert and --controller-tls-key");
    }
    if (!serverName.matches("[A-Za-z0-9_.-]+")) {
      throw new BackplaneException("NATS server name '" + serverName + "' may only hold letters, digits, '.', '_' and '-'");
    }
  }

  /** {@code controllerUrl} and {@code dataDir} with defaults: no TLS, no authentication. */
  public static NatsServerOptions of(String controllerUrl, Path dataDir) {
    URI uri;
    try {
      uri = new URI(controllerUrl);
    } catch (URISyntaxException e) {
      throw new BackplaneException("--controller-url '" + controllerUrl + "' is not a URL (nats://host:4222): " + e.getMessage());
    }
    return new NatsServerOptions(uri, dataDir, "postee-controller", null, null, null, null, NatsAuth.Authorization.NONE,
        8L * 1024 * 1024, Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofSeconds(30),
        System.getenv());
  }

  /** The checks across options that withers may satisfy only together; run before a start. */
  void checkComplete() {
    if (listenUrl.getScheme().equalsIgnoreCase("tls") && tlsCert == null) {
      throw new BackplaneException("--controller-url '" + listenUrl + "' asks for TLS; give --controller-tls-cert and"
          + " --controller-tls-key (the server's certificate and key)");
    }
    if (tlsCa != null && tlsCert == null) {
      throw new BackplaneException("--controller-ca-root needs TLS: give --controller-tls-cert and --controller-tls-key too");
    }
  }

  public String host() {
    return listenUrl.getHost();
  }

  public int port() {
    return listenUrl.getPort() > 0 ? listenUrl.getPort() : DEFAULT_PORT;
  }

  public boolean tls() {
    return tlsCert != null;
  }

  public NatsServerOptions withServerName(String name) {
    return new NatsServerOptions(listenUrl, dataDir, name, binary, tlsCert, tlsKey, tlsCa, authorization, maxPayload,
        readyTimeout, stopTimeout, restartBackoffMin, restartBackoffMax, environment);
  }

  public NatsServerOptions withBinary(Path path) {
    return new NatsServerOptions(listenUrl, dataDir, serverName, path, tlsCert, tlsKey, tlsCa, authorization, maxPayload,
        readyTimeout, stopTimeout, restartBackoffMin, restartBackoffMax, environment);
  }

  public NatsServerOptions withTls(Path cert, Path key, Path ca) {
    return new NatsServerOptions(listenUrl, dataDir, serverName, binary, cert, key, ca, authorization, maxPayload,
        readyTimeout, stopTimeout, restartBackoffMin, restartBackoffMax, environment);
  }

  public NatsServerOptions withAuthorization(NatsAuth.Authorization auth) {
    return new NatsServerOptions(listenUrl, dataDir, serverName, binary, tlsCert, tlsKey, tlsCa, auth, maxPayload,
        readyTimeout, stopTimeout, restartBackoffMin, restartBackoffMax, environment);
  }

  public NatsServerOptions withMaxPayload(long bytes) {
    return new NatsServerOptions(listenUrl, dataDir, serverName, binary, tlsCert, tlsKey, tlsCa, authorization, bytes,
        readyTimeout, stopTimeout, restartBackoffMin, restartBackoffMax, environment);
  }

  public NatsServerOptions withTimeouts(Duration ready, Duration stop) {
    return new NatsServerOptions(listenUrl, dataDir, serverName, binary, tlsCert, tlsKey, tlsCa, authorization, maxPayload,
        ready, stop, restartBackoffMin, restartBackoffMax, environment);
  }

  public NatsServerOptions withRestartBackoff(Duration min, Duration max) {
    return new NatsServerOptions(listenUrl, dataDir, serverName, binary, tlsCert, tlsKey, tlsCa, authorization, maxPayload,
        readyTimeout, stopTimeout, min, max, environment);
  }

  public NatsServerOptions withEnvironment(Map<String, String> env) {
    return new NatsServerOptions(listenUrl, dataDir, serverName, binary, tlsCert, tlsKey, tlsCa, authorization, maxPayload,
        readyTimeout, stopTimeout, restartBackoffMin, restartBackoffMax, env);
  }
}
