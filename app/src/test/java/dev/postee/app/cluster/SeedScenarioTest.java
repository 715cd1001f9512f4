package dev.postee.app.cluster;

import static dev.postee.app.cluster.ClusterTesting.assumeNatsServer;
import static dev.postee.app.cluster.ClusterTesting.lines;
import static dev.postee.app.cluster.ClusterTesting.natsUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.app.Shared;
import dev.postee.app.Sink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed document's scenario end to end, with its configuration as written
 * ({@code ../shared/samples/configs/seed-controller.yaml}; only the URLs point at a local sink and
 * the exec script writes to a marker file instead of standard output): a controller with its own
 * nats-server and runner {@code postee-runner-1}, each a process of its own. Tracee's TRC-2 findings
 * posted to the controller run the exec and http actions on the runner, one after the other
 * (serialize-outputs), and alpine scan results post from the controller.
 */
@Timeout(240)
class SeedScenarioTest {
  private static final String RUNNER = "postee-runner-1";

  @TempDir Path dir;
  Sink sink;
  Node controller;
  Node runner;

  @AfterEach
  void tearDown() {
    if (runner != null) runner.close();
    if (controller != null) controller.close();
    if (sink != null) sink.close();
  }

  /** The seed configuration read in place; a copy in {@code dir} with the sink's URLs and the marker file. */
  private Path seedConfig(Path marker) throws Exception {
    String seed = Files.readString(Shared.dir().resolve("samples/configs/seed-controller.yaml"));
    int runnerPost = seed.indexOf("- name: my-http-post-from-runner");
    assertThat(runnerPost).as("the seed names its runner's http output").isPositive();
    String controllerPart = seed.substring(0, runnerPost).replace("https://sample.url", sink.url("/from-controller"));
    String runnerPart = seed.substring(runnerPost).replace("https://sample.url", sink.url("/from-runner"));
    String copy = controllerPart + runnerPart;
    String echo = "     echo $POSTEE_EVENT\n";
    assertThat(copy).contains(echo);
    // the runner's name and the action's env (MY_ENV_VAR) with the event: the marker proves where it ran
    copy = copy.replace(echo, "     printf '%s %s %s\\n' \"$MARK_RUNNER\" \"$MY_ENV_VAR\" \"$POSTEE_EVENT\" >> '" + marker + "'\n");
    Path cfg = dir.resolve("controller/cfg.yaml");
    Files.createDirectories(cfg.getParent());
    Files.writeString(cfg, copy);
    return cfg;
  }

  /** A TRC-2 finding from the samples, made recognisable by {@code test_seq}. */
  private static String tracee(String finding, int seq) {
    return "{\"test_seq\":" + seq + "," + finding.strip().substring(1);
  }

  @Test
  void traceeFindingsRunOnRunnerOneAndAlpineScansPostFromTheController() throws Exception {
    assumeNatsServer();
    sink = new Sink();
    Path marker = dir.resolve("exec-marker.log");
    Path cfg = seedConfig(marker);
    String finding = Files.readString(Shared.dir().resolve("samples/events/tracee/finding-anti-debugging-trc2-v0.8.json"));
    String nats = natsUrl();

    controller = Node.controller(dir.resolve("controller"), cfg, nats).start();
    runner = Node.runner(dir.resolve(RUNNER), RUNNER, nats).start().awaitReady();

    List<String> tracees = new ArrayList<>();
    for (int i = 1; i <= 3; i++) tracees.add(controller.ingest(tracee(finding, i)));
    String alpine = controller.ingest("{\"image\":\"alpine:3.10\",\"vulnerability_summary\":{\"critical\":1}}");

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(lines(marker)).hasSize(3);
      assertThat(sink.at("/from-runner")).hasSize(3);
      assertThat(sink.at("/from-controller")).hasSize(1);
    });
    for (int i = 1; i <= 3; i++) {
      String seq = "\"test_seq\":" + i;
      assertThat(lines(marker)).as("the exec ran once per finding, on " + RUNNER + " with its env")
          .filteredOn(l -> l.contains(seq)).singleElement().asString()
          .startsWith(RUNNER + " foo_bar_baz {").contains("\"ID\":\"TRC-2\"").contains("ubuntu-impish");
    }
    assertThat(sink.at("/from-runner")).allSatisfy(r -> assertThat(r.body()).contains("Event ID:"));
    assertThat(sink.at("/from-controller").getFirst().body()).contains("Input Image:");

    for (String id : tracees) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(controller.executions(id))
          .extracting(e -> e.get("action")).contains("my-exec-from-runner", "my-http-post-from-runner"));
      Map<String, Object> exec = row(controller.executions(id), "my-exec-from-runner");
      Map<String, Object> post = row(controller.executions(id), "my-http-post-from-runner");
      assertThat(exec).containsEntry("where", RUNNER).containsEntry("outcome", "ok").containsEntry("exit_code", 0L);
      assertThat(post).containsEntry("where", RUNNER).containsEntry("outcome", "ok").containsEntry("http_status", 200L);
      Instant execEnd = Instant.parse((String) exec.get("started_at")).plusMillis((Long) exec.get("duration_ms"));
      assertThat(Instant.parse((String) post.get("started_at"))).as("serialize-outputs: the post after the exec finished")
          .isAfterOrEqualTo(execEnd.minusMillis(5));
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(controller.executions(alpine))
        .singleElement().satisfies(e -> assertThat(e).containsEntry("action", "my-http-post-from-controller")
            .containsEntry("where", "controller").containsEntry("outcome", "ok")));

    Map<String, Object> status = controller.runner(RUNNER);
    assertThat(status).containsEntry("state", "online").containsEntry("config_current", true).containsKey("last_seen");
    assertThat(controller.get("/metrics").body()).contains("postee_runner_online{runner=\"" + RUNNER + "\"} 1.0")
        .contains("postee_runner_pending{runner=\"" + RUNNER + "\"} 0.0");
    assertThat(runner.get("/api/runners").statusCode()).as("only a controller lists runners").isEqualTo(404);

    assertThat(runner.terminate()).as("runner SIGTERM").isEqualTo(143);
    assertThat(runner.log()).contains("runner '" + RUNNER + "' stopped").doesNotContain("Exception");
    assertThat(controller.terminate()).as("controller SIGTERM").isEqualTo(143);
    String log = controller.log();
    assertThat(log).contains("postee stopped").containsPattern("NATS server \\(pid \\d+\\) stopped")
        .containsPattern("controller \\S+ stopped").doesNotContain("Exception");
    assertThat(log.indexOf("postee stopped")).as("the engine drains before its nats-server stops")
        .isLessThan(log.indexOf("NATS server (pid"));
  }

  private static Map<String, Object> row(List<Map<String, Object>> rows, String action) {
    return rows.stream().filter(r -> action.equals(r.get("action"))).findFirst().orElseThrow();
  }
}
