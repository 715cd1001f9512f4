package dev.postee.app.cluster;

import static dev.postee.app.cluster.ClusterTesting.assumeNatsServer;
import static dev.postee.app.cluster.ClusterTesting.freePort;
import static dev.postee.app.cluster.ClusterTesting.lines;
import static dev.postee.app.cluster.ClusterTesting.markLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.cluster.nats.NatsServerOptions;
import dev.postee.cluster.nats.NatsServerSupervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --nats-url}: controller and runner on a NATS server someone else runs (here: started by
 * the test). The controller runs no nats-server of its own; the runner writes its discovery file.
 */
@Timeout(180)
class ExistingNatsTest {
  @TempDir Path dir;
  NatsServerSupervisor nats;
  Node controller;
  Node runner;

  @AfterEach
  void tearDown() {
    if (runner != null) runner.close();
    if (controller != null) controller.close();
    if (nats != null) nats.close();
  }

  @Test
  void controllerAndRunnerUseAnExistingNatsServer() throws Exception {
    assumeNatsServer();
    int port = freePort();
    nats = NatsServerSupervisor.start(NatsServerOptions.of("nats://127.0.0.1:" + port, dir.resolve("external"))
        .withServerName("external-" + port).withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(10)));
    String url = "nats://127.0.0.1:" + port;
    Path marker = dir.resolve("effects.log");
    Path cfg = dir.resolve("controller/cfg.yaml");
    Files.createDirectories(cfg.getParent());
    Files.writeString(cfg, """
        routes:
        - name: remote
          input: contains(input.SigMetadata.ID, "TRC-2")
          actions: [act]
        actions:
        - name: act
          type: exec
          enable: true
          runs-on: runner-1
          exec-script: |
            MARK
        """.replace("MARK", markLine(marker, "via the existing server")));
    Path discovery = dir.resolve("run/postee-runner.json");

    controller = Node.controllerOnNats(dir.resolve("controller"), cfg, url).start();
    // a runner's --nats-url wins over its --controller-url (nothing listens on port 9)
    runner = Node.runner(dir.resolve("runner-1"), "runner-1", "nats://127.0.0.1:9", "--nats-url", url,
        "--runner-discovery-file", discovery.toString(), "--runner-label", "zone=eu-1").start().awaitReady();

    controller.ingest("{\"SigMetadata\":{\"ID\":\"TRC-2\"}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> lines(marker).contains("runner-1 via the existing server"));
    assertThat(controller.log()).contains("(--nats-url)").doesNotContain("NATS server ready");
    assertThat(Files.exists(dir.resolve("controller/data/nats"))).as("no nats-server of its own").isFalse();

    Map<String, Object> found = Node.json(Files.readString(discovery));
    assertThat(found).containsEntry("name", "runner-1").containsEntry("webhook", "http://127.0.0.1:" + runner.port())
        .containsEntry("controller", url);
    assertThat(found.get("labels")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("zone", "eu-1").containsKey("host");
  }
}
