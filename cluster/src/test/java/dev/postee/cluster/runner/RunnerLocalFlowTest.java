package dev.postee.cluster.runner;

import static dev.postee.cluster.runner.RunnerTesting.assumeNatsServer;
import static dev.postee.cluster.runner.RunnerTesting.connect;
import static dev.postee.cluster.runner.RunnerTesting.freePort;
import static dev.postee.cluster.runner.RunnerTesting.natsServer;
import static dev.postee.cluster.runner.RunnerTesting.provision;
import static dev.postee.cluster.runner.RunnerTesting.runnerOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.Heartbeat;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.engine.Engine;
import dev.postee.core.store.ExecutionQuery;
import dev.postee.rego.value.Json;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner-local flow (events posted to the runner), heartbeats and the discovery file. */
class RunnerLocalFlowTest {
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
    provision(client, RUNNER);
    sink = new Sink();
    controller = new FakeController(client, RUNNER);
    controller.serve("""
        name: fleet
        routes:
        - name: first
          input: input.kind == "alert"
          actions: [mine, on-host]
        - name: second
          input: input.kind == "alert"
          actions: [mine-too]
        - name: controllers-own
          actions: [controller-hook]
        actions:
        - name: mine
          type: webhook
          enable: true
          runs-on: runner-1
          url: SINK/mine
        - name: on-host
          type: webhook
          enable: true
          runs-on: event.input.host
          url: SINK/on-host
        - name: mine-too
          type: webhook
          enable: true
          runs-on: runner-1
          url: SINK/mine-too
        - name: controller-hook
          type: webhook
          enable: true
          url: SINK/controller
        """.replace("SINK", sink.url("")));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (runner != null) runner.close();
    if (controller != null) controller.close();
    if (client != null) client.close();
    if (sink != null) sink.close();
    if (nats != null) nats.close();
  }

  private RunnerOptions options() {
    return runnerOptions(RUNNER, nats.clientUrl(), dir.resolve("runner"));
  }

  private static String ingest(Engine engine, String json, String route) {
    return engine.ingest(json.getBytes(StandardCharsets.UTF_8), Json.parse(json), route).join().id();
  }

  /** Everything on the events stream, as the controllers' shared consumer sees it. */
  private List<Message> upstream(int expected) throws Exception {
    JetStreamSubscription sub = client.jetStream().subscribe(null,
        PullSubscribeOptions.bind(Subjects.EVENTS_STREAM, Subjects.EVENTS_CONSUMER));
    List<Message> got = new ArrayList<>();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      for (Message m : sub.fetch(10, Duration.ofMillis(300))) {
        got.add(m);
        m.ack();
      }
      return got.size() >= expected;
    });
    got.addAll(sub.fetch(10, Duration.ofSeconds(1))); // nothing more
    sub.unsubscribe();
    return got;
  }

  @Test
  void anEventIngestedOnTheRunnerRunsItsOwnActionsAndIsReportedUpstreamOncePerEvent() throws Exception {
    runner = Runner.start(options());
    assertThat(runner.awaitReady(Duration.ofSeconds(30))).isTrue();
    Engine engine = runner.engine().orElseThrow();
    String here = "{\"kind\":\"alert\",\"host\":\"runner-1\"}";
    String elsewhere = "{\"kind\":\"alert\",\"host\":\"node-9\"}";

    String hereId = ingest(engine, here, null);
    String elsewhereId = ingest(engine, elsewhere, null);
    String routedId = ingest(engine, here, "second");

    await().atMost(Duration.ofSeconds(10)).until(() -> engine.queueDepth() == 0);
    assertThat(sink.at("/mine")).hasSize(2);
    assertThat(sink.at("/mine-too")).hasSize(3);
    assertThat(sink.at("/on-host")).as("the event picks runner-1 once; node-9 runs its own").hasSize(1);
    assertThat(sink.at("/controller")).as("the controller's action is not the runner's").isEmpty();

    List<Message> reported = upstream(3);
    assertThat(reported).as("once per event, although two routes matched").hasSize(3);
    assertThat(reported).extracting(m -> m.getHeaders().getFirst("Nats-Msg-Id"))
        .containsExactly(hereId, elsewhereId, routedId);
    assertThat(reported).allSatisfy(m -> {
      assertThat(m.getSubject()).isEqualTo(Subjects.events(RUNNER));
      assertThat(m.getHeaders().getFirst(Runner.RUNNER_HEADER)).isEqualTo(RUNNER);
    });
    assertThat(new String(reported.get(1).getData(), StandardCharsets.UTF_8)).as("the raw event").isEqualTo(elsewhere);
    assertThat(reported.get(0).getHeaders().getFirst(Runner.ROUTE_HEADER)).isNull();
    assertThat(reported.get(2).getHeaders().getFirst(Runner.ROUTE_HEADER)).isEqualTo("second");
    await().atMost(Duration.ofSeconds(5)).until(() -> runner.unreportedEvents() == 0);

    engine.store().flush();
    List<ExecutionRecord> log = engine.executions(ExecutionQuery.latest(20));
    assertThat(log).hasSize(6).allSatisfy(r -> assertThat(r.where()).isEqualTo(RUNNER));
    assertThat(engine.metrics().scrape()).contains("postee_runner_backplane_connected 1.0")
        .contains("postee_runner_unreported_events 0.0");
  }

  @Test
  void heartbeatsCarryTheRunnersIdentityLabelsAddressAndConfigurationVersion() throws Exception {
    List<Heartbeat> beats = new java.util.concurrent.CopyOnWriteArrayList<>();
    Subscription sub = client.subscribe(Subjects.heartbeat(RUNNER));
    Thread.ofVirtual().start(() -> {
      try {
        while (sub.isActive()) {
          Message m = sub.nextMessage(Duration.ofSeconds(1));
          if (m != null) beats.add(Codec.decode(m.getData(), Heartbeat.class));
        }
      } catch (InterruptedException | IllegalStateException e) {
        // unsubscribed
      }
    });
    long before = System.currentTimeMillis();
    runner = Runner.start(options().withLabels(Map.of("zone", "eu-1")).withWebhookUrl("http://10.0.0.7:8082"));
    assertThat(runner.awaitReady(Duration.ofSeconds(30))).isTrue();

    await().atMost(Duration.ofSeconds(10)).until(() -> beats.stream()
        .anyMatch(b -> b.configVersion().equals(runner.configVersion())));
    Heartbeat b = beats.getLast();
    assertThat(b.runner()).isEqualTo(RUNNER);
    assertThat(b.version()).isEqualTo("test-version");
    assertThat(b.labels()).containsEntry("zone", "eu-1").containsKey("host");
    assertThat(b.labels().get("host")).isEqualTo(b.hostname()).isNotBlank();
    assertThat(b.webhookUrl()).isEqualTo("http://10.0.0.7:8082");
    assertThat(b.startedAtMillis()).isBetween(before, System.currentTimeMillis());
    assertThat(b.sentAtMillis()).isGreaterThanOrEqualTo(b.startedAtMillis());
    sub.unsubscribe();
  }

  @Test
  void theDiscoveryFileNamesTheRunnerItsWebhookLabelsAndController() throws Exception {
    Path file = dir.resolve("discovery/postee-runner.json");
    runner = Runner.start(options().withLabels(Map.of("zone", "eu-1", "host", "node-a"))
        .withWebhookUrl("http://10.0.0.7:8082").withDiscoveryFile(file));

    JsonNode json = new ObjectMapper().readTree(Files.readString(file));
    assertThat(json.get("name").asText()).isEqualTo(RUNNER);
    assertThat(json.get("webhook").asText()).isEqualTo("http://10.0.0.7:8082");
    assertThat(json.get("labels").get("zone").asText()).isEqualTo("eu-1");
    assertThat(json.get("labels").get("host").asText()).as("a given host label wins").isEqualTo("node-a");
    assertThat(json.get("controller").asText()).isEqualTo(nats.clientUrl());

    runner.setWebhookUrl("http://10.0.0.7:9000");
    assertThat(new ObjectMapper().readTree(Files.readString(file)).get("webhook").asText())
        .isEqualTo("http://10.0.0.7:9000");
  }
}
