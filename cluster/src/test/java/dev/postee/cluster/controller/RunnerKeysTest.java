package dev.postee.cluster.controller;

import static dev.postee.cluster.controller.ClusterTesting.assumeNatsServer;
import static dev.postee.cluster.controller.ClusterTesting.fastOptions;
import static dev.postee.cluster.controller.ClusterTesting.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.postee.cluster.nats.Backplane;
import dev.postee.cluster.nats.BackplaneOptions;
import dev.postee.cluster.nats.NatsAuth;
import dev.postee.cluster.nats.NatsServerOptions;
import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.RunnerConfig;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.engine.Engine;
import dev.postee.core.engine.EngineOptions;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Per-runner NKeys: the controller gives its nats-server one user per runner key in its configuration. */
@Timeout(120)
class RunnerKeysTest {
  @TempDir Path dir;
  NatsServerSupervisor server;
  Controller controller;
  String url;
  final NatsAuth.UserKey controllerKey = NatsAuth.generateUserKey();
  final NatsAuth.UserKey key1 = NatsAuth.generateUserKey();
  final NatsAuth.UserKey key2 = NatsAuth.generateUserKey();
  final NatsAuth.UserKey key3 = NatsAuth.generateUserKey();

  @BeforeEach
  void start() throws Exception {
    assumeNatsServer();
    int port = freePort();
    url = "nats://127.0.0.1:" + port;
    // the app starts the server with the controller's key only; the controller adds the runners'
    server = NatsServerSupervisor.start(NatsServerOptions.of(url, dir.resolve("nats-data"))
        .withServerName("keys-" + port)
        .withAuthorization(NatsAuth.Authorization.sharedSeed(controllerKey.publicKey()))
        .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(10)));
  }

  @AfterEach
  void stop() {
    if (controller != null) controller.close();
    else if (server != null) server.close();
  }

  private String config(boolean withRunner3) {
    return """
        runners:
        - name: runner-1
          nkey: KEY1
        - name: runner-2
          nkey: KEY2
        RUNNER3
        routes:
        - name: r
          actions: [one, two]
        actions:
        - name: one
          type: webhook
          enable: true
          runs-on: runner-1
          url: https://one.example/secret-one
        - name: two
          type: webhook
          enable: true
          runs-on: runner-2
          url: https://two.example/secret-two
        """.replace("KEY1", key1.publicKey()).replace("KEY2", key2.publicKey())
        .replace("RUNNER3", withRunner3 ? "- name: runner-3\n  nkey: " + key3.publicKey() : "");
  }

  private Path seed(String name, NatsAuth.UserKey key) {
    Path f = dir.resolve(name + ".nk");
    NatsAuth.writeSeedFile(f, key);
    return f;
  }

  private Backplane runner(String name, NatsAuth.UserKey key) throws Exception {
    return Backplane.connect(BackplaneOptions.forRunner(name, url).withSeedFile(seed(name, key))
        .withReconnectWait(Duration.ofMillis(50), Duration.ofMillis(500)), Duration.ofSeconds(20));
  }

  private static Message ask(Backplane b, String runner) throws Exception {
    return b.connection().request(Subjects.configRequest(runner), runner.getBytes(StandardCharsets.UTF_8),
        Duration.ofSeconds(3));
  }

  /** False when the request got no answer (the server refused to carry it). */
  private static boolean answered(Backplane b, String runner) {
    try {
      return ask(b, runner) != null;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void eachRunnerKeyGetsItsOwnConfigurationOnlyAndARunnerAddedByAReloadCanConnect() throws Exception {
    Path cfg = dir.resolve("controller/cfg.yaml");
    Files.createDirectories(cfg.getParent());
    Files.writeString(cfg, config(false));
    EngineOptions eo = EngineOptions.standalone(cfg, dir.resolve("controller/data/postee.db"))
        .withEnvironment(Map.of()).withConfigPollInterval(null).withRole("controller").withRunsHere(Controller.runsHere());
    Backplane backplane = Backplane.start(BackplaneOptions.forController("keys", url)
        .withSeedFile(seed("controller", controllerKey)).withReconnectWait(Duration.ofMillis(50), Duration.ofMillis(500)));
    controller = Controller.start(fastOptions().withNkeys(controllerKey.publicKey(), List.of()), backplane, server,
        f -> Engine.start(eo.withDispatcher(f)));

    try (Backplane one = runner("runner-1", key1)) {
      RunnerConfig mine = Codec.decode(ask(one, "runner-1").getData(), RunnerConfig.class);
      assertThat(mine.yaml()).contains("secret-one").doesNotContain("secret-two");
      assertThat(answered(one, "runner-2")).as("runner-1 may not ask for runner-2's configuration").isFalse();
      Throwable work = catchThrowable(() -> one.subscribeDelegations("runner-2"));
      assertThat(work).as("nor take runner-2's work").isNotNull();
    }

    Files.writeString(cfg, config(true));
    assertThat(controller.engine().reload().applied()).isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() -> server.options().authorization().users().size() == 4);
    try (Backplane three = runner("runner-3", key3)) {
      assertThat(Codec.decode(ask(three, "runner-3").getData(), RunnerConfig.class).error()).isNull();
    }
  }
}
