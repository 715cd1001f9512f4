package dev.postee.cluster.controller;

import static dev.postee.cluster.controller.ClusterTesting.assumeNatsServer;
import static dev.postee.cluster.controller.ClusterTesting.controller;
import static dev.postee.cluster.controller.ClusterTesting.fastOptions;
import static dev.postee.cluster.controller.ClusterTesting.freePort;
import static dev.postee.cluster.controller.ClusterTesting.nats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.Heartbeat;
import dev.postee.cluster.protocol.RunnerConfig;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.config.ConfigLoadResult;
import dev.postee.core.config.ConfigLoader;
import dev.postee.core.config.PosteeConfig;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What runners (ours and Go Postee's) see of a controller: configuration, events, liveness. */
@Timeout(120)
class RunnerFacingTest {
  private static final Map<String, String> SECRETS = Map.of("KILL_TOKEN", "k1ll-s3cret", "R2_TOKEN", "r2-s3cret",
      "HOOK_PATH", "h00k-s3cret");
  private static final String TRACEE = "{\"SigMetadata\":{\"ID\":\"TRC-2\"},\"Context\":{\"hostName\":\"node-a\"}}";

  @TempDir Path dir;
  NatsServerSupervisor server;
  HttpSink sink;
  Controller controller;
  Connection client;
  String url;

  @BeforeEach
  void start() throws Exception {
    assumeNatsServer();
    int port = freePort();
    server = nats(dir.resolve("nats-data"), port);
    url = "nats://127.0.0.1:" + port;
    sink = new HttpSink();
    client = Nats.connect(url);
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) client.close();
    if (controller != null) controller.close();
    if (server != null) server.close();
    if (sink != null) sink.close();
  }

  private String config(String killScript) {
    return """
        name: fleet
        runners:
        - name: runner-1
        - name: runner-2
        routes:
        - name: tracee
          input: contains(input.SigMetadata.ID, "TRC-2")
          actions: [kill, notify-2, controller-hook]
        - name: other
          input: contains(input.SigMetadata.ID, "TRC-3")
          actions: [notify-2]
        actions:
        - name: kill
          type: exec
          enable: true
          runs-on: runner-1
          env: ["TOKEN=${KILL_TOKEN}"]
          exec-script: SCRIPT
        - name: notify-2
          type: webhook
          enable: true
          runs-on: runner-2
          url: https://notify.example/${R2_TOKEN}
        - name: controller-hook
          type: webhook
          enable: true
          url: SINK/hook?${HOOK_PATH}
        """.replace("SCRIPT", killScript).replace("SINK", sink.url(""));
  }

  private RunnerConfig request(String subjectRunner, String namedRunner, String version) throws Exception {
    Heartbeat hb = new Heartbeat(namedRunner, "test", Map.of(), "host", 0, System.currentTimeMillis(), null, version);
    Message reply = client.request(Subjects.configRequest(subjectRunner), Codec.encode(hb), Duration.ofSeconds(10));
    assertThat(reply).as("answered").isNotNull();
    return Codec.decode(reply.getData(), RunnerConfig.class);
  }

  private static PosteeConfig load(String yaml) {
    ConfigLoadResult r = ConfigLoader.defaults().withEnvironment(Map.of()).load(yaml, "runner.yaml");
    assertThat(r.errors()).as(r.formatProblems()).isEmpty();
    return r.configOrThrow();
  }

  @Test
  void aRunnerGetsOnlyItsOwnConfigurationAndANewOneIsPushedAfterAReload() throws Exception {
    controller = controller(dir.resolve("controller"), url, config("echo one"), SECRETS, fastOptions());

    RunnerConfig one = request("runner-1", "runner-1", "");
    assertThat(one.error()).isNull();
    assertThat(one.version()).isNotBlank();
    assertThat(one.yaml()).contains("kill").contains("TOKEN=k1ll-s3cret").contains("echo one")
        .doesNotContain("r2-s3cret").doesNotContain("h00k-s3cret").doesNotContain("notify-2");
    assertThat(load(one.yaml()).actions()).extracting(a -> a.name()).containsExactly("kill");
    RunnerConfig two = request("runner-2", "runner-2", "");
    assertThat(two.yaml()).contains("r2-s3cret").doesNotContain("k1ll-s3cret").doesNotContain("h00k-s3cret");

    assertThat(request("runner-9", "runner-9", "").error()).contains("runner 'runner-9' is not declared");
    assertThat(request("runner-1", "runner-2", "").error())
        .as("a request names the runner of its subject").contains("must name the runner of that subject");

    Subscription pushes = client.subscribe(Subjects.configPush("runner-1"));
    client.flush(Duration.ofSeconds(5));
    Files.writeString(dir.resolve("controller/cfg.yaml"), config("echo two"));
    assertThat(controller.engine().reload().applied()).isTrue();
    Message pushed = pushes.nextMessage(Duration.ofSeconds(10));
    assertThat(pushed).as("pushed after the reload").isNotNull();
    RunnerConfig fresh = Codec.decode(pushed.getData(), RunnerConfig.class);
    assertThat(fresh.version()).isNotEqualTo(one.version());
    assertThat(fresh.yaml()).contains("echo two").doesNotContain("r2-s3cret");
    assertThat(request("runner-1", "runner-1", one.version()).version()).isEqualTo(fresh.version());
  }

  @Test
  void aHeartbeatShowingAnOldConfigurationGetsTheCurrentOnePushed() throws Exception {
    controller = controller(dir.resolve("controller"), url, config("echo one"), SECRETS, fastOptions());
    Subscription pushes = client.subscribe(Subjects.configPush("runner-1"));
    client.flush(Duration.ofSeconds(5));
    client.publish(Subjects.heartbeat("runner-1"), Codec.encode(
        new Heartbeat("runner-1", "test", Map.of(), "host", 0, System.currentTimeMillis(), null, "stale")));
    Message pushed = pushes.nextMessage(Duration.ofSeconds(10));
    assertThat(pushed).isNotNull();
    assertThat(Codec.decode(pushed.getData(), RunnerConfig.class).version())
        .isEqualTo(controller.runnerConfig("runner-1").version());
  }

  @Test
  void anEventReportedByARunnerIsIngestedOnceAndSkipsTheActionsThatRanThere() throws Exception {
    controller = controller(dir.resolve("controller"), url, config("echo one"), SECRETS, fastOptions());
    PublishAck first = reportEvent("runner-1", "evt-1", TRACEE);
    await().atMost(Duration.ofSeconds(15)).until(() -> sink.at("/hook").size() == 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> controller.engine().queueDepth() == 0);
    assertThat(controller.pendingDelegations()).as("kill ran on runner-1 already: not delegated back; notify-2 is"
        + " runner-2's").extracting(PendingDelegation::runner, PendingDelegation::action)
        .containsExactly(tuple("runner-2", "notify-2"));
    assertThat(client.jetStreamManagement().getStreamInfo(Subjects.DELEGATIONS_STREAM).getStreamState().getMsgCount())
        .isOne();

    // the same event again (a redelivery, or the runner re-sending it after the duplicate window)
    StreamConfiguration events = client.jetStreamManagement().getStreamInfo(Subjects.EVENTS_STREAM).getConfiguration();
    client.jetStreamManagement().updateStream(StreamConfiguration.builder(events).duplicateWindow(Duration.ofMillis(100))
        .build());
    PublishAck second = await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10)).until(
        () -> reportEvent("runner-1", "evt-1", TRACEE), ack -> !ack.isDuplicate());
    assertThat(second.getSeqno()).isGreaterThan(first.getSeqno());
    await().atMost(Duration.ofSeconds(10)).until(() -> acknowledgedUpTo(second.getSeqno()));
    await().during(Duration.ofSeconds(1)).until(() -> sink.at("/hook").size() == 1);

    reportEvent("runner-1", "evt-2", TRACEE);
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/hook").size() == 2);
  }

  @Test
  void anEventClaimingAnotherRunnerIsDropped() throws Exception {
    controller = controller(dir.resolve("controller"), url, config("echo one"), SECRETS, fastOptions());
    Headers h = new Headers().put("Nats-Msg-Id", "evt-x").put("Postee-Runner", "runner-2");
    PublishAck ack = client.jetStream().publish(NatsMessage.builder().subject(Subjects.events("runner-1")).headers(h)
        .data(TRACEE.getBytes(StandardCharsets.UTF_8)).build());
    await().atMost(Duration.ofSeconds(10)).until(() -> acknowledgedUpTo(ack.getSeqno()));
    await().during(Duration.ofSeconds(1)).until(() -> sink.requests.isEmpty() && controller.engine().queueDepth() == 0);
  }

  private PublishAck reportEvent(String runner, String id, String json) throws Exception {
    Headers h = new Headers().put("Nats-Msg-Id", id).put("Postee-Runner", runner);
    return client.jetStream().publish(NatsMessage.builder().subject(Subjects.events(runner)).headers(h)
        .data(json.getBytes(StandardCharsets.UTF_8)).build());
  }

  private boolean acknowledgedUpTo(long seq) throws Exception {
    ConsumerInfo ci = client.jetStreamManagement().getConsumerInfo(Subjects.EVENTS_STREAM, Subjects.EVENTS_CONSUMER);
    return ci.getAckFloor().getStreamSequence() >= seq && ci.getNumAckPending() == 0;
  }

  @Test
  void heartbeatsMakeARunnerOnlineAndSilenceOfflineInTheRegistryAndTheMetrics() throws Exception {
    controller = controller(dir.resolve("controller"), url, config("echo one"), SECRETS, fastOptions());
    assertThat(controller.runners()).extracting(RunnerStatus::name).containsExactly("runner-1", "runner-2");
    assertThat(controller.runners()).allSatisfy(s -> {
      assertThat(s.state()).isEqualTo("offline");
      assertThat(s.lastSeen()).isNull();
      assertThat(s.declared()).isTrue();
    });

    client.publish(Subjects.heartbeat("runner-1"), Codec.encode(new Heartbeat("runner-1", "1.2.3",
        Map.of("host", "node-a", "zone", "eu"), "node-a", 1_700_000_000_000L, System.currentTimeMillis(),
        "http://node-a:8082", controller.runnerConfig("runner-1").version())));
    // a runner speaks only for itself
    client.publish(Subjects.heartbeat("runner-1"), Codec.encode(new Heartbeat("intruder", "1", Map.of(), "x", 0,
        System.currentTimeMillis(), null, "")));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(controller.runners())
        .filteredOn(s -> s.name().equals("runner-1")).singleElement().satisfies(s -> {
          assertThat(s.state()).isEqualTo("online");
          assertThat(s.version()).isEqualTo("1.2.3");
          assertThat(s.labels()).containsEntry("host", "node-a").containsEntry("zone", "eu");
          assertThat(s.webhookUrl()).isEqualTo("http://node-a:8082");
          assertThat(s.pending()).isZero();
          assertThat(s.toJson()).containsEntry("config_current", true).containsEntry("state", "online");
        }));
    assertThat(controller.runners()).extracting(RunnerStatus::name).doesNotContain("intruder");
    String metrics = controller.engine().metrics().scrape();
    assertThat(metrics).contains("postee_runner_online{runner=\"runner-1\"} 1.0")
        .contains("postee_runner_online{runner=\"runner-2\"} 0.0")
        .contains("postee_runner_pending{runner=\"runner-1\"} 0.0")
        .containsPattern("postee_runner_last_seen_seconds\\{runner=\"runner-1\"} 1\\.\\d+E9");

    await().atMost(Duration.ofSeconds(10)).until(() -> !controller.runners().get(0).online());
    assertThat(controller.runners().get(0).lastSeen()).isNotNull();
    assertThat(controller.engine().metrics().scrape()).contains("postee_runner_online{runner=\"runner-1\"} 0.0");
  }

  @Test
  void aGoPosteeRunnerGetsItsYamlAndTheEventsItForwardsRunTheControllersActionsOnce() throws Exception {
    controller = controller(dir.resolve("controller"), url, config("echo one"), SECRETS, fastOptions());

    Message reply = client.request(Subjects.LEGACY_CONFIG, "runner-1".getBytes(StandardCharsets.UTF_8),
        Duration.ofSeconds(10));
    assertThat(reply).isNotNull();
    String yaml = new String(reply.getData(), StandardCharsets.UTF_8);
    assertThat(load(yaml).actions()).extracting(a -> a.name()).containsExactly("kill");
    assertThat(yaml).doesNotContain("r2-s3cret").doesNotContain("h00k-s3cret");

    // a Go runner forwards the event once per route it matched
    client.publish(Subjects.LEGACY_EVENTS, TRACEE.getBytes(StandardCharsets.UTF_8));
    client.publish(Subjects.LEGACY_EVENTS, TRACEE.getBytes(StandardCharsets.UTF_8));
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/hook").size() == 1);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
        .until(() -> sink.at("/hook").size() == 1 && controller.engine().queueDepth() == 0);
    assertThat(controller.pendingDelegations()).as("an unnamed Go runner counts as having run every runs-on action")
        .isEmpty();

    client.publish(Subjects.LEGACY_EVENTS, TRACEE.replace("node-a", "node-b").getBytes(StandardCharsets.UTF_8));
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.at("/hook").size() == 2);
  }
}
