package dev.postee.app.cluster;

import static dev.postee.app.cluster.ClusterTesting.assumeNatsServer;
import static dev.postee.app.cluster.ClusterTesting.counts;
import static dev.postee.app.cluster.ClusterTesting.markLine;
import static dev.postee.app.cluster.ClusterTesting.natsUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.app.Sink;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's nats-server is stopped (SIGTERM, as an operator or the OOM killer would) while
 * events keep arriving at the controller and at the runner; the controller's supervisor starts it
 * again. Every event answered 2xx has all its effects, once: the delegated exec on the runner and
 * the controller's webhook, also for events the runner reported upstream.
 */
@Timeout(300)
class NatsRestartTest {
  private static final String RUNNER = "runner-1";
  private static final Pattern SEQ = Pattern.compile("\"seq\":\"([cr]\\d+)\"");

  @TempDir Path dir;
  Sink sink;
  Node controller;
  Node runner;
  final AtomicBoolean posting = new AtomicBoolean(true);

  @AfterEach
  void tearDown() {
    posting.set(false);
    if (runner != null) runner.close();
    if (controller != null) controller.close();
    if (sink != null) sink.close();
  }

  @Test
  void everyAcknowledgedEventHasItsEffectsOnceAcrossANatsRestart() throws Exception {
    assumeNatsServer();
    sink = new Sink();
    Path marker = dir.resolve("exec.log");
    Path cfg = dir.resolve("controller/cfg.yaml");
    Files.createDirectories(cfg.getParent());
    Files.writeString(cfg, """
        name: restart
        routes:
        - name: mixed
          input: contains(input.SigMetadata.ID, "TRC-2")
          actions: [act, hook]
        actions:
        - name: act
          type: exec
          enable: true
          runs-on: runner-1
          exec-script: |
            MARK
        - name: hook
          type: webhook
          enable: true
          url: SINK
        """.replace("MARK", markLine(marker, "$(printf '%s' \"$POSTEE_EVENT\" | grep -o '\"seq\":\"[^\"]*\"' | cut -d'\"' -f4)"))
        .replace("SINK", sink.url("/hook")));
    String nats = natsUrl();
    controller = Node.controller(dir.resolve("controller"), cfg, nats).start();
    runner = Node.runner(dir.resolve(RUNNER), RUNNER, nats).start().awaitReady();
    Path pidFile = dir.resolve("controller/data/nats/nats-server.pid");
    long natsPid = Long.parseLong(Files.readString(pidFile).strip());

    List<String> accepted = new CopyOnWriteArrayList<>();
    Map<String, String> refused = new ConcurrentHashMap<>();
    Thread poster = Thread.ofPlatform().name("load").start(() -> {
      for (int i = 0; posting.get() && i < 400; i++) {
        // alternately at the controller (delegated exec) and at the runner (reported upstream)
        String seq = (i % 2 == 0 ? "c" : "r") + i;
        Node target = i % 2 == 0 ? controller : runner;
        try {
          HttpResponse<String> r = target.post("/", "{\"seq\":\"" + seq + "\",\"SigMetadata\":{\"ID\":\"TRC-2\"}}");
          if (r.statusCode() / 100 == 2) accepted.add(seq);
          else refused.put(seq, r.statusCode() + " " + r.body());
        } catch (Exception e) {
          refused.put(seq, e.toString());
        }
      }
    });

    await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 20);
    ProcessHandle.of(natsPid).orElseThrow().destroy(); // SIGTERM to the supervised nats-server
    await().atMost(Duration.ofSeconds(30)).until(() -> !ProcessHandle.of(natsPid).map(ProcessHandle::isAlive).orElse(false));
    int atRestart = accepted.size();
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(pidFile)
        && !Files.readString(pidFile).strip().equals(String.valueOf(natsPid)));
    await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= atRestart + 20);
    posting.set(false);
    poster.join(60_000);

    assertThat(controller.log()).contains("NATS server restarted");
    Map<String, Long> once = accepted.stream().collect(Collectors.toMap(Function.identity(), s -> 1L));
    await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
      assertThat(execRuns(marker)).as("the exec of every accepted event ran, once (refused: " + refused + ")")
          .isEqualTo(once);
      assertThat(hookCalls()).as("the controller's webhook for every accepted event, once").isEqualTo(once);
    });
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(execRuns(marker)).isEqualTo(once);
      assertThat(hookCalls()).isEqualTo(once);
    });
    System.err.printf("NatsRestartTest: %d events accepted (%d before the restart), %d refused%n", accepted.size(),
        atRestart, refused.size());
  }

  private static Map<String, Long> execRuns(Path marker) throws Exception {
    return counts(marker).entrySet().stream().collect(Collectors.toMap(
        e -> e.getKey().substring((RUNNER + " ").length()), Map.Entry::getValue));
  }

  private Map<String, Long> hookCalls() {
    return sink.at("/hook").stream().map(r -> {
      Matcher m = SEQ.matcher(r.body());
      return m.find() ? m.group(1) : "?";
    }).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }
}
