package dev.postee.app.cluster;

import static dev.postee.app.cluster.ClusterTesting.assumeNatsServer;
import static dev.postee.app.cluster.ClusterTesting.counts;
import static dev.postee.app.cluster.ClusterTesting.lines;
import static dev.postee.app.cluster.ClusterTesting.markLine;
import static dev.postee.app.cluster.ClusterTesting.natsUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner that goes away: stopped for 30 s while the controller keeps delegating to it, or killed
 * with SIGKILL in the middle of a slow exec. Delegated work is durable and executed once in effect.
 */
@Timeout(300)
class RunnerFailureTest {
  private static final String RUNNER = "runner-1";

  @TempDir Path dir;
  Node controller;
  Node runner;

  @AfterEach
  void tearDown() {
    if (runner != null) runner.close();
    if (controller != null) controller.close();
  }

  private Path config(String script) throws Exception {
    Path cfg = dir.resolve("controller/cfg.yaml");
    Files.createDirectories(cfg.getParent());
    Files.writeString(cfg, """
        name: failures
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
        """ + script.indent(4));
    return cfg;
  }

  private static String event(int seq) {
    return "{\"seq\":" + seq + ",\"SigMetadata\":{\"ID\":\"TRC-2\"}}";
  }

  /** The exec script's view of an event: its seq (the rendered message is the event's JSON). */
  private static final String SEQ = "$(printf '%s' \"$POSTEE_EVENT\" | grep -o '\"seq\":[0-9]*' | cut -d: -f2)";

  @Test
  void delegationsMadeWhileTheRunnerIsOfflineForThirtySecondsRunOnceEachWhenItIsBack() throws Exception {
    assumeNatsServer();
    Path marker = dir.resolve("effects.log");
    String nats = natsUrl();
    controller = Node.controller(dir.resolve("controller"), config(markLine(marker, SEQ)), nats).start();
    runner = Node.runner(dir.resolve(RUNNER), RUNNER, nats).start().awaitReady();
    controller.ingest(event(0));
    await().atMost(Duration.ofSeconds(30)).until(() -> lines(marker).size() == 1);

    assertThat(runner.terminate()).isEqualTo(143);
    long offlineSince = System.nanoTime();
    Map<String, String> accepted = new LinkedHashMap<>();
    int seq = 1;
    // delegations keep coming while the runner is away: spread over its 30 s offline
    while (System.nanoTime() - offlineSince < Duration.ofSeconds(30).toNanos()) {
      accepted.put(String.valueOf(seq), controller.ingest(event(seq)));
      seq++;
      Thread.sleep(3000); // pacing the delegations over the outage, not waiting for anything
    }
    assertThat(accepted).hasSizeGreaterThanOrEqualTo(8);
    assertThat(lines(marker)).as("nothing ran while the runner was away").hasSize(1);
    // the registry reads pending deliveries from the runner's consumer every few seconds
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(controller.runner(RUNNER))
        .containsEntry("state", "offline").containsEntry("pending", (long) accepted.size()));
    assertThat(controller.get("/metrics").body()).contains("postee_runner_online{runner=\"" + RUNNER + "\"} 0.0");

    runner.start().awaitReady();

    await().atMost(Duration.ofSeconds(60)).until(() -> lines(marker).size() >= 1 + accepted.size());
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put(RUNNER + " 0", 1L);
    for (String s : accepted.keySet()) expected.put(RUNNER + " " + s, 1L);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(counts(marker)).as("every delegation ran exactly once").isEqualTo(expected));
    for (String id : accepted.values()) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(controller.executions(id))
          .singleElement().satisfies(e -> assertThat(e).containsEntry("where", RUNNER).containsEntry("outcome", "ok")));
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(controller.runner(RUNNER))
        .containsEntry("state", "online").containsEntry("pending", 0L));
  }

  @Test
  void aRunnerKilledDuringASlowExecTakesItAgainAndTheEffectHappensOnce() throws Exception {
    assumeNatsServer();
    Path starts = dir.resolve("starts.log");
    Path effects = dir.resolve("effects.log");
    String script = markLine(starts, SEQ) + "\nsleep 6\n" + markLine(effects, SEQ) + "\necho finished\n";
    String nats = natsUrl();
    // a short ack wait: the delegation the killed runner held comes back after 3 s, not the default 60 s
    controller = Node.controller(dir.resolve("controller"), config(script), nats, "--delegation-ack-wait", "3s").start();
    runner = Node.runner(dir.resolve(RUNNER), RUNNER, nats).start().awaitReady();

    String id = controller.ingest(event(7));
    await().atMost(Duration.ofSeconds(30)).until(() -> lines(starts).size() == 1);
    runner.kill(); // SIGKILL: no ack, no result, no ledger entry
    assertThat(lines(effects)).as("the script still sleeps").isEmpty();

    runner.start().awaitReady();

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(controller.executions(id))
        .singleElement().satisfies(e -> assertThat(e).containsEntry("where", RUNNER).containsEntry("outcome", "ok")
            .containsEntry("exit_code", 0L)));
    assertThat((String) controller.executions(id).getFirst().get("output")).contains("finished");
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(lines(starts)).as("the script started once").containsExactly(RUNNER + " 7");
      assertThat(lines(effects)).as("its effect happened once").containsExactly(RUNNER + " 7");
    });
    assertThat(runner.log().split("starting as runner", -1)).as("two runs of the runner").hasSize(3);
  }
}
