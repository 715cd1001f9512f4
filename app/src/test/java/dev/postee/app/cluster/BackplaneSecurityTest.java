package dev.postee.app.cluster;

import static dev.postee.app.cluster.ClusterTesting.assumeNatsServer;
import static dev.postee.app.cluster.ClusterTesting.freePort;
import static dev.postee.app.cluster.ClusterTesting.lines;
import static dev.postee.app.cluster.ClusterTesting.markLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.cluster.nats.Backplane;
import dev.postee.cluster.nats.BackplaneOptions;
import dev.postee.cluster.nats.NatsAuth;
import dev.postee.cluster.nats.TestPki;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.Heartbeat;
import dev.postee.cluster.protocol.RunnerConfig;
import dev.postee.cluster.protocol.Subjects;
import io.nats.client.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backplane's security with a controller running its own nats-server: TLS with verified client
 * certificates (a runner whose certificate another CA signed cannot connect, one the controller's CA
 * signed can), and one NKey per runner declared in the controller's configuration (runner A can
 * neither obtain runner B's configuration nor pass for B).
 */
@Timeout(240)
class BackplaneSecurityTest {
  @TempDir Path dir;
  Node controller;
  final List<Node> runners = new ArrayList<>();

  @AfterEach
  void tearDown() {
    runners.forEach(Node::close);
    if (controller != null) controller.close();
  }

  private Node runner(String name, String url, String... flags) throws Exception {
    Node r = Node.runner(dir.resolve(name), name, url, flags);
    runners.add(r);
    return r.start();
  }

  private Path config(String yaml) throws Exception {
    Path cfg = dir.resolve("controller/cfg.yaml");
    Files.createDirectories(cfg.getParent());
    Files.writeString(cfg, yaml);
    return cfg;
  }

