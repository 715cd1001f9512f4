package dev.postee.cluster.nats;

import static dev.postee.cluster.nats.NatsTesting.assumeNatsServer;
import static dev.postee.cluster.nats.NatsTesting.fast;
import static dev.postee.cluster.nats.NatsTesting.serverOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.api.AccountStatistics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NatsServerSupervisorTest {
  @TempDir Path dir;

  @BeforeEach
  void needsNatsServer() {
    assumeNatsServer();
  }

  @Test
  void startsAServerWithJetStreamAndAnOwnerOnlyConfigUnderTheDataDirectory() throws Exception {
    try (NatsServerSupervisor server = NatsServerSupervisor.start(serverOptions(dir));
         Backplane client = Backplane.connect(fast(BackplaneOptions.of(server.clientUrl())), Duration.ofSeconds(10))) {
      assertThat(server.isReady()).isTrue();
      assertThat(server.pid()).isPresent();
      assertThat(server.clientUrl()).startsWith("nats://127.0.0.1:");
      assertThat(server.monitoringUrl().getHost()).isEqualTo("127.0.0.1");

      AccountStatistics js = client.jetStreamManagement().getAccountStatistics();
      assertThat(js).as("JetStream answers").isNotNull();

      assertThat(server.configFile()).isEqualTo(dir.resolve("nats/nats-server.conf").toAbsolutePath());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.configFile()))).isEqualTo("rw-------");
      String config = Files.readString(server.configFile());
      assertThat(config).contains("store_dir: \"" + dir.resolve("nats").toAbsolutePath() + "\"")
          .contains("http: \"127.0.0.1:" + server.monitoringUrl().getPort() + "\"")
          .doesNotContain("authorization {").doesNotContain("tls {");
      assertThat(server.storeDir()).isDirectory().startsWith(dir.toAbsolutePath());
    }
  }

  @Test
  void restartsTheServerAfterItIsKilledAndClientsReconnect() throws Exception {
    try (NatsServerSupervisor server = NatsServerSupervisor.start(serverOptions(dir));
         Backplane client = Backplane.connect(fast(BackplaneOptions.of(server.clientUrl())), Duration.ofSeconds(10))) {
      long first = server.pid().orElseThrow();
      ProcessHandle.of(first).orElseThrow().destroyForcibly(); // SIGKILL

      await().atMost(Duration.ofSeconds(30)).until(() ->
          server.restartCount() == 1 && server.pid().filter(p -> p != first).isPresent() && server.isReady());
      await().atMost(Duration.ofSeconds(20)).until(client::isConnected);
      assertThat(client.jetStreamManagement().getAccountStatistics()).isNotNull();
      assertThat(ProcessHandle.of(first)).isEmpty();
    }
  }

  @Test
  void closeStopsTheServerGracefully() {
    NatsServerSupervisor server = NatsServerSupervisor.start(serverOptions(dir));
    long pid = server.pid().orElseThrow();
    server.close();

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(server.pid()).isEmpty();
    assertThat(String.join("\n", server.recentOutput())).as("SIGTERM lets the server shut down cleanly")
        .contains("Server Exiting");
    assertThat(server.restartCount()).isZero();
  }

  @Test
  void aServerLeftOverByAKilledControllerIsStoppedBeforeTheNewOneStarts() throws Exception {
    NatsServerOptions options = serverOptions(dir);
    Path config;
    try (NatsServerSupervisor first = NatsServerSupervisor.start(options)) {
      config = first.configFile();
    }
    // what a controller killed with SIGKILL leaves behind: its nats-server, still holding the port
    Process leftover = new ProcessBuilder(NatsServerSupervisor.findBinary(options).toString(), "-c", config.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() ->
          Files.exists(config.resolveSibling("nats-server.pid"))
              && Files.readString(config.resolveSibling("nats-server.pid")).strip().equals(String.valueOf(leftover.pid())));
      try (NatsServerSupervisor second = NatsServerSupervisor.start(options)) {
        assertThat(leftover.isAlive()).isFalse();
        assertThat(second.isReady()).isTrue();
        assertThat(second.pid()).isPresent().get().isNotEqualTo(leftover.pid());
      }
    } finally {
      leftover.toHandle().destroyForcibly();
    }
  }

  @Test
  void aStartUpFailureReportsTheServersOwnWords() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      NatsServerOptions options = serverOptions("nats", taken.getLocalPort(), dir);
      assertThatThrownBy(() -> NatsServerSupervisor.start(options))
          .isInstanceOf(BackplaneException.class)
          .hasMessageContaining("while starting")
          .hasMessageContaining("address already in use");
    }
  }

  @Test
  void aMissingBinaryNamesThePackageAndTheNatsUrlAlternative() {
    NatsServerOptions options = serverOptions(dir).withEnvironment(Map.of("PATH", dir.resolve("empty").toString()));
    assertThatThrownBy(() -> NatsServerSupervisor.findBinary(options, List.of()))
        .isInstanceOf(BackplaneException.class)
        .hasMessageContaining("nats-server is not installed")
        .hasMessageContaining("apt-get install nats-server")
        .hasMessageContaining("--nats-url")
        .hasMessageContaining("POSTEE_NATS_SERVER");
  }

  @Test
  void theBinaryComesFromPosteeNatsServerWhenSet() throws IOException {
    Path fake = Files.createFile(dir.resolve("my-nats-server"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    NatsServerOptions options = serverOptions(dir).withEnvironment(Map.of("POSTEE_NATS_SERVER", fake.toString()));
    assertThat(NatsServerSupervisor.findBinary(options)).isEqualTo(fake);

    NatsServerOptions missing = serverOptions(dir).withEnvironment(Map.of("POSTEE_NATS_SERVER", "/no/such/nats-server"));
    assertThatThrownBy(() -> NatsServerSupervisor.start(missing))
        .isInstanceOf(BackplaneException.class)
        .hasMessageContaining("POSTEE_NATS_SERVER=/no/such/nats-server")
        .hasMessageContaining("apt-get install nats-server");
  }
}
