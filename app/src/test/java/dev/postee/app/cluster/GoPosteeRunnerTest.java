package dev.postee.app.cluster;

import static dev.postee.app.cluster.ClusterTesting.assumeNatsServer;
import static dev.postee.app.cluster.ClusterTesting.natsUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.app.Sink;
import dev.postee.cluster.nats.NatsAuth;
import dev.postee.core.config.ActionConfig;
import dev.postee.core.config.ConfigLoadResult;
import dev.postee.core.config.ConfigLoader;
import dev.postee.core.config.PosteeConfig;
import io.nats.client.AuthHandler;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unmodified Go Postee runner against our controller, played by a plain NATS client doing
 * exactly what SPEC §9 says Go Postee does: with the shared seed, it sends its runner name as a
 * request on {@code postee.config} and takes the reply as its YAML configuration, runs its own
 * actions, and publishes the raw event on {@code postee.events} once per route that matched. The
 * controller runs the remaining (controller-side) action once, and delegates nothing back.
 */
@Timeout(180)
class GoPosteeRunnerTest {
  private static final String GO_RUNNER = "go-runner";
  private static final String EVENT = "{\"SigMetadata\":{\"ID\":\"TRC-2\"},\"Context\":{\"hostName\":\"node-go\"}}";

  @TempDir Path dir;
  Sink sink;
  Node controller;
  Connection goRunner;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (goRunner != null) goRunner.close();
    if (controller != null) controller.close();
    if (sink != null) sink.close();
  }

  @Test
  void aGoPosteeRunnerBootstrapsOverPosteeConfigAndItsForwardedEventsRunTheControllersActionOnce() throws Exception {
    assumeNatsServer();
    sink = new Sink();
    NatsAuth.UserKey shared = NatsAuth.generateUserKey();
    Path seed = dir.resolve("postee.nk");
    NatsAuth.writeSeedFile(seed, shared);
    Path cfg = dir.resolve("controller/cfg.yaml");
    Files.createDirectories(cfg.getParent());
    Files.writeString(cfg, """
        name: go-compat
        routes:
        - name: tracee
          input: contains(input.SigMetadata.ID, "TRC-2")
          actions: [kill, controller-hook]
        - name: tracee-audit
          input: contains(input.SigMetadata.ID, "TRC-2")
          actions: [audit]
        - name: elsewhere
          input: contains(input.SigMetadata.ID, "TRC-3")
          actions: [other]
        actions:
        - name: kill
          type: exec
          enable: true
          runs-on: go-runner
          exec-script: |
            kill -9 "$PID"
        - name: audit
          type: webhook
          enable: true
          runs-on: go-runner
          url: https://audit.example/go-runner-token
        - name: other
          type: webhook
          enable: true
          runs-on: runner-x
          url: https://x.example/secret-of-x
        - name: controller-hook
          type: webhook
          enable: true
          url: SINK
        """.replace("SINK", sink.url("/controller-hook")));
    String url = natsUrl();
    controller = Node.controller(dir.resolve("controller"), cfg, url, "--controller-seed-file", seed.toString()).start();

    goRunner = Nats.connect(new Options.Builder().server(url).authHandler(seedAuth(seed)).connectionName("go postee runner")
        .maxReconnects(-1).build());

    // bootstrap: the runner name as the payload, the YAML as the reply
    Message reply = goRunner.request("postee.config", GO_RUNNER.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
    assertThat(reply).as("the controller answers postee.config").isNotNull();
    String yaml = new String(reply.getData(), StandardCharsets.UTF_8);
    ConfigLoadResult loaded = ConfigLoader.defaults().withEnvironment(Map.of()).load(yaml, "go-runner.yaml");
    assertThat(loaded.errors()).as(loaded.formatProblems()).isEmpty();
    PosteeConfig mine = loaded.configOrThrow();
    assertThat(mine.actions()).extracting(ActionConfig::name).containsExactlyInAnyOrder("kill", "audit");
    assertThat(yaml).contains("go-runner-token").doesNotContain("secret-of-x").doesNotContain("controller-hook");

    // Go Postee forwards the event once per route it matched: twice
    goRunner.publish("postee.events", EVENT.getBytes(StandardCharsets.UTF_8));
    goRunner.publish("postee.events", EVENT.getBytes(StandardCharsets.UTF_8));
    goRunner.flush(Duration.ofSeconds(5));

    await().atMost(Duration.ofSeconds(30)).until(() -> sink.at("/controller-hook").size() == 1);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
        .until(() -> sink.at("/controller-hook").size() == 1);
    assertThat(sink.at("/controller-hook").getFirst().body()).contains("node-go");
    List<Map<String, Object>> runs = executions();
    assertThat(runs).as("the controller ran its own action only: the Go runner ran kill and audit")
        .extracting(r -> r.get("action")).containsExactly("controller-hook");
    assertThat(controller.runner(GO_RUNNER)).as("nothing delegated back to the Go runner")
        .satisfiesAnyOf(m -> assertThat(m).isEmpty(), m -> assertThat(m.get("pending")).isIn(0L, null));

    // a different event is a new event, not a duplicate
    goRunner.publish("postee.events", EVENT.replace("node-go", "node-go-2").getBytes(StandardCharsets.UTF_8));
    await().atMost(Duration.ofSeconds(30)).until(() -> sink.at("/controller-hook").size() == 2);
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> executions() throws Exception {
    return (List<Map<String, Object>>) Node.json(controller.get("/api/executions").body()).get("executions");
  }

  /** NKey authentication with a seed file, as Go Postee's runner does with the shared seed. */
  private static AuthHandler seedAuth(Path seedFile) throws IOException {
    NKey key = NKey.fromSeed(NatsAuth.readSeedFile(seedFile).seed().toCharArray());
    return new AuthHandler() {
      @Override
      public byte[] sign(byte[] nonce) {
        try {
          return key.sign(nonce);
        } catch (GeneralSecurityException | IOException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public char[] getID() {
        try {
          return key.getPublicKey();
        } catch (GeneralSecurityException | IOException e) {
          throw new IllegalStateException(e);
        }
      }

      @Override
      public char[] getJWT() {
        return null;
      }
    };
  }
}
