package dev.postee.cluster.runner;

import static dev.postee.cluster.runner.RunnerTesting.assumeNatsServer;
import static dev.postee.cluster.runner.RunnerTesting.awaitAllAcked;
import static dev.postee.cluster.runner.RunnerTesting.awaitResult;
import static dev.postee.cluster.runner.RunnerTesting.connect;
import static dev.postee.cluster.runner.RunnerTesting.delegate;
import static dev.postee.cluster.runner.RunnerTesting.delegation;
import static dev.postee.cluster.runner.RunnerTesting.freePort;
import static dev.postee.cluster.runner.RunnerTesting.natsServer;
import static dev.postee.cluster.runner.RunnerTesting.provision;
import static dev.postee.cluster.runner.RunnerTesting.runnerOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.cluster.protocol.Delegation;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.engine.Engine;
import dev.postee.rego.value.Json;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NATS unreachable for a while: results and reported events wait in the runner's outboxes and go out after reconnecting. */
class RunnerOutageTest {
  private static final String RUNNER = "runner-1";

  @TempDir Path dir;
  int port;
  NatsServerSupervisor nats;
  Connection client;
  FakeController controller;
  Sink sink;
  Runner runner;

  @BeforeEach
  void setUp() throws Exception {
    assumeNatsServer();
    port = freePort();
    nats = natsServer(port, dir.resolve("nats"));
    client = connect(nats.clientUrl());
    provision(client, RUNNER);
    sink = new Sink();
    controller = new FakeController(client, RUNNER);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (runner != null) runner.close();
    if (controller != null) controller.close();
    if (client != null) client.close();
    if (sink != null) sink.close();
    if (nats != null) nats.close();
  }

  private static boolean scriptRunning(Path work) {
    if (!Files.isDirectory(work)) return false;
    try (Stream<Path> runs = Files.list(work)) {
      return runs.anyMatch(d -> Files.exists(d.resolve("pid")));
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void resultsAndEventsAreKeptWhileNatsIsDownAndSentAfterTheReconnect() throws Exception {
    Path effect = dir.resolve("effect.log");
    controller.serve("""
        routes:
        - name: local
          input: input.kind == "alert"
          actions: [hook]
        - name: remote
          input: "false"
          actions: [slow]
        actions:
        - name: hook
          type: webhook
          enable: true
          runs-on: runner-1
          url: SINK/hook
        - name: slow
          type: exec
          enable: true
          runs-on: runner-1
          exec-script: |
            sleep 2
            echo "$POSTEE_EVENT" >> 'EFFECT'
        """.replace("SINK", sink.url("")).replace("EFFECT", effect.toString()));
    Path data = dir.resolve("runner");
    runner = Runner.start(runnerOptions(RUNNER, nats.clientUrl(), data));
    assertThat(runner.awaitReady(Duration.ofSeconds(30))).isTrue();
    Engine engine = runner.engine().orElseThrow();
    Delegation d = delegation(RUNNER, "slow", "remote", "done while NATS was down", "{}");
    delegate(client, d);
    await().atMost(Duration.ofSeconds(20)).until(() -> scriptRunning(data.resolve("work/exec")));

    nats.close();
    nats = null;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String json = "{\"kind\":\"alert\",\"n\":" + i + "}";
      ids.add(engine.ingest(json.getBytes(StandardCharsets.UTF_8), Json.parse(json), null).join().id());
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> runner.unsentResults() == 1 && runner.unreportedEvents() == 2);
    assertThat(sink.at("/hook")).as("the runner's own actions do not need NATS").hasSize(2);
    assertThat(Files.readAllLines(effect)).containsExactly("done while NATS was down");

    nats = natsServer(port, dir.resolve("nats")); // same port, same JetStream store

    await().atMost(Duration.ofSeconds(30)).until(() -> runner.unsentResults() == 0 && runner.unreportedEvents() == 0);
    assertThat(awaitResult(client, RUNNER, d.executionId()).status()).isEqualTo("DELIVERED");
    awaitAllAcked(client, RUNNER);
    assertThat(Files.readAllLines(effect)).as("run once").containsExactly("done while NATS was down");

    JetStreamSubscription sub = client.jetStream().subscribe(null,
        PullSubscribeOptions.bind(Subjects.EVENTS_STREAM, Subjects.EVENTS_CONSUMER));
    List<Message> reported = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      reported.addAll(sub.fetch(10, Duration.ofMillis(300)));
      return reported.size() >= 2;
    });
    assertThat(reported).extracting(m -> m.getHeaders().getFirst("Nats-Msg-Id")).containsExactlyElementsOf(ids);
  }
}
