package dev.postee.cluster.nats;

import static dev.postee.cluster.nats.NatsTesting.assumeNatsServer;
import static dev.postee.cluster.nats.NatsTesting.fast;
import static dev.postee.cluster.nats.NatsTesting.serverOptions;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.cluster.protocol.Subjects;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Go Postee's model: one seed for the controller and every runner. */
class SharedSeedTest {
  @TempDir Path dir;

  @Test
  void controllerAndRunnersShareOneKeyWithEveryPermission() throws Exception {
    assumeNatsServer();
    NatsAuth.UserKey shared = NatsAuth.generateUserKey();
    Path seed = dir.resolve("shared.nk");
    NatsAuth.writeSeedFile(seed, shared);
    try (NatsServerSupervisor server = NatsServerSupervisor.start(serverOptions(Files.createDirectories(dir.resolve("data")))
            .withAuthorization(NatsAuth.Authorization.sharedSeed(NatsAuth.publicKeyOfSeedFile(seed))));
         Backplane controller = Backplane.connect(
             fast(BackplaneOptions.forController("c", server.clientUrl()).withSeedFile(seed)), Duration.ofSeconds(10));
         Backplane runnerA = Backplane.connect(
             fast(BackplaneOptions.forRunner("a", server.clientUrl()).withSeedFile(seed)), Duration.ofSeconds(10))) {
      JetStreamSetup setup = JetStreamSetup.of(controller.connection(), JetStreamSettings.defaults());
      setup.provision();
      setup.ensureRunnerConsumer("a");

      controller.jetStream().publish(Subjects.delegate("a"), "work".getBytes(UTF_8));
      List<Message> got = runnerA.subscribeDelegations("a").fetch(1, Duration.ofSeconds(5));
      assertThat(got).hasSize(1);
      got.get(0).ackSync(Duration.ofSeconds(5));

      // the documented weakness: with the shared seed, runner a reads what is meant for runner b
      Connection ra = runnerA.connection();
      Subscription snoop = ra.subscribe(Subjects.configPush("b"));
      ra.flush(Duration.ofSeconds(5));
      controller.connection().publish(Subjects.configPush("b"), "b's secrets".getBytes(UTF_8));
      assertThat(snoop.nextMessage(Duration.ofSeconds(5))).isNotNull();

      // Go Postee runners speak the legacy subjects with the same key
      Subscription legacy = controller.connection().subscribe(Subjects.LEGACY_EVENTS);
      controller.connection().flush(Duration.ofSeconds(5));
      ra.publish(Subjects.LEGACY_EVENTS, "{}".getBytes(UTF_8));
      assertThat(legacy.nextMessage(Duration.ofSeconds(5))).isNotNull();

      assertThat(Files.readString(server.configFile())).contains("nkey: \"" + shared.publicKey() + "\"")
          .doesNotContain("permissions");
    }
  }

  @Test
  void aClientWithoutTheSeedIsRefused() throws Exception {
    assumeNatsServer();
    NatsAuth.UserKey shared = NatsAuth.generateUserKey();
    Path stranger = dir.resolve("stranger.nk");
    NatsAuth.writeSeedFile(stranger, NatsAuth.generateUserKey());
    try (NatsServerSupervisor server = NatsServerSupervisor.start(serverOptions(Files.createDirectories(dir.resolve("data")))
        .withAuthorization(NatsAuth.Authorization.sharedSeed(shared.publicKey())))) {
      assertThatThrownBy(() -> Backplane.connect(fast(BackplaneOptions.of(server.clientUrl())), Duration.ofSeconds(10)))
          .isInstanceOf(BackplaneException.class).hasMessageContaining("refused the credentials");
      assertThatThrownBy(() -> Backplane.connect(fast(BackplaneOptions.of(server.clientUrl()).withSeedFile(stranger)),
          Duration.ofSeconds(10)))
          .isInstanceOf(BackplaneException.class).hasMessageContaining("refused the credentials");
    }
  }
}
