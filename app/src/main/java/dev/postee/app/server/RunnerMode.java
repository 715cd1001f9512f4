package dev.postee.app.server;

import dev.postee.app.Version;
import dev.postee.app.http.Backend;
import dev.postee.app.tls.TlsMaterial;
import dev.postee.cluster.nats.BackplaneException;
import dev.postee.cluster.nats.BackplaneOptions;
import dev.postee.cluster.runner.Runner;
import dev.postee.cluster.runner.RunnerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --runner-name NAME}: the runner (its configuration comes from the controller; until it
 * has one, ingest and {@code /readyz} answer 503 saying why), then the HTTP API. {@code /reload}
 * asks the controller for the current configuration. The call sequence is {@link Runner}'s.
 */
final class RunnerMode {
  private static final Logger LOG = LoggerFactory.getLogger(RunnerMode.class);

  private RunnerMode() {}

  static PosteeServer start(ServerSettings settings, TlsMaterial tls) throws PosteeServer.StartException {
    ServerSettings.RunnerSettings r = settings.runner();
    boolean derivedWebhook = r.webhookUrl() == null;
    String webhook = derivedWebhook ? webhookUrl(settings.http(), settings.http().port()) : r.webhookUrl();
    Runner runner;
    try {
      BackplaneOptions backplane = BackplaneOptions.forRunner(r.name(), r.urls().toArray(String[]::new))
          .withTls(r.caRoot(), r.tlsCert(), r.tlsKey())
          .withSeedFile(r.seedFile());
      RunnerOptions options = RunnerOptions.of(r.name(), settings.dataDir(), backplane)
          .withLabels(r.labels())
          .withWebhookUrl(webhook)
          .withDiscoveryFile(r.discoveryFile())
          .withDatabaseFile(settings.databaseFile())
          .withVersion(Version.get())
          .withEngineOptions(o -> o.withWorkers(settings.workers()).withMaxQueuedEvents(settings.maxQueuedEvents())
              .withStoreOptions(o.storeOptions().withSynchronous(settings.dbSync())));
      LOG.info("postee {} starting as runner '{}': controller {}, database {}, configuration kept in {}", Version.get(),
          r.name(), String.join(",", r.urls()), settings.databaseFile(), settings.dataDir().resolve("runner-config"));
      runner = Runner.start(options);
    } catch (BackplaneException | IllegalArgumentException | UncheckedIOException e) {
      // unreadable TLS or seed files, a bad URL, a data directory or discovery file that cannot be written
      throw new PosteeServer.StartException("runner '" + r.name() + "': " + e.getMessage(), List.of(), false);
    }
    PosteeServer server = PosteeServer.listen(settings, Backend.runner(runner), tls, runner);
    if (derivedWebhook && settings.http().port() == 0) {
      // port 0: the address is known only now that the listener is bound
      runner.setWebhookUrl(webhookUrl(settings.http(), server.httpPort()));
    }
    return server;
  }

  /** The runner's HTTP address as co-located producers reach it: a wildcard listener means the host name. */
  static String webhookUrl(ListenAddress http, int port) {
    String host = http.host();
    if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) host = hostname();
    if (host.contains(":")) host = "[" + host + "]";
    return "http://" + host + ":" + port;
  }

  static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String env = System.getenv("HOSTNAME");
      return env != null && !env.isBlank() ? env : "localhost";
    }
  }
}
