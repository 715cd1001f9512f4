package dev.postee.cluster.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.cluster.nats.BackplaneException;
import dev.postee.cluster.nats.BackplaneOptions;
import dev.postee.cluster.nats.JetStreamSettings;
import dev.postee.cluster.nats.JetStreamSetup;
import dev.postee.cluster.nats.NatsServerOptions;
import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.Delegation;
import dev.postee.cluster.protocol.DelegationResult;
import dev.postee.cluster.protocol.Subjects;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/** Real nats-server processes, JetStream provisioning as a controller does it, and runner options with short timings. */
final class RunnerTesting {
  private RunnerTesting() {}

  static final Duration ACK_WAIT = Duration.ofSeconds(2);

  /** Skips the calling test, visibly, when nats-server is not installed. */
  static void assumeNatsServer() {
    try {
      NatsServerSupervisor.findBinary(NatsServerOptions.of("nats://127.0.0.1:4222", Path.of(".")));
    } catch (BackplaneException e) {
      System.err.println("SKIPPED (nats-server not installed; CI installs it): " + e.getMessage());
      Assumptions.abort("nats-server not installed (CI installs it with apt): " + e.getMessage());
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A nats-server with JetStream on {@code port}, its store under {@code dir} (same dir = same streams after a restart). */
  static NatsServerSupervisor natsServer(int port, Path dir) {
    return NatsServerSupervisor.start(NatsServerOptions.of("nats://127.0.0.1:" + port, dir)
        .withServerName("runner-test-" + port)
        .withRestartBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
        .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(10)));
  }

  static Connection connect(String url) throws IOException, InterruptedException {
    return Nats.connect(new Options.Builder().server(url).maxReconnects(-1).reconnectWait(Duration.ofMillis(100))
        .connectionTimeout(Duration.ofSeconds(5)).build());
  }

  /** What a controller provisions: streams, the shared events consumer, the results bucket, the runner's consumer. */
  static void provision(Connection c, String runner) throws IOException {
    JetStreamSetup setup = JetStreamSetup.of(c, JetStreamSettings.defaults().withAckWait(ACK_WAIT));
    setup.provision();
    setup.ensureRunnerConsumer(runner);
  }

  static BackplaneOptions backplane(String runner, String url) {
    return BackplaneOptions.forRunner(runner, url).withReconnectWait(Duration.ofMillis(50), Duration.ofMillis(500))
        .withConnectTimeout(Duration.ofSeconds(2));
  }

  static RunnerOptions.Timings fastTimings() {
    return RunnerOptions.Timings.defaults()
        .withHeartbeatInterval(Duration.ofMillis(200))
        .withConfigRefreshInterval(Duration.ofSeconds(1))
        .withConfigRequestTimeout(Duration.ofSeconds(1))
        .withRetry(Duration.ofMillis(100), Duration.ofSeconds(1))
        .withInProgressInterval(Duration.ofMillis(500))
        .withFetchWait(Duration.ofMillis(500));
  }

  static RunnerOptions runnerOptions(String runner, String url, Path dataDir) {
    return RunnerOptions.of(runner, dataDir, backplane(runner, url))
        .withTimings(fastTimings())
        .withVersion("test-version")
        .withEngineOptions(o -> o.withShutdownTimeout(Duration.ofSeconds(10)).withWorkers(4));
  }

  static Delegation delegation(String runner, String action, String route, String result, String event) {
    return new Delegation(UUID.randomUUID().toString(), runner, route, action, "EV-" + UUID.randomUUID(), "title",
        result, null, Map.of(), event, System.currentTimeMillis(), Duration.ofHours(1).toMillis(), "controller-test", "v");
  }

  /** Publishes as a controller does: on the runner's subject, Nats-Msg-Id = execution id, PubAck awaited. */
  static void delegate(Connection c, Delegation d) throws IOException, JetStreamApiException {
    delegate(c, d, d.executionId());
  }

  static void delegate(Connection c, Delegation d, String msgId) throws IOException, JetStreamApiException {
    Headers h = new Headers();
    h.put("Nats-Msg-Id", msgId);
    c.jetStream().publish(NatsMessage.builder().subject(Subjects.delegate(d.runner())).headers(h)
        .data(Codec.encode(d)).build());
  }

  static KeyValue results(Connection c) throws IOException {
    return c.keyValue(Subjects.RESULTS_BUCKET);
  }

  /** Waits for the result of an execution in the results bucket. */
  static DelegationResult awaitResult(Connection c, String runner, String executionId) throws IOException {
    KeyValue kv = results(c);
    String key = Subjects.resultKey(runner, executionId);
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      KeyValueEntry e = kv.get(key);
      return e != null && e.getValue() != null && e.getValue().length > 0;
    });
    try {
      return Codec.decode(kv.get(key).getValue(), DelegationResult.class);
    } catch (JetStreamApiException e) {
      throw new IOException(e);
    }
  }

  /** The runner's consumer holds no message: every delegation was acknowledged. */
  static void awaitAllAcked(Connection c, String runner) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      ConsumerInfo info = c.jetStreamManagement().getConsumerInfo(Subjects.DELEGATIONS_STREAM,
          Subjects.delegationConsumer(runner));
      assertThat(info.getNumPending() + info.getNumAckPending()).as("unacknowledged delegations").isZero();
    });
  }
}
