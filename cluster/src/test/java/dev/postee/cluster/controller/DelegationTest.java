package dev.postee.cluster.controller;

import static dev.postee.cluster.controller.ClusterTesting.assumeNatsServer;
import static dev.postee.cluster.controller.ClusterTesting.controller;
import static dev.postee.cluster.controller.ClusterTesting.execution;
import static dev.postee.cluster.controller.ClusterTesting.executions;
import static dev.postee.cluster.controller.ClusterTesting.fastOptions;
import static dev.postee.cluster.controller.ClusterTesting.freePort;
import static dev.postee.cluster.controller.ClusterTesting.nats;
import static dev.postee.cluster.controller.ClusterTesting.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.cluster.controller.ClusterTesting.FakeRunner;
import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.Delegation;
import dev.postee.cluster.protocol.DelegationResult;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.action.ActionResult;
import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.routing.Pipeline;
import dev.postee.core.store.Store;
import dev.postee.core.store.StoreOptions;
import dev.postee.core.store.StoredEvent;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Controller dispatch: delegation over JetStream, results, serialize-actions, TTL, NATS outages. */
@Timeout(120)
class DelegationTest {
  private static final String TRC2 = "{\"SigMetadata\":{\"ID\":\"TRC-2\"},\"Context\":{\"hostName\":\"node-a\"}}";

  @TempDir Path dir;
  NatsServerSupervisor server;
  HttpSink sink;
  Controller controller;
  FakeRunner runner;
  int port;

  @BeforeEach
  void start() throws Exception {
    assumeNatsServer();
    port = freePort();
    server = nats(dir.resolve("nats-data"), port);
    sink = new HttpSink();
  }

  @AfterEach
  void stop() throws Exception {
    if (runner != null) runner.close();
    if (controller != null) controller.close();
    if (server != null) server.close();
    if (sink != null) sink.close();
  }

  private String url() {
    return "nats://127.0.0.1:" + port;
  }

  private String config(boolean serialize) {
    return """
        name: fleet
        runners:
        - name: runner-1
        routes:
        - name: remote
          input: contains(input.SigMetadata.ID, "TRC-2")
          serialize-actions: SERIALIZE
          actions: [kill, notify]
          template: raw-json
        templates:
        - name: raw-json
          rego-package: postee.rawmessage.json
        actions:
        - name: kill
          type: exec
          enable: true
          runs-on: runner-1
          exec-script: echo killed
        - name: notify
          type: webhook
          enable: true
          url: SINK/after
        """.replace("SERIALIZE", String.valueOf(serialize)).replace("SINK", sink.url(""));
  }

  @Test
  void aDelegationCarriesItsExecutionIdAndTheRunnersResultLandsInTheExecutionLog() throws Exception {
    controller = controller(dir.resolve("controller"), url(), config(false), Map.of(), fastOptions());
    runner = new FakeRunner(url(), "runner-1");

    StoredEvent ev = post(controller, TRC2);
    String executionId = Pipeline.executionId(ev.id(), "remote", "kill");
    Message m = runner.take(Duration.ofSeconds(20));
    assertThat(m).as("the delegation reached the runner's consumer").isNotNull();
    assertThat(m.getSubject()).isEqualTo(Subjects.delegate("runner-1"));
    assertThat(m.getHeaders().getFirst("Nats-Msg-Id")).isEqualTo(executionId);
    Delegation d = FakeRunner.delegation(m);
    assertThat(d.executionId()).isEqualTo(executionId);
    assertThat(d.runner()).isEqualTo("runner-1");
    assertThat(d.route()).isEqualTo("remote");
    assertThat(d.action()).isEqualTo("kill");
    assertThat(d.eventId()).isEqualTo(ev.id());
    assertThat(d.controller()).isEqualTo(controller.id()).isNotBlank();
    assertThat(d.event()).contains("TRC-2");
    assertThat(d.result()).contains("TRC-2");
    assertThat(d.ttlMillis()).isEqualTo(ControllerOptions.DEFAULT_DELEGATION_TTL.toMillis());
    assertThat(d.configVersion()).isEqualTo(controller.runnerConfig("runner-1").version());

    // the webhook of the same route (no runs-on) ran on the controller; the route did not wait
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/after").size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> controller.engine().queueDepth() == 0);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(controller.pendingDelegations())
        .singleElement().satisfies(p -> {
          assertThat(p.executionId()).isEqualTo(executionId);
          assertThat(p.streamSeq()).isEqualTo(m.metaData().streamSequence());
        }));

