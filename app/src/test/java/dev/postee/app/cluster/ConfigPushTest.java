package dev.postee.app.cluster;

import static dev.postee.app.cluster.ClusterTesting.assumeNatsServer;
import static dev.postee.app.cluster.ClusterTesting.lines;
import static dev.postee.app.cluster.ClusterTesting.markLine;
import static dev.postee.app.cluster.ClusterTesting.natsUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's configuration changes (file edited, {@code POST /reload}): the running runner
 * process gets its new part within seconds and uses it, without a restart. Before that, a runner
 * started without a controller answers 503 saying why, and {@code /reload} on a runner asks the
 * controller.
 */
@Timeout(240)
class ConfigPushTest {
  private static final String RUNNER = "runner-1";

  @TempDir Path dir;
  Node controller;
  Node runner;

  @AfterEach
  void tearDown() {
    if (runner != null) runner.close();
    if (controller != null) controller.close();
  }

  private static String config(Path marker, String version) {
    return """
        name: push
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
        """.replace("MARK", markLine(marker, version));
  }

  @Test
  void aConfigurationChangeReachesTheRunningRunnerWithoutRestart() throws Exception {
    assumeNatsServer();
    Path marker = dir.resolve("effects.log");
    Path cfg = dir.resolve("controller/cfg.yaml");
    Files.createDirectories(cfg.getParent());
    Files.writeString(cfg, config(marker, "v1"));
    String nats = natsUrl();

    // the runner first: nobody answers yet, so it is not ready and says why
    runner = Node.runner(dir.resolve(RUNNER), RUNNER, nats).start();
    HttpResponse<String> early = runner.post("/", "{\"SigMetadata\":{\"ID\":\"TRC-2\"}}");
    assertThat(early.statusCode()).isEqualTo(503);
    assertThat(early.headers().firstValue("Retry-After")).isPresent();
    assertThat(Node.json(early.body()).get("error")).asString().contains("runner 'runner-1' is not ready");
    assertThat(runner.get("/readyz").statusCode()).isEqualTo(503);

    controller = Node.controller(dir.resolve("controller"), cfg, nats).start();
    runner.awaitReady();
    awaitRegistryCurrent();
    long pid = runner.pid();
    String v1 = (String) Node.json(runner.get("/readyz").body()).get("config_version");
    controller.ingest("{\"SigMetadata\":{\"ID\":\"TRC-2\"}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> lines(marker).contains(RUNNER + " v1"));

    Files.writeString(cfg, config(marker, "v2"));
    HttpResponse<String> reload = controller.post("/reload", "");
    assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Node.json(runner.get("/readyz").body())
        .get("config_version")).isNotEqualTo(v1));
    assertThat(runner.log()).contains("applied without restart");
    awaitRegistryCurrent();
    assertThat(runner.pid()).as("the same runner process").isEqualTo(pid);

    controller.ingest("{\"SigMetadata\":{\"ID\":\"TRC-2\"}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> lines(marker).contains(RUNNER + " v2"));
    assertThat(lines(marker)).containsExactly(RUNNER + " v1", RUNNER + " v2");

    Map<String, Object> refreshed = Node.json(runner.post("/reload", "").body());
    assertThat(refreshed).containsEntry("changed", false)
        .containsEntry("config_version", Node.json(runner.get("/readyz").body()).get("config_version"));
  }

  /** The runner announces a new configuration version at once, not at its next heartbeat (5 s). */
  private void awaitRegistryCurrent() {
    await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(controller.runner(RUNNER))
        .containsEntry("config_current", true));
  }
}
