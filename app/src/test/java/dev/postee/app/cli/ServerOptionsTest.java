package dev.postee.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.app.server.ListenAddress;
import dev.postee.app.server.Secret;
import dev.postee.app.server.ServerSettings;
import dev.postee.core.store.StoreOptions;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How flags, environment variables and defaults combine into the server's settings (SPEC §2). */
class ServerOptionsTest {
  private static ServerOptions.Resolved resolve(Map<String, String> env, String... args) throws UsageException {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream());
    PosteeCommand root = new PosteeCommand(new Cli(env, sink, sink));
    new CommandLine(root).parseArgs(args);
    return root.options.resolve(new Env(env));
  }

  private static ServerSettings settings(Map<String, String> env, String... args) throws UsageException {
    return resolve(env, args).settings();
  }

  @Test
  void withoutFlagsOrEnvironmentTheDefaultsArePostees() throws Exception {
    ServerSettings s = settings(Map.of());
    assertThat(s.http()).isEqualTo(new ListenAddress("0.0.0.0", 8082));
    assertThat(s.https()).isEqualTo(new ListenAddress("0.0.0.0", 8445));
    assertThat(s.configFile()).isEqualTo(Path.of("/config/cfg.yaml"));
    assertThat(s.databaseFile()).isEqualTo(Path.of("./data/postee.db"));
    assertThat(s.filtersDir()).isEqualTo(Path.of("./rego-filters"));
    assertThat(s.templatesDir()).isEqualTo(Path.of("./rego-templates"));
    assertThat(s.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(s.ingestTokens()).isEmpty();
    assertThat(s.ingestHmacSecret()).isNull();
    assertThat(s.ingestHmacHeader()).isEqualTo("X-Postee-Signature");
    assertThat(s.adminToken()).isNull();
    assertThat(s.debug()).isFalse();
    assertThat(s.strictConfig()).isFalse();
    assertThat(s.publicMetrics()).isFalse();
    assertThat(s.workers()).isEqualTo(32);
    assertThat(s.maxQueuedEvents()).isEqualTo(10_000);
    assertThat(s.dbSync()).isEqualTo(StoreOptions.Synchronous.FULL);
    assertThat(s.mode()).isEqualTo(ServerSettings.Mode.STANDALONE);
  }

  @Test
  void flagsAcceptBothTheEqualsAndTheSeparateValueForm() throws Exception {
    ServerSettings s = settings(Map.of(), "--url=127.0.0.1:9000", "--tls", "127.0.0.1:9443", "--cfgfile", "a.yaml",
        "--rego-templates=tpl", "--max-body-size", "1MiB", "--workers=4", "--max-queued-events", "7", "--strict");
    assertThat(s.http()).isEqualTo(new ListenAddress("127.0.0.1", 9000));
    assertThat(s.https()).isEqualTo(new ListenAddress("127.0.0.1", 9443));
    assertThat(s.configFile()).isEqualTo(Path.of("a.yaml"));
    assertThat(s.templatesDir()).isEqualTo(Path.of("tpl"));
    assertThat(s.maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(s.workers()).isEqualTo(4);
    assertThat(s.maxQueuedEvents()).isEqualTo(7);
    assertThat(s.strictConfig()).isTrue();
  }

  @Test
  void databaseSyncComesFromTheFlagOrTheEnvironmentAndRejectsOtherLevels() throws Exception {
    assertThat(settings(Map.of(), "--db-sync", "normal").dbSync()).isEqualTo(StoreOptions.Synchronous.NORMAL);
    assertThat(settings(Map.of("POSTEE_DB_SYNC", "NORMAL")).dbSync()).isEqualTo(StoreOptions.Synchronous.NORMAL);
    assertThatThrownBy(() -> settings(Map.of(), "--db-sync", "off"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--db-sync must be full or normal, not 'off'");
  }

  @Test
  void posteeVariablesOverrideFlagsAndWinOverTheirAquaalertNames() throws Exception {
    Map<String, String> env = Map.of(
        "POSTEE_HTTP", "127.0.0.1:1001", "AQUAALERT_URL", "127.0.0.1:2001",
        "POSTEE_HTTPS", "127.0.0.1:1002", "AQUAALERT_TLS", "127.0.0.1:2002",
        "POSTEE_CFG", "/p.yaml", "AQUAALERT_CFG", "/a.yaml");
    ServerOptions.Resolved r = resolve(env, "--url", "127.0.0.1:3001", "--tls", "127.0.0.1:3002", "--cfgfile", "/flag.yaml");
    assertThat(r.settings().http().port()).isEqualTo(1001);
    assertThat(r.settings().https().port()).isEqualTo(1002);
    assertThat(r.settings().configFile()).isEqualTo(Path.of("/p.yaml"));
    assertThat(r.notices()).containsExactly(
        "POSTEE_HTTP=127.0.0.1:1001 overrides --url 127.0.0.1:3001 (the environment wins, as in Postee)",
        "POSTEE_HTTPS=127.0.0.1:1002 overrides --tls 127.0.0.1:3002 (the environment wins, as in Postee)",
        "POSTEE_CFG=/p.yaml overrides --cfgfile /flag.yaml (the environment wins, as in Postee)");
  }

  @Test
  void aquaalertVariablesApplyWhenThePosteeOnesAreUnsetOrEmpty() throws Exception {
    Map<String, String> env = Map.of("POSTEE_HTTP", "", "AQUAALERT_URL", ":2001", "AQUAALERT_TLS", ":2002",
        "AQUAALERT_CFG", "/a.yaml");
    ServerSettings s = settings(env, "--url", "127.0.0.1:3001");
    assertThat(s.http()).isEqualTo(new ListenAddress("0.0.0.0", 2001));
    assertThat(s.https()).isEqualTo(new ListenAddress("0.0.0.0", 2002));
    assertThat(s.configFile()).isEqualTo(Path.of("/a.yaml"));
  }

  @Test
  void storageFiltersAndCertificatesComeFromTheEnvironment() throws Exception {
    ServerSettings s = settings(Map.of("PATH_TO_DB", "/var/lib/postee/p.db", "REGO_FILTERS_PATH", "/filters",
        "AQUAALERT_CERT_PEM", "/tls/cert.pem", "AQUAALERT_KEY_PEM", "/tls/key.pem"));
    assertThat(s.databaseFile()).isEqualTo(Path.of("/var/lib/postee/p.db"));
    assertThat(s.dataDir()).isEqualTo(Path.of("/var/lib/postee"));
    assertThat(s.filtersDir()).isEqualTo(Path.of("/filters"));
    assertThat(s.certPem()).isEqualTo(Path.of("/tls/cert.pem"));
    assertThat(s.keyPem()).isEqualTo(Path.of("/tls/key.pem"));
  }

  @Test
  void aCertificateWithoutItsKeyIsAUsageError() {
    assertThatThrownBy(() -> settings(Map.of("AQUAALERT_CERT_PEM", "/tls/cert.pem")))
        .isInstanceOf(UsageException.class)
        .hasMessage("AQUAALERT_CERT_PEM is set but AQUAALERT_KEY_PEM is not; set both (certificate and key PEM files)"
            + " or neither (a self-signed certificate is generated)");
  }

  @Test
  void posteeDebugAcceptsTheUsualTrueValues() throws Exception {
    for (String v : new String[] {"true", "TRUE", "1", "yes", "on"}) {
      assertThat(settings(Map.of("POSTEE_DEBUG", v)).debug()).as(v).isTrue();
    }
    for (String v : new String[] {"false", "0", "no", ""}) {
      assertThat(settings(Map.of("POSTEE_DEBUG", v)).debug()).as(v).isFalse();
    }
  }

  @Test
  void ourFlagsWinOverTheirVariables() throws Exception {
    Map<String, String> env = Map.of("POSTEE_INGEST_TOKEN", "env-a, env-b", "POSTEE_ADMIN_TOKEN", "env-admin",
        "POSTEE_INGEST_HMAC_SECRET", "env-hmac", "POSTEE_MAX_BODY_SIZE", "2MB", "POSTEE_WORKERS", "3");
    ServerSettings fromEnv = settings(env);
    assertThat(fromEnv.ingestTokens()).extracting(Secret::value).containsExactly("env-a", "env-b");
    assertThat(fromEnv.adminToken().value()).isEqualTo("env-admin");
    assertThat(fromEnv.ingestHmacSecret().value()).isEqualTo("env-hmac");
    assertThat(fromEnv.maxBodyBytes()).isEqualTo(2L * 1024 * 1024);
    assertThat(fromEnv.workers()).isEqualTo(3);

    ServerSettings fromFlags = settings(env, "--ingest-token", "f1", "--ingest-token=f2", "--admin-token", "flag-admin",
        "--ingest-hmac-secret", "flag-hmac", "--max-body-size", "512", "--workers", "9");
    assertThat(fromFlags.ingestTokens()).extracting(Secret::value).containsExactly("f1", "f2");
    assertThat(fromFlags.adminToken().value()).isEqualTo("flag-admin");
    assertThat(fromFlags.ingestHmacSecret().value()).isEqualTo("flag-hmac");
    assertThat(fromFlags.maxBodyBytes()).isEqualTo(512);
    assertThat(fromFlags.workers()).isEqualTo(9);
  }

  @Test
  void settingsNeverPrintTheirSecrets() throws Exception {
    ServerSettings s = settings(Map.of(), "--ingest-token", "tok-123", "--admin-token", "adm-456", "--ingest-hmac-secret", "mac-789");
    assertThat(s.toString()).doesNotContain("tok-123", "adm-456", "mac-789").contains("<redacted>");
  }

  @Test
  void theHttpsListenerCanBeSwitchedOff() throws Exception {
    assertThat(settings(Map.of(), "--tls", "off").https()).isNull();
    assertThat(settings(Map.of("POSTEE_HTTPS", "none")).https()).isNull();
  }

  @Test
  void controllerAndRunnerFlagsAreParsedForTheClusterModes() throws Exception {
    ServerSettings controller = settings(Map.of(), "--controller-mode", "--controller-url", "nats://0.0.0.0:4222",
        "--controller-ca-root=ca.pem", "--controller-tls-cert", "c.pem", "--controller-tls-key", "k.pem", "--controller-seed-file", "seed",
        "--controller-id", "ctl-a", "--delegation-ttl", "30m");
    assertThat(controller.mode()).isEqualTo(ServerSettings.Mode.CONTROLLER);
    assertThat(controller.controller()).isEqualTo(new ServerSettings.ControllerSettings("nats://0.0.0.0:4222", List.of(),
        Path.of("ca.pem"), Path.of("c.pem"), Path.of("k.pem"), Path.of("seed"), Duration.ofMinutes(30), Duration.ofSeconds(60),
        "ctl-a"));
    assertThat(controller.controller().supervisesNats()).isTrue();

    ServerSettings runner = settings(Map.of(), "--runner-name=node-1", "--controller-url", "tls://ctl:4222",
        "--runner-ca-root", "ca.pem", "--runner-tls-cert", "c.pem", "--runner-tls-key", "k.pem", "--runner-seed-file", "seed",
        "--runner-label", "zone=eu-1", "--runner-label=host=node-1.example", "--runner-discovery-file", "/run/postee.json",
        "--runner-webhook-url", "http://node-1:8082");
    assertThat(runner.mode()).isEqualTo(ServerSettings.Mode.RUNNER);
    assertThat(runner.runner()).isEqualTo(new ServerSettings.RunnerSettings("node-1", List.of("tls://ctl:4222"),
        Path.of("ca.pem"), Path.of("c.pem"), Path.of("k.pem"), Path.of("seed"),
        Map.of("zone", "eu-1", "host", "node-1.example"), Path.of("/run/postee.json"), "http://node-1:8082"));

    assertThat(settings(Map.of(), "--controller-mode=false").mode()).isEqualTo(ServerSettings.Mode.STANDALONE);
    assertThat(settings(Map.of(), "--runner-name", "").mode()).isEqualTo(ServerSettings.Mode.STANDALONE);
  }

  @Test
  void natsUrlReplacesTheControllersOwnServerAndIsWhereARunnerConnects() throws Exception {
    ServerSettings.ControllerSettings c = settings(Map.of("POSTEE_DELEGATION_TTL", "2h", "POSTEE_DELEGATION_ACK_WAIT", "5s"),
        "--controller-mode", "--nats-url", "nats://n1:4222, nats://n2:4222").controller();
    assertThat(c.natsUrls()).containsExactly("nats://n1:4222", "nats://n2:4222");
    assertThat(c.supervisesNats()).isFalse();
    assertThat(c.delegationTtl()).isEqualTo(Duration.ofHours(2));
    assertThat(c.ackWait()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings(Map.of("POSTEE_DELEGATION_TTL", "2h"), "--controller-mode", "--nats-url", "nats://n1:4222",
        "--delegation-ttl", "10m").controller().delegationTtl()).as("a flag wins over its variable").isEqualTo(Duration.ofMinutes(10));

    assertThat(settings(Map.of(), "--runner-name", "r", "--controller-url", "nats://ctl:4222", "--nats-url",
        "nats://n1:4222,nats://n2:4222").runner().urls()).containsExactly("nats://n1:4222", "nats://n2:4222");
  }

  @Test
  void clusterFlagMistakesSayWhatIsExpected() {
    assertThatThrownBy(() -> settings(Map.of(), "--controller-mode", "--controller-url", "nats://0.0.0.0:4222",
        "--nats-url", "nats://n1:4222")).hasMessageContaining("--controller-url and --nats-url conflict on a controller");
    assertThatThrownBy(() -> settings(Map.of(), "--controller-mode", "--controller-url", "http://0.0.0.0:4222"))
        .hasMessageContaining("--controller-url 'http://0.0.0.0:4222' must be a NATS URL");
    assertThatThrownBy(() -> settings(Map.of(), "--controller-mode", "--nats-url", "nats://n1:4222", "--delegation-ttl", "soon"))
        .hasMessageContaining("--delegation-ttl 'soon' is not a duration such as 30s");
    assertThatThrownBy(() -> settings(Map.of(), "--runner-name", "r", "--controller-url", "nats://c:4222",
        "--runner-label", "zone")).hasMessageContaining("--runner-label 'zone' must be KEY=VALUE");
    assertThatThrownBy(() -> settings(Map.of(), "--runner-name", "r", "--controller-url", "nats://c:4222",
        "--runner-tls-cert", "c.pem")).hasMessageContaining("--runner-tls-cert and --runner-tls-key go together");
  }

  @Test
  void runnerNameWithControllerModeIsAClearError() {
    assertThatThrownBy(() -> settings(Map.of(), "--controller-mode", "--runner-name", "r1"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--runner-name and --controller-mode conflict");
  }

  @Test
  void badValuesSayWhatIsExpected() {
    assertThatThrownBy(() -> settings(Map.of(), "--url", "localhost"))
        .hasMessage("HTTP listen address: 'localhost' is not a listen address; expected host:port, e.g. 0.0.0.0:8082 or :8082");
    assertThatThrownBy(() -> settings(Map.of(), "--tls", "h:99999"))
        .hasMessage("HTTPS listen address: 'h:99999' has no valid port; expected host:port with a port from 0 to 65535");
    assertThatThrownBy(() -> settings(Map.of(), "--max-body-size", "ten"))
        .hasMessageStartingWith("--max-body-size: 'ten' is not a size");
    assertThatThrownBy(() -> settings(Map.of(), "--max-body-size", "0"))
        .hasMessageContaining("ingest bodies are never unbounded");
    assertThatThrownBy(() -> settings(Map.of("POSTEE_WORKERS", "many")))
        .hasMessage("POSTEE_WORKERS=many is not a whole number of at least 1");
    assertThatThrownBy(() -> settings(Map.of(), "--url", ":8000", "--tls", ":8000"))
        .hasMessageContaining("cannot both listen on 0.0.0.0:8000");
    assertThatThrownBy(() -> settings(Map.of(), "--ingest-hmac-header", "bad header"))
        .hasMessageContaining("not a valid HTTP header name");
  }

  @Test
  void listenAddressesAreWrittenAsPosteeWritesThem() {
    assertThat(ListenAddress.parse(":8082")).isEqualTo(new ListenAddress("0.0.0.0", 8082));
    assertThat(ListenAddress.parse("[::1]:8082")).isEqualTo(new ListenAddress("::1", 8082));
    assertThat(ListenAddress.parse("[::1]:8082").toString()).isEqualTo("[::1]:8082");
    assertThat(ListenAddress.parse("example.org:0")).isEqualTo(new ListenAddress("example.org", 0));
  }
}
