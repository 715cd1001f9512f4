package dev.postee.cluster.runner;

import static dev.postee.cluster.runner.RunnerTesting.assumeNatsServer;
import static dev.postee.cluster.runner.RunnerTesting.awaitAllAcked;
import static dev.postee.cluster.runner.RunnerTesting.awaitResult;
import static dev.postee.cluster.runner.RunnerTesting.delegate;
import static dev.postee.cluster.runner.RunnerTesting.delegation;
import static dev.postee.cluster.runner.RunnerTesting.freePort;
import static dev.postee.cluster.runner.RunnerTesting.provision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.cluster.nats.Backplane;
import dev.postee.cluster.nats.BackplaneOptions;
import dev.postee.cluster.nats.NatsAuth;
import dev.postee.cluster.nats.NatsServerOptions;
import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.cluster.protocol.Delegation;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.rego.value.Json;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner authenticated with its own NKey gets only the permissions {@link NatsAuth#runnerPermissions}
 * grants: everything the runner does must fit in them.
 */
class RunnerPermissionsTest {
  private static final String RUNNER = "runner-1";

  @TempDir Path dir;
  NatsServerSupervisor nats;
  Backplane controllerLink;
  FakeController controller;
  Sink sink;
  Runner runner;

  @AfterEach
  void tearDown() {
    if (runner != null) runner.close();
    if (controller != null) controller.close();
    if (controllerLink != null) controllerLink.close();
    if (sink != null) sink.close();
    if (nats != null) nats.close();
  }

  @Test
  void aRunnerWithItsOwnNKeyBootstrapsRunsDelegationsReportsAndHeartbeatsWithinItsPermissions() throws Exception {
    assumeNatsServer();
    NatsAuth.UserKey controllerKey = NatsAuth.generateUserKey();
    NatsAuth.UserKey runnerKey = NatsAuth.generateUserKey();
    Path controllerSeed = dir.resolve("controller.seed");
    Path runnerSeed = dir.resolve("runner.seed");
    NatsAuth.writeSeedFile(controllerSeed, controllerKey);
    NatsAuth.writeSeedFile(runnerSeed, runnerKey);
    int port = freePort();
    nats = NatsServerSupervisor.start(NatsServerOptions.of("nats://127.0.0.1:" + port, dir.resolve("nats"))
        .withServerName("runner-perm-" + port)
        .withAuthorization(NatsAuth.Authorization.perRunner(controllerKey.publicKey(), Map.of(RUNNER, runnerKey.publicKey())))
        .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(10)));
    controllerLink = Backplane.connect(BackplaneOptions.forController("test", nats.clientUrl()).withSeedFile(controllerSeed),
        Duration.ofSeconds(20));
    Connection client = controllerLink.connection();
    provision(client, RUNNER);
    sink = new Sink();
    controller = new FakeController(client, RUNNER);
    controller.serve("""
        routes:
        - name: both
          actions: [hook]
        actions:
        - name: hook
          type: webhook
          enable: true
          runs-on: runner-1
          url: SINK/hook
        """.replace("SINK", sink.url("")));
    Subscription heartbeats = client.subscribe(Subjects.heartbeat(RUNNER));
    List<String> violations = new CopyOnWriteArrayList<>();
    ErrorListener errors = new ErrorListener() {
      @Override
      public void errorOccurred(Connection conn, String error) {
        violations.add(error);
      }
    };

    runner = Runner.start(RunnerOptions.of(RUNNER, dir.resolve("runner"),
            RunnerTesting.backplane(RUNNER, nats.clientUrl()).withSeedFile(runnerSeed).withErrorListener(errors))
        .withTimings(RunnerTesting.fastTimings()));

    assertThat(runner.awaitReady(Duration.ofSeconds(30))).as("configuration request and reply").isTrue();
    Delegation d = delegation(RUNNER, "hook", "both", "{\"from\":\"controller\"}", "{}");
    delegate(client, d);
    assertThat(awaitResult(client, RUNNER, d.executionId()).status()).as("fetch, ack, result put").isEqualTo("DELIVERED");
    awaitAllAcked(client, RUNNER);
    String json = "{\"from\":\"producer\"}";
    runner.engine().orElseThrow().ingest(json.getBytes(StandardCharsets.UTF_8), Json.parse(json), null).join();
    await().atMost(Duration.ofSeconds(20)).until(() -> runner.unreportedEvents() == 0
        && client.jetStreamManagement().getStreamInfo(Subjects.EVENTS_STREAM).getStreamState().getMsgCount() == 1);
    assertThat(heartbeats.nextMessage(Duration.ofSeconds(5))).as("heartbeat").isNotNull();
    assertThat(violations).as("errors the server reported to the runner").isEmpty();
  }
}
