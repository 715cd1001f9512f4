package dev.postee.cluster.runner;

import static dev.postee.cluster.runner.RunnerTesting.assumeNatsServer;
import static dev.postee.cluster.runner.RunnerTesting.connect;
import static dev.postee.cluster.runner.RunnerTesting.freePort;
import static dev.postee.cluster.runner.RunnerTesting.natsServer;
import static dev.postee.cluster.runner.RunnerTesting.runnerOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.cluster.protocol.RunnerConfig;
import dev.postee.core.config.RouteConfig;
import dev.postee.core.engine.Engine;
import dev.postee.rego.value.Json;
import io.nats.client.Connection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bootstrap, last good configuration and configuration changes, against a real nats-server and a fake controller. */
class RunnerConfigurationTest {
  private static final String RUNNER = "runner-1";

  @TempDir Path dir;
  NatsServerSupervisor nats;
  Connection client;
  FakeController controller;
  Sink sink;
  Runner runner;

  @BeforeEach
  void setUp() throws Exception {
    assumeNatsServer();
    nats = natsServer(freePort(), dir.resolve("nats"));
    client = connect(nats.clientUrl());
    sink = new Sink();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (runner != null) runner.close();
    if (controller != null) controller.close();
    if (client != null) client.close();
    if (sink != null) sink.close();
    if (nats != null) nats.close();
  }

  /** The controller's configuration: one route for this runner, posting to {@code path}, and one of its own. */
  private String controllerConfig(String path) {
    return """
        name: fleet
        routes:
        - name: to-runner
          input: input.kind == "alert"
          actions: [runner-hook]
        - name: controller-only
          actions: [controller-hook]
        actions:
        - name: runner-hook
          type: webhook
          enable: true
          runs-on: runner-1
          url: SINK
        - name: controller-hook
          type: webhook
          enable: true
          url: https://controller.example/secret-hook
        """.replace("SINK", sink.url(path));
  }

  private RunnerOptions options() {
    return runnerOptions(RUNNER, nats.clientUrl(), dir.resolve("runner"));
  }

  private static void ingest(Engine engine, String json) {
    engine.ingest(json.getBytes(StandardCharsets.UTF_8), Json.parse(json), null).join();
  }

  @Test
  void bootstrapsFromTheControllerAndKeepsTheConfigurationAsLastGood() throws Exception {
    controller = new FakeController(client, RUNNER);
    RunnerConfig rc = controller.serve(controllerConfig("/hook-v1"));

    runner = Runner.start(options());

    assertThat(runner.awaitReady(Duration.ofSeconds(30))).isTrue();
    assertThat(runner.notReadyReason()).isNull();
    assertThat(runner.configVersion()).isEqualTo(rc.version());
    assertThat(controller.requests.getFirst().runner()).isEqualTo(RUNNER);
    assertThat(controller.requests.getFirst().configVersion()).as("nothing yet").isEmpty();
    Path stored = dir.resolve("runner/runner-config");
    assertThat(Files.readString(stored.resolve("cfg.yaml"))).isEqualTo(rc.yaml());
    assertThat(Files.readString(stored.resolve("runner-config.json"))).contains(rc.version());

    Engine engine = runner.engine().orElseThrow();
    assertThat(engine.config().routes()).extracting(RouteConfig::name).containsExactly("to-runner");
    assertThat(engine.config().action("controller-hook")).as("another action's secrets never reach a runner").isEmpty();
    ingest(engine, "{\"kind\":\"alert\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/hook-v1").size() == 1);
  }

  @Test
  void startsFromTheLastGoodConfigurationWhenNoControllerAnswersAndTakesTheControllersOnceItDoes() throws Exception {
    controller = new FakeController(client, RUNNER);
    RunnerConfig v1 = controller.serve(controllerConfig("/hook-v1"));
    runner = Runner.start(options());
    assertThat(runner.awaitReady(Duration.ofSeconds(30))).isTrue();
    runner.close();
    controller.close();
    controller = null;

    runner = Runner.start(options());

    assertThat(runner.awaitReady(Duration.ofSeconds(30))).as("no controller: the stored configuration").isTrue();
    assertThat(runner.configVersion()).isEqualTo(v1.version());
    ingest(runner.engine().orElseThrow(), "{\"kind\":\"alert\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/hook-v1").size() == 1);

    controller = new FakeController(client, RUNNER);
    RunnerConfig v2 = controller.serve(controllerConfig("/hook-v2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> runner.configVersion().equals(v2.version()));
    ingest(runner.engine().orElseThrow(), "{\"kind\":\"alert\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/hook-v2").size() == 1);
  }

  @Test
  void withNothingStoredTheRunnerIsNotReadyUntilAControllerAnswers() throws Exception {
    runner = Runner.start(options());

    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !runner.ready());
    assertThat(runner.engine()).isEmpty();
    assertThat(runner.notReadyReason()).contains("waiting for its configuration from the controller");

    controller = new FakeController(client, RUNNER);
    RunnerConfig rc = controller.serve(controllerConfig("/hook-v1"));
    assertThat(runner.awaitReady(Duration.ofSeconds(30))).isTrue();
    assertThat(runner.configVersion()).isEqualTo(rc.version());
  }

  @Test
  void pushedConfigurationIsAppliedWithoutRestartAndARefusedOneLeavesTheRunningOneInPlace() throws Exception {
    controller = new FakeController(client, RUNNER);
    controller.serve(controllerConfig("/hook-v1"));
    // no periodic re-request during this test: only the push can bring the change
    runner = Runner.start(options().withTimings(RunnerTesting.fastTimings()
        .withConfigRefreshInterval(Duration.ofMinutes(10))));
    assertThat(runner.awaitReady(Duration.ofSeconds(30))).isTrue();
    Engine engine = runner.engine().orElseThrow();

    RunnerConfig v2 = controller.serve(controllerConfig("/hook-v2"));
    controller.push();

    await().atMost(Duration.ofSeconds(10)).until(() -> runner.configVersion().equals(v2.version()));
    assertThat(runner.engine()).containsSame(engine);
    ingest(engine, "{\"kind\":\"alert\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/hook-v2").size() == 1);

    controller.serve(new RunnerConfig(RUNNER, "broken-1", "routes: [\n", Map.of(), System.currentTimeMillis(), null));
    controller.push();

    await().atMost(Duration.ofSeconds(10)).until(() ->
        engine.metrics().scrape().contains("postee_config_reloads_total{result=\"rejected\"} 1.0"));
    assertThat(runner.configVersion()).isEqualTo(v2.version());
    assertThat(Files.readString(dir.resolve("runner/runner-config/cfg.yaml"))).as("the last good one stays on disk")
        .isEqualTo(v2.yaml());
    assertThat(dir.resolve("runner/runner-config.previous")).doesNotExist();
    ingest(engine, "{\"kind\":\"alert\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/hook-v2").size() == 2);
  }

  @Test
  void aMissedPushIsCaughtUpByThePeriodicRequest() throws Exception {
    controller = new FakeController(client, RUNNER);
    controller.serve(controllerConfig("/hook-v1"));
    runner = Runner.start(options());
    assertThat(runner.awaitReady(Duration.ofSeconds(30))).isTrue();

    RunnerConfig v2 = controller.serve(controllerConfig("/hook-v2")); // not pushed

    await().atMost(Duration.ofSeconds(10)).until(() -> runner.configVersion().equals(v2.version()));
    assertThat(controller.requests).as("the runner said which version it runs").anySatisfy(r ->
        assertThat(r.configVersion()).isNotEmpty());
  }
}