  @Test
  void withACaARunnerWhoseCertificateAnotherCaSignedIsRefusedAndOneItSignedWorks() throws Exception {
    assumeNatsServer();
    Path pkiDir = Files.createDirectories(dir.resolve("pki"));
    TestPki ca = TestPki.newCa(pkiDir, "postee");
    TestPki rogue = TestPki.newCa(pkiDir, "rogue");
    TestPki.Issued server = ca.issue(pkiDir, "controller", List.of("localhost"), List.of("127.0.0.1"), true);
    TestPki.Issued good = ca.issue(pkiDir, "runner-good", List.of(), List.of(), true);
    TestPki.Issued bad = rogue.issue(pkiDir, "runner-bad", List.of(), List.of(), false);
    Path marker = dir.resolve("effects.log");
    Path cfg = config("""
        routes:
        - name: remote
          input: contains(input.SigMetadata.ID, "TRC-2")
          actions: [act]
        actions:
        - name: act
          type: exec
          enable: true
          runs-on: runner-good
          exec-script: |
            MARK
        """.replace("MARK", markLine(marker, "over TLS")));
    String url = "tls://127.0.0.1:" + freePort();
    controller = Node.controller(dir.resolve("controller"), cfg, url, "--controller-ca-root", ca.certFile.toString(),
        "--controller-tls-cert", server.certFile().toString(), "--controller-tls-key", server.keyFile().toString()).start();

    Node goodRunner = runner("runner-good", url, "--runner-ca-root", ca.certFile.toString(),
        "--runner-tls-cert", good.certFile().toString(), "--runner-tls-key", good.keyFile().toString());
    Node badRunner = runner("runner-bad", url, "--runner-ca-root", ca.certFile.toString(),
        "--runner-tls-cert", bad.certFile().toString(), "--runner-tls-key", bad.keyFile().toString());
    goodRunner.awaitReady();
    controller.ingest("{\"SigMetadata\":{\"ID\":\"TRC-2\"}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> lines(marker).contains("runner-good over TLS"));

    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(badRunner.get("/readyz").statusCode()).isEqualTo(503);
      assertThat(controller.runners()).extracting(r -> r.get("name")).containsExactly("runner-good");
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(Node.json(badRunner.get("/readyz").body())).containsEntry("backplane_connected", false)
          .extractingByKey("error").asString().contains("the NATS backplane at " + url + " is not reachable");
      assertThat(badRunner.log()).contains("backplane: cannot connect to " + url);
    });
  }

  @Test
  void withPerRunnerKeysRunnerACannotReadRunnerBsConfigurationNorPassForB() throws Exception {
    assumeNatsServer();
    NatsAuth.UserKey controllerKey = NatsAuth.generateUserKey();
    NatsAuth.UserKey keyA = NatsAuth.generateUserKey();
    NatsAuth.UserKey keyB = NatsAuth.generateUserKey();
    Path controllerSeed = seed("controller", controllerKey);
    Path seedA = seed("runner-a", keyA);
    Path marker = dir.resolve("effects.log");
    Path cfg = config("""
        runners:
        - name: runner-a
          nkey: KEY_A
        - name: runner-b
          nkey: KEY_B
        routes:
        - name: remote
          input: contains(input.SigMetadata.ID, "TRC-2")
          actions: [act-a, act-b]
        actions:
        - name: act-a
          type: exec
          enable: true
          runs-on: runner-a
          env: ["TOKEN=secret-of-a"]
          exec-script: |
            MARK
        - name: act-b
          type: webhook
          enable: true
          runs-on: runner-b
          url: https://b.example/secret-of-b
        """.replace("KEY_A", keyA.publicKey()).replace("KEY_B", keyB.publicKey())
        .replace("MARK", markLine(marker, "with its own key")));
    String url = ClusterTesting.natsUrl();
    controller = Node.controller(dir.resolve("controller"), cfg, url, "--controller-seed-file", controllerSeed.toString())
        .start();

    Node a = runner("runner-a", url, "--runner-seed-file", seedA.toString());
    // runner A's key presented under runner B's name
    Node impostor = runner("runner-b", url, "--runner-seed-file", seedA.toString());
    a.awaitReady();
    controller.ingest("{\"SigMetadata\":{\"ID\":\"TRC-2\"}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> lines(marker).contains("runner-a with its own key"));

    try (Backplane asA = Backplane.connect(BackplaneOptions.forRunner("runner-a", url).withSeedFile(seedA),
        Duration.ofSeconds(20))) {
      Message own = ask(asA, "runner-a");
      assertThat(own).as("runner A gets its own configuration").isNotNull();
      RunnerConfig mine = Codec.decode(own.getData(), RunnerConfig.class);
      assertThat(mine.error()).isNull();
      assertThat(mine.yaml()).contains("secret-of-a").doesNotContain("secret-of-b");
      assertThat(askQuietly(asA, "runner-b")).as("runner A asking for runner B's configuration gets nothing").isNull();
    }
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(impostor.get("/readyz").statusCode()).as("A's key cannot pass for runner B").isEqualTo(503));
    assertThat(impostor.log()).doesNotContain("secret-of-b");
    assertThat(controller.runner("runner-b")).containsEntry("state", "offline");
  }

  private Path seed(String name, NatsAuth.UserKey key) {
    Path f = dir.resolve(name + ".nk");
    NatsAuth.writeSeedFile(f, key);
    return f;
  }

  private static Message ask(Backplane b, String runner) throws Exception {
    Heartbeat hb = new Heartbeat(runner, "test", Map.of(), "host", 0, System.currentTimeMillis(), null, "");
    return b.connection().request(Subjects.configRequest(runner), Codec.encode(hb), Duration.ofSeconds(3));
  }

  /** The answer, or null when the server did not carry the request (a permission violation). */
  private static Message askQuietly(Backplane b, String runner) {
    try {
      return ask(b, runner);
    } catch (Exception e) {
      return null;
    }
  }
}
