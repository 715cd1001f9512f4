package dev.postee.cluster.nats;

import static dev.postee.cluster.nats.NatsTesting.assumeNatsServer;
import static dev.postee.cluster.nats.NatsTesting.fast;
import static dev.postee.cluster.nats.NatsTesting.freePort;
import static dev.postee.cluster.nats.NatsTesting.serverOptions;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.cluster.protocol.Subjects;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackplaneTest {
  @TempDir Path dir;

  @BeforeEach
  void needsNatsServer() {
    assumeNatsServer();
  }

  @Test
  void theFirstConnectionIsRetriedUntilTheServerComesUp() throws Exception {
    int port = freePort();
    try (Backplane runner = Backplane.start(fast(BackplaneOptions.forRunner("r1", "nats://127.0.0.1:" + port)))) {
      List<Connection> fresh = new CopyOnWriteArrayList<>();
      runner.onConnection(fresh::add);
      await().atMost(Duration.ofSeconds(10)).until(() -> runner.lastProblem() != null);
      assertThat(runner.isConnected()).isFalse();
      assertThat(runner.lastProblem()).contains("Connection refused");

      try (NatsServerSupervisor server = NatsServerSupervisor.start(serverOptions("nats", port, dir))) {
        assertThat(runner.awaitConnected(Duration.ofSeconds(20))).isTrue();
        assertThat(runner.connection().getServerInfo().getServerName()).isEqualTo(server.options().serverName());
        assertThat(fresh).hasSize(1).containsExactly(runner.connection());
        assertThat(runner.connection().getOptions().getInboxPrefix()).isEqualTo(Subjects.inboxPrefix("r1"));
      }
    }
  }

  @Test
  void aConnectionTheClientClosesOnItsOwnIsReplacedAndListenersHearOfIt() throws Exception {
    try (NatsServerSupervisor server = NatsServerSupervisor.start(serverOptions(dir));
         Backplane runner = Backplane.connect(fast(BackplaneOptions.forRunner("r1", server.clientUrl())),
             Duration.ofSeconds(10))) {
      List<Connection> fresh = new CopyOnWriteArrayList<>();
      runner.onConnection(fresh::add);
      Connection first = runner.connection();
      assertThat(fresh).containsExactly(first);

      first.close(); // as jnats does when it gives up (e.g. after repeated authentication errors)

      await().atMost(Duration.ofSeconds(10)).until(() -> fresh.size() == 2 && runner.isConnected());
      assertThat(runner.connection()).isSameAs(fresh.get(1)).isNotSameAs(first);
    }
  }

  @Test
  void aDelegationSurvivesAServerRestartAndReachesTheRunnerAfterItReconnects() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    NatsServerOptions options = serverOptions(data);
    NatsServerSupervisor server = NatsServerSupervisor.start(options);
    try (Backplane controller = Backplane.connect(fast(BackplaneOptions.forController("c", server.clientUrl())),
             Duration.ofSeconds(10));
         Backplane runner = Backplane.connect(fast(BackplaneOptions.forRunner("r1", server.clientUrl())),
             Duration.ofSeconds(10))) {
      JetStreamSetup setup = JetStreamSetup.of(controller.connection(), JetStreamSettings.defaults());
      setup.provision();
      setup.ensureRunnerConsumer("r1");
      JetStreamSubscription work = runner.subscribeDelegations("r1");
      controller.jetStream().publish(Subjects.delegate("r1"), "survive".getBytes(UTF_8),
          PublishOptions.builder().messageId("delegation-1").build());

      server.close(); // graceful: SIGTERM
      // the client notices the closed socket on its own thread, a moment after the server exits
      await().atMost(Duration.ofSeconds(10)).until(() -> !runner.isConnected());
      server = NatsServerSupervisor.start(options);

      // a controller that re-sends the delegation after the restart (it never saw the PubAck) adds nothing
      assertThat(controller.awaitConnected(Duration.ofSeconds(20))).isTrue();
      assertThat(controller.jetStream().publish(Subjects.delegate("r1"), "survive".getBytes(UTF_8),
          PublishOptions.builder().messageId("delegation-1").build()).isDuplicate()).isTrue();

      assertThat(runner.awaitConnected(Duration.ofSeconds(20))).isTrue();
      List<Message> got = work.fetch(2, Duration.ofSeconds(3));
      assertThat(got).hasSize(1);
      assertThat(new String(got.get(0).getData(), UTF_8)).isEqualTo("survive");
      got.get(0).ackSync(Duration.ofSeconds(5));
    } finally {
      server.close();
    }
  }

  @Test
  void aRunnerRefusedForItsKeyKeepsTryingAndConnectsOnceTheControllerAddsIt() throws Exception {
    NatsAuth.UserKey controllerKey = NatsAuth.generateUserKey();
    NatsAuth.UserKey runnerKey = NatsAuth.generateUserKey();
    Path runnerSeed = dir.resolve("r1.nk");
    NatsAuth.writeSeedFile(runnerSeed, runnerKey);
    NatsServerOptions options = serverOptions(Files.createDirectories(dir.resolve("data")))
        .withAuthorization(NatsAuth.Authorization.perRunner(controllerKey.publicKey(), Map.of()));
    try (NatsServerSupervisor server = NatsServerSupervisor.start(options);
         Backplane runner = Backplane.start(fast(BackplaneOptions.forRunner("r1", server.clientUrl())
             .withSeedFile(runnerSeed)))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> runner.lastProblem() != null);
      assertThat(runner.lastProblem()).contains("refused the credentials");
      assertThat(runner.isConnected()).isFalse();

      server.applyAuthorization(NatsAuth.Authorization.perRunner(controllerKey.publicKey(),
          Map.of("r1", runnerKey.publicKey())));
      assertThat(runner.awaitConnected(Duration.ofSeconds(20))).isTrue();
      assertThat(server.pid()).as("reloaded, not restarted").isPresent();
      assertThat(server.restartCount()).isZero();

      // revoked: the server drops the runner, which keeps trying; restored: it is back
      List<Connection> fresh = new CopyOnWriteArrayList<>();
      runner.onConnection(fresh::add);
      server.applyAuthorization(NatsAuth.Authorization.perRunner(controllerKey.publicKey(), Map.of()));
      await().atMost(Duration.ofSeconds(20)).until(() -> !runner.isConnected());
      server.applyAuthorization(NatsAuth.Authorization.perRunner(controllerKey.publicKey(),
          Map.of("r1", runnerKey.publicKey())));
      assertThat(runner.awaitConnected(Duration.ofSeconds(30))).isTrue();
      runner.connection().publish(Subjects.heartbeat("r1"), "back".getBytes(UTF_8));
      runner.connection().flush(Duration.ofSeconds(5));
    }
  }
}
