package dev.postee.cluster.runner;

import static dev.postee.cluster.runner.RunnerTesting.ACK_WAIT;
import static dev.postee.cluster.runner.RunnerTesting.assumeNatsServer;
import static dev.postee.cluster.runner.RunnerTesting.awaitAllAcked;
import static dev.postee.cluster.runner.RunnerTesting.awaitResult;
import static dev.postee.cluster.runner.RunnerTesting.connect;
import static dev.postee.cluster.runner.RunnerTesting.delegate;
import static dev.postee.cluster.runner.RunnerTesting.delegation;
import static dev.postee.cluster.runner.RunnerTesting.freePort;
import static dev.postee.cluster.runner.RunnerTesting.natsServer;
import static dev.postee.cluster.runner.RunnerTesting.provision;
import static dev.postee.cluster.runner.RunnerTesting.results;
import static dev.postee.cluster.runner.RunnerTesting.runnerOptions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.cluster.protocol.Delegation;
import dev.postee.cluster.protocol.DelegationResult;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.action.ActionResult;
import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.engine.Engine;
import dev.postee.core.store.ExecutionQuery;
import io.nats.client.Connection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delegation worker against a real nats-server: real exec children, a real HTTP sink, the runner's SQLite store. */
class RunnerDelegationTest {
  private static final String RUNNER = "runner-1";
  private static final String EVENT = "{\"SigMetadata\":{\"ID\":\"TRC-2\"}}";

  @TempDir Path dir;
  NatsServerSupervisor nats;
  Connection client;
  FakeController controller;
  Sink sink;
  Runner runner;
  Path effect;

  @BeforeEach
  void setUp() throws Exception {
    assumeNatsServer();
    nats = natsServer(freePort(), dir.resolve("nats"));
    client = connect(nats.clientUrl());
    provision(client, RUNNER);
    sink = new Sink();
    effect = dir.resolve("effect.log");
    controller = new FakeController(client, RUNNER);
    controller.serve(controllerConfig(""));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (runner != null) runner.close();
    if (controller != null) controller.close();
    if (client != null) client.close();
    if (sink != null) sink.close();
    if (nats != null) nats.close();
  }

  /** Actions on runner-1: an exec script that records each run, a webhook with two attempts; plus {@code more}. */
  private String controllerConfig(String more) {
    return """
        name: fleet
        routes:
        - name: remote
          input: contains(input.SigMetadata.ID, "TRC-2")
          actions: [script, notify, slow]
        actions:
        - name: script
          type: exec
          enable: true
          runs-on: runner-1
          exec-script: |
            echo "$POSTEE_EVENT" >> 'EFFECT'
            echo ran on the runner
        - name: notify
          type: webhook
          enable: true
          runs-on: runner-1
          url: SINK/notify
          max-attempts: 2
          retry-initial-delay: 50ms
        - name: slow
          type: exec
          enable: true
          runs-on: runner-1
          exec-script: |
            sleep 4
            echo "$POSTEE_EVENT" >> 'EFFECT'
        """.replace("EFFECT", effect.toString()).replace("SINK", sink.url("")) + more;
  }

  private Runner start(RunnerOptions.Timings timings) throws InterruptedException {
    runner = Runner.start(runnerOptions(RUNNER, nats.clientUrl(), dir.resolve("runner")).withTimings(timings));
    assertThat(runner.awaitReady(Duration.ofSeconds(30))).isTrue();
    return runner;
  }

  private Runner start() throws InterruptedException {
    return start(RunnerTesting.fastTimings());
  }

  private List<String> effects() throws Exception {
    return Files.exists(effect) ? Files.readAllLines(effect) : List.of();
  }

  @Test
  void delegatedActionRunsAndItsResultIsPutInTheResultsBucket() throws Exception {
    start();
    long before = System.currentTimeMillis();
    Delegation d = delegation(RUNNER, "script", "remote", "hello from the controller", EVENT);

    delegate(client, d);

    DelegationResult r = awaitResult(client, RUNNER, d.executionId());
    assertThat(r.executionId()).isEqualTo(d.executionId());
    assertThat(r.runner()).isEqualTo(RUNNER);
    assertThat(r.route()).isEqualTo("remote");
    assertThat(r.action()).isEqualTo("script");
    assertThat(r.actionType()).isEqualTo("exec");
    assertThat(r.eventId()).isEqualTo(d.eventId());
    assertThat(r.status()).isEqualTo("DELIVERED");
    assertThat(r.ok()).isTrue();
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.exitCode()).isZero();
    assertThat(r.httpStatus()).isNull();
    assertThat(r.output()).contains("ran on the runner");
    assertThat(r.error()).isNull();
    assertThat(r.startedAtMillis()).isGreaterThanOrEqualTo(before);
    assertThat(r.durationMillis()).isNotNegative();
    assertThat(effects()).containsExactly("hello from the controller");
    awaitAllAcked(client, RUNNER);
    assertThat(runner.unsentResults()).isZero();

