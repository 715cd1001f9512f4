package dev.postee.cluster.nats;

import dev.postee.cluster.protocol.Subjects;
import io.nats.client.ErrorListener;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a {@link Backplane} connects.
 *
 * @param urls NATS servers ({@code nats://host:port}, {@code tls://host:port}); several = a cluster
 * @param connectionName shown by the server ({@code /connz}) and in its logs
 * @param caFile PEM CA the server certificate must chain to (TLS with verification); null = none, or the
 *     JVM trust store for {@code tls://} URLs
 * @param certFile PEM client certificate, for servers that verify clients; null = none
 * @param keyFile PEM private key of {@code certFile}
 * @param seedFile NKey seed (bare, decorated or {@code .creds}) to authenticate with; null = none
 * @param inboxPrefix prefix of reply subjects; a runner must use {@link Subjects#inboxPrefix} so that
 *     only it can read its replies; null = the client's default {@code _INBOX.}
 * @param connectTimeout how long one connection attempt to one server may take
 * @param reconnectWaitMin first wait between rounds of connection attempts (doubles per round)
 * @param reconnectWaitMax the longest wait between rounds; attempts never stop
 * @param pingInterval how often the link is probed; two missed pongs count as disconnected
 * @param errorListener also told about server errors (permission violations) and client exceptions; may be null
 */
public record BackplaneOptions(
    List<String> urls,
    String connectionName,
    Path caFile,
    Path certFile,
    Path keyFile,
    Path seedFile,
    String inboxPrefix,
    Duration connectTimeout,
    Duration reconnectWaitMin,
    Duration reconnectWaitMax,
    Duration pingInterval,
    ErrorListener errorListener) {

  public BackplaneOptions {
    urls = List.copyOf(urls);
    if (urls.isEmpty()) throw new BackplaneException("no NATS server URL given");
    for (String url : urls) checkUrl(url);
    Objects.requireNonNull(connectionName, "connectionName");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(reconnectWaitMin, "reconnectWaitMin");
    Objects.requireNonNull(reconnectWaitMax, "reconnectWaitMax");
    Objects.requireNonNull(pingInterval, "pingInterval");
    if ((certFile == null) != (keyFile == null)) {
      throw new BackplaneException("a client certificate needs both a certificate file and a key file");
    }
  }

  /** Options for {@code urls} (each may itself be a comma-separated list) with default timings. */
  public static BackplaneOptions of(String... urls) {
    List<String> list = new ArrayList<>();
    for (String u : urls) {
      for (String part : u.split(",")) if (!part.isBlank()) list.add(part.strip());
    }
    return new BackplaneOptions(list, "postee", null, null, null, null, null, Duration.ofSeconds(5),
        Duration.ofMillis(250), Duration.ofSeconds(15), Duration.ofSeconds(30), null);
  }

  /** A controller's connection. */
  public static BackplaneOptions forController(String name, String... urls) {
    return of(urls).withConnectionName("postee-controller " + name);
  }

  /** A runner's connection: its name on the server and its private inbox prefix. */
  public static BackplaneOptions forRunner(String runnerName, String... urls) {
    return of(urls).withConnectionName("postee-runner " + runnerName).withInboxPrefix(Subjects.inboxPrefix(runnerName));
  }

  public boolean tls() {
    return caFile != null || certFile != null || urls.stream().anyMatch(u -> u.toLowerCase(Locale.ROOT).startsWith("tls://"));
  }

  public BackplaneOptions withConnectionName(String name) {
    return new BackplaneOptions(urls, name, caFile, certFile, keyFile, seedFile, inboxPrefix, connectTimeout,
        reconnectWaitMin, reconnectWaitMax, pingInterval, errorListener);
  }

  /** TLS: the CA to verify the server with and, optionally, a client certificate and key. */
  public BackplaneOptions withTls(Path ca, Path cert, Path key) {
    return new BackplaneOptions(urls, connectionName, ca, cert, key, seedFile, inboxPrefix, connectTimeout,
        reconnectWaitMin, reconnectWaitMax, pingInterval, errorListener);
  }

  public BackplaneOptions withSeedFile(Path seed) {
    return new BackplaneOptions(urls, connectionName, caFile, certFile, keyFile, seed, inboxPrefix, connectTimeout,
        reconnectWaitMin, reconnectWaitMax, pingInterval, errorListener);
  }

  public BackplaneOptions withInboxPrefix(String prefix) {
    return new BackplaneOptions(urls, connectionName, caFile, certFile, keyFile, seedFile, prefix, connectTimeout,
        reconnectWaitMin, reconnectWaitMax, pingInterval, errorListener);
  }

  public BackplaneOptions withConnectTimeout(Duration timeout) {
    return new BackplaneOptions(urls, connectionName, caFile, certFile, keyFile, seedFile, inboxPrefix, timeout,
        reconnectWaitMin, reconnectWaitMax, pingInterval, errorListener);
  }

  public BackplaneOptions withReconnectWait(Duration min, Duration max) {
    return new BackplaneOptions(urls, connectionName, caFile, certFile, keyFile, seedFile, inboxPrefix, connectTimeout,
        min, max, pingInterval, errorListener);
  }

  public BackplaneOptions withPingInterval(Duration interval) {
    return new BackplaneOptions(urls, connectionName, caFile, certFile, keyFile, seedFile, inboxPrefix, connectTimeout,
        reconnectWaitMin, reconnectWaitMax, interval, errorListener);
  }

  public BackplaneOptions withErrorListener(ErrorListener listener) {
    return new BackplaneOptions(urls, connectionName, caFile, certFile, keyFile, seedFile, inboxPrefix, connectTimeout,
        reconnectWaitMin, reconnectWaitMax, pingInterval, listener);
  }

  private static void checkUrl(String url) {
    try {
      URI u = new URI(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("nats") && !scheme.equals("tls")) {
        throw new BackplaneException("NATS URL '" + url + "' must start with nats:// or tls://");
      }
      if (u.getHost() == null) throw new BackplaneException("NATS URL '" + url + "' has no host (nats://host:4222)");
    } catch (URISyntaxException e) {
      throw new BackplaneException("'" + url + "' is not a NATS URL (nats://host:4222 or tls://host:4222): " + e.getMessage());
    }
  }
}