    runner.report(d, "DELIVERED", 1, 0, "killed\n", null);
    m.ack();
    await().atMost(Duration.ofSeconds(10)).until(() -> execution(controller, executionId).isPresent());
    ExecutionRecord r = execution(controller, executionId).orElseThrow();
    assertThat(r.where()).isEqualTo("runner-1");
    assertThat(r.outcome()).isEqualTo(ActionResult.Outcome.OK);
    assertThat(r.exitCode()).isZero();
    assertThat(r.output()).isEqualTo("killed\n");
    assertThat(r.route()).isEqualTo("remote");
    assertThat(r.eventId()).isEqualTo(ev.id());
    await().atMost(Duration.ofSeconds(5)).until(() -> controller.pendingDelegations().isEmpty());
    assertThat(controller.engine().metrics().scrape())
        .contains("postee_action_attempts_total{action=\"kill\",outcome=\"ok\",type=\"exec\",where=\"runner-1\"} 1.0");
  }

  @Test
  void withSerializeActionsTheNextLocalActionStartsOnlyAfterTheDelegatedResultArrived() throws Exception {
    controller = controller(dir.resolve("controller"), url(), config(true), Map.of(), fastOptions());
    runner = new FakeRunner(url(), "runner-1");

    post(controller, TRC2);
    Message m = runner.take(Duration.ofSeconds(20));
    assertThat(m).isNotNull();
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
        .until(() -> sink.requests.isEmpty() && controller.engine().queueDepth() == 1);

    long reportedAt = System.nanoTime();
    runner.report(FakeRunner.delegation(m), "DELIVERED", 1, 0, "killed", null);
    m.ack();
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/after").size() == 1);
    assertThat(sink.at("/after").get(0).receivedNanos()).isGreaterThan(reportedAt);
    await().atMost(Duration.ofSeconds(10)).until(() -> controller.engine().queueDepth() == 0);
    List<ExecutionRecord> log = executions(controller);
    assertThat(log).extracting(ExecutionRecord::action).containsExactly("notify", "kill"); // newest first
    assertThat(log).extracting(ExecutionRecord::where).containsExactly("controller", "runner-1");
  }

  @Test
  void aDelegationNobodyTakesWithinItsTtlIsRecordedFailedAndWithdrawnAndTheRouteGoesOn() throws Exception {
    controller = controller(dir.resolve("controller"), url(), config(true), Map.of(),
        fastOptions().withDelegationTtl(Duration.ofSeconds(1)));

    StoredEvent ev = post(controller, TRC2);
    String executionId = Pipeline.executionId(ev.id(), "remote", "kill");
    await().atMost(Duration.ofSeconds(15)).until(() -> execution(controller, executionId).isPresent());
    ExecutionRecord r = execution(controller, executionId).orElseThrow();
    assertThat(r.outcome()).isEqualTo(ActionResult.Outcome.FAILED);
    assertThat(r.where()).isEqualTo("runner-1");
    assertThat(r.error()).contains("runner runner-1 did not take the delegation within 1 s; is it offline?");

    // serialize-actions: the failed delegated action is finished, the next one runs
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/after").size() == 1);
    assertThat(controller.pendingDelegations()).isEmpty();
    try (var nc = Nats.connect(url())) {
      assertThat(nc.jetStreamManagement().getStreamInfo(Subjects.DELEGATIONS_STREAM).getStreamState().getMsgCount())
          .as("withdrawn from the stream: the runner will not run it later").isZero();
      KeyValueEntry e = nc.keyValue(Subjects.RESULTS_BUCKET).get(Subjects.resultKey("runner-1", executionId));
      assertThat(Codec.decode(e.getValue(), DelegationResult.class).status())
          .as("every controller learns of it through the results bucket").isEqualTo("EXPIRED");
    }
    await().during(Duration.ofSeconds(1)).until(() -> executions(controller).stream()
        .filter(x -> x.executionId().equals(executionId)).count() == 1);
  }

  @Test
  void delegationsWaitQueuedWhileNatsIsDownAndGoOutOnceItIsBack() throws Exception {
    controller = controller(dir.resolve("controller"), url(), config(false), Map.of(), fastOptions());
    await().atMost(Duration.ofSeconds(10)).until(() -> controller.runners().stream().anyMatch(s -> s.pending() != null));
    server.close();

    StoredEvent ev = post(controller, TRC2);
    String executionId = Pipeline.executionId(ev.id(), "remote", "kill");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/after").size() == 1);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
        .until(() -> controller.engine().queueDepth() == 1);
    assertThat(controller.pendingDelegations()).extracting(PendingDelegation::executionId).containsExactly(executionId);

    server = nats(dir.resolve("nats-data"), port);
    runner = new FakeRunner(url(), "runner-1");
    Message m = runner.take(Duration.ofSeconds(30));
    assertThat(m).isNotNull();
    assertThat(FakeRunner.delegation(m).executionId()).isEqualTo(executionId);
    m.ack();
    await().atMost(Duration.ofSeconds(10)).until(() -> controller.engine().queueDepth() == 0);
    assertThat(runner.take(Duration.ofSeconds(2))).as("published once").isNull();
  }

  /** Longer than the test may take: closing must end the waits without the engine's interruption. */
  private static final Duration PATIENT = Duration.ofMinutes(10);

  @Test
  @Timeout(60)
  void closingWhileNatsIsDownEndsTheRetriesAndLeavesTheEventQueued() throws Exception {
    Path controllerDir = dir.resolve("controller");
    controller = controller(controllerDir, url(), config(false), Map.of(), fastOptions(), PATIENT);
    server.close();
    post(controller, TRC2);
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/after").size() == 1);

    controller.close();
    controller = null;
    try (Store store = Store.open(controllerDir.resolve("data/postee.db"), StoreOptions.defaults().withVerifyInterval(null))) {
      assertThat(store.unfinishedCount()).as("the event stays queued for the next start").isEqualTo(1);
    }
  }

  @Test
  @Timeout(90)
  void closingWhileWaitingForAResultLeavesTheEventQueuedAndTheRepeatedDelegationIsStoredOnce() throws Exception {
    Path controllerDir = dir.resolve("controller");
    controller = controller(controllerDir, url(), config(true), Map.of(), fastOptions(), PATIENT);
    runner = new FakeRunner(url(), "runner-1");
    StoredEvent ev = post(controller, TRC2);
    Message first = runner.take(Duration.ofSeconds(20));
    assertThat(first).isNotNull();

    controller.close(); // waits for the runner's result: must not block the shutdown
    controller = null;
    try (Store store = Store.open(controllerDir.resolve("data/postee.db"), StoreOptions.defaults().withVerifyInterval(null))) {
      assertThat(store.unfinishedCount()).as("the event stays queued").isEqualTo(1);
    }
    first.nak(); // as if the runner crashed before finishing: JetStream delivers it again

    controller = controller(controllerDir, url(), null, Map.of(), fastOptions());
    Message again = runner.take(Duration.ofSeconds(20));
    assertThat(again).isNotNull();
    assertThat(again.metaData().streamSequence()).as("the re-dispatch was a duplicate: the same message")
        .isEqualTo(first.metaData().streamSequence());
    runner.report(FakeRunner.delegation(again), "DELIVERED", 1, 0, "killed", null);
    again.ack();
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/after").size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> controller.engine().queueDepth() == 0);
    assertThat(execution(controller, Pipeline.executionId(ev.id(), "remote", "kill")))
        .hasValueSatisfying(r -> assertThat(r.outcome()).isEqualTo(ActionResult.Outcome.OK));
    assertThat(runner.take(Duration.ofSeconds(1))).isNull();
  }
}