    Engine engine = runner.engine().orElseThrow();
    engine.store().flush();
    List<ExecutionRecord> log = engine.executions(ExecutionQuery.latest(10));
    assertThat(log).singleElement().satisfies(rec -> {
      assertThat(rec.executionId()).isEqualTo(d.executionId());
      assertThat(rec.where()).as("the runner's execution log names the runner").isEqualTo(RUNNER);
      assertThat(rec.outcome()).isEqualTo(ActionResult.Outcome.OK);
    });
    assertThat(engine.store().kvGet(DelegationWorker.LEDGER, d.executionId())).isPresent();
  }

  @Test
  void aRedeliveredDelegationThatAlreadyRanIsANoOpAndItsResultIsSentAgain() throws Exception {
    start();
    Delegation d = delegation(RUNNER, "script", "remote", "once", EVENT);
    delegate(client, d);
    DelegationResult first = awaitResult(client, RUNNER, d.executionId());
    awaitAllAcked(client, RUNNER);
    results(client).delete(Subjects.resultKey(RUNNER, d.executionId()));

    // the same delegation again, as after a crash between finishing and acknowledging
    delegate(client, d, d.executionId() + "-redelivery");

    DelegationResult again = awaitResult(client, RUNNER, d.executionId());
    assertThat(again).as("the stored result, not a new run").isEqualTo(first);
    assertThat(effects()).containsExactly("once");
    awaitAllAcked(client, RUNNER);
  }

  @Test
  void anExpiredDelegationIsReportedExpiredAndNotRun() throws Exception {
    start();
    long twoHoursAgo = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
    Delegation d = new Delegation("exec-expired", RUNNER, "remote", "script", "EV-1", "t", "too late", null, null, EVENT,
        twoHoursAgo, Duration.ofHours(1).toMillis(), "controller-test", "v");

    delegate(client, d);

    DelegationResult r = awaitResult(client, RUNNER, d.executionId());
    assertThat(r.status()).isEqualTo("EXPIRED");
    assertThat(r.attempts()).isZero();
    assertThat(r.error()).contains("not run").contains("TTL");
    awaitAllAcked(client, RUNNER);
    assertThat(effects()).isEmpty();
  }

  @Test
  void anUnknownActionMakesTheRunnerAskForItsConfigurationOnceThenRunItOrReportItUnknown() throws Exception {
    start(RunnerTesting.fastTimings().withConfigRefreshInterval(Duration.ofMinutes(10)));
    int asked = controller.requests.size();

    Delegation unknown = delegation(RUNNER, "later", "remote", "x", EVENT);
    delegate(client, unknown);

    DelegationResult r = awaitResult(client, RUNNER, unknown.executionId());
    assertThat(r.status()).isEqualTo("UNKNOWN_ACTION");
    assertThat(r.error()).contains("no action 'later'");
    assertThat(controller.requests).as("one fresh request").hasSize(asked + 1);

    controller.serve(controllerConfig("""
        - name: later
          type: exec
          enable: true
          runs-on: runner-1
          exec-script: echo later >> 'EFFECT'
        """.replace("EFFECT", effect.toString())).replace("actions: [script, notify, slow]",
        "actions: [script, notify, slow, later]"));
    Delegation known = delegation(RUNNER, "later", "remote", "x", EVENT);
    delegate(client, known);

    assertThat(awaitResult(client, RUNNER, known.executionId()).status()).isEqualTo("DELIVERED");
    assertThat(effects()).containsExactly("later");
    awaitAllAcked(client, RUNNER);
  }

  @Test
  void aFailingActionIsRetriedAsConfiguredAndReportedExhausted() throws Exception {
    start();
    sink.status = 503;
    Delegation d = delegation(RUNNER, "notify", "remote", "{\"n\":1}", EVENT);

    delegate(client, d);

    DelegationResult r = awaitResult(client, RUNNER, d.executionId());
    assertThat(r.status()).isEqualTo("EXHAUSTED");
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(r.httpStatus()).isEqualTo(503);
    assertThat(r.error()).isNotBlank();
    assertThat(sink.at("/notify")).hasSize(2);
    awaitAllAcked(client, RUNNER);
  }

  @Test
  void aDelegationRunningLongerThanTheAckWaitIsKeptAliveNotRedelivered() throws Exception {
    start();
    Delegation d = delegation(RUNNER, "slow", "remote", "slow one", EVENT);

    delegate(client, d);

    assertThat(awaitResult(client, RUNNER, d.executionId()).durationMillis()).isGreaterThan(ACK_WAIT.toMillis());
    awaitAllAcked(client, RUNNER);
    // every delivery, redeliveries included, takes a consumer sequence number: one delivery, one number
    assertThat(client.jetStreamManagement().getConsumerInfo(Subjects.DELEGATIONS_STREAM,
        Subjects.delegationConsumer(RUNNER)).getDelivered().getConsumerSequence()).as("deliveries").isOne();
    assertThat(effects()).containsExactly("slow one");
  }

  @Test
  void progressFollowsAnAckWaitShorterThanTheConfiguredInterval() throws Exception {
    // the controller's --delegation-ack-wait is 2 s here; the runner's own interval (15 s) would let it lapse
    start(RunnerTesting.fastTimings().withInProgressInterval(Duration.ofSeconds(15)));
    Delegation d = delegation(RUNNER, "slow", "remote", "slow two", EVENT);

    delegate(client, d);

    assertThat(awaitResult(client, RUNNER, d.executionId()).durationMillis()).isGreaterThan(ACK_WAIT.toMillis());
    awaitAllAcked(client, RUNNER);
    // every delivery, redeliveries included, takes a consumer sequence number: one delivery, one number
    assertThat(client.jetStreamManagement().getConsumerInfo(Subjects.DELEGATIONS_STREAM,
        Subjects.delegationConsumer(RUNNER)).getDelivered().getConsumerSequence()).as("deliveries").isOne();
    assertThat(effects()).containsExactly("slow two");
  }
}
