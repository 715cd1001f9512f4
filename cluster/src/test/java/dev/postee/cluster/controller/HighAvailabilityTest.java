package dev.postee.cluster.controller;

import static dev.postee.cluster.controller.ClusterTesting.assumeNatsServer;
import static dev.postee.cluster.controller.ClusterTesting.controller;
import static dev.postee.cluster.controller.ClusterTesting.execution;
import static dev.postee.cluster.controller.ClusterTesting.fastOptions;
import static dev.postee.cluster.controller.ClusterTesting.freePort;
import static dev.postee.cluster.controller.ClusterTesting.nats;
import static dev.postee.cluster.controller.ClusterTesting.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.cluster.controller.ClusterTesting.FakeRunner;
import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.action.ActionResult;
import dev.postee.core.routing.Pipeline;
import dev.postee.core.store.StoredEvent;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two controllers on one NATS server. */
@Timeout(120)
class HighAvailabilityTest {
  @TempDir Path dir;
  NatsServerSupervisor server;
  HttpSink sink;
  Controller a;
  Controller b;
  FakeRunner runner;
  String url;

  @BeforeEach
  void start() throws Exception {
    assumeNatsServer();
    int port = freePort();
    server = nats(dir.resolve("nats-data"), port);
    url = "nats://127.0.0.1:" + port;
    sink = new HttpSink();
    String yaml = """
        name: fleet
        routes:
        - name: tracee
          input: contains(input.SigMetadata.ID, "TRC")
          actions: [kill, controller-hook]
        actions:
        - name: kill
          type: exec
          enable: true
          runs-on: runner-1
          exec-script: echo killed
        - name: controller-hook
          type: webhook
          enable: true
          url: SINK/hook
        """.replace("SINK", sink.url(""));
    a = controller(dir.resolve("a"), url, yaml, Map.of(), fastOptions());
    b = controller(dir.resolve("b"), url, yaml, Map.of(), fastOptions());
    runner = new FakeRunner(url, "runner-1");
  }

  @AfterEach
  void stop() throws Exception {
    if (runner != null) runner.close();
    if (a != null) a.close();
    if (b != null) b.close();
    if (server != null) server.close();
    if (sink != null) sink.close();
  }

  @Test
  void eachControllerHasItsOwnStableId() {
    assertThat(a.id()).isNotEqualTo(b.id());
  }

  @Test
  void anEventReportedByARunnerIsHandledByExactlyOneController() throws Exception {
    for (int i = 0; i < 6; i++) {
      Headers h = new Headers().put("Nats-Msg-Id", "evt-" + i).put("Postee-Runner", "runner-1");
      runner.nc.jetStream().publish(NatsMessage.builder().subject(Subjects.events("runner-1")).headers(h)
          .data(("{\"SigMetadata\":{\"ID\":\"TRC-" + i + "\"}}").getBytes(StandardCharsets.UTF_8)).build());
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> sink.at("/hook").size() == 6);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> sink.at("/hook").size() == 6
        && a.engine().queueDepth() == 0 && b.engine().queueDepth() == 0);
    assertThat(sink.at("/hook")).extracting(r -> r.body().replaceAll(".*\"ID\":\"(TRC-\\d)\".*", "$1"))
        .containsExactlyInAnyOrder("TRC-0", "TRC-1", "TRC-2", "TRC-3", "TRC-4", "TRC-5");
  }

  @Test
  void theResultOfADelegationIsRecordedByBothControllers() throws Exception {
    StoredEvent ev = post(a, "{\"SigMetadata\":{\"ID\":\"TRC-2\"}}");
    String executionId = Pipeline.executionId(ev.id(), "tracee", "kill");
    Message m = runner.take(Duration.ofSeconds(20));
    assertThat(m).isNotNull();
    assertThat(FakeRunner.delegation(m).controller()).isEqualTo(a.id());
    runner.report(FakeRunner.delegation(m), "DELIVERED", 1, 0, "killed", null);
    m.ack();
    await().atMost(Duration.ofSeconds(10)).until(() -> execution(a, executionId).isPresent()
        && execution(b, executionId).isPresent());
    for (Controller c : new Controller[] {a, b}) {
      assertThat(execution(c, executionId)).hasValueSatisfying(r -> {
        assertThat(r.where()).isEqualTo("runner-1");
        assertThat(r.outcome()).isEqualTo(ActionResult.Outcome.OK);
      });
    }
    assertThat(a.pendingDelegations()).isEmpty();
  }
}
