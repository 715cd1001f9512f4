package dev.postee.cluster.controller;

import static org.awaitility.Awaitility.await;

import dev.postee.cluster.nats.Backplane;
import dev.postee.cluster.nats.BackplaneException;
import dev.postee.cluster.nats.BackplaneOptions;
import dev.postee.cluster.nats.NatsServerOptions;
import dev.postee.cluster.nats.NatsServerSupervisor;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.Delegation;
import dev.postee.cluster.protocol.DelegationResult;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.engine.Engine;
import dev.postee.core.engine.EngineOptions;
import dev.postee.core.store.ExecutionQuery;
import dev.postee.core.store.StoredEvent;
import dev.postee.rego.value.Json;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullSubscribeOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Real nats-server processes, real engines (SQLite in temp dirs) and a fake runner speaking the protocol. */
final class ClusterTesting {
  private ClusterTesting() {}

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

  /** A nats-server with JetStream under {@code dir}, on {@code port}. */
  static NatsServerSupervisor nats(Path dir, int port) {
    return NatsServerSupervisor.start(NatsServerOptions.of("nats://127.0.0.1:" + port, dir)
        .withServerName("test-" + port)
        .withRestartBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
        .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(10)));
  }

  /** Short timings for tests. */
  static ControllerOptions fastOptions() {
    return ControllerOptions.defaults()
        .withSweepInterval(Duration.ofMillis(200))
        .withRunnerInfoInterval(Duration.ofMillis(200))
        .withHeartbeatTimeout(Duration.ofSeconds(1))
        .withRetryWaitMax(Duration.ofMillis(500))
        .withConnectWait(Duration.ofSeconds(10));
  }

  /** Writes the configuration into {@code dir} and starts a controller on it (its store in {@code dir/data}). */
  static Controller controller(Path dir, String url, String yaml, Map<String, String> env, ControllerOptions options)
      throws Exception {
    return controller(dir, url, yaml, env, options, Duration.ofSeconds(10));
  }

  /**
   * @param shutdownTimeout how long closing waits for in-flight work before interrupting it: long, a
   *     test shows that closing does not need the interruption
   */
  static Controller controller(Path dir, String url, String yaml, Map<String, String> env, ControllerOptions options,
      Duration shutdownTimeout) throws Exception {
    Files.createDirectories(dir);
    Path cfg = dir.resolve("cfg.yaml");
    if (yaml != null) Files.writeString(cfg, yaml);
    EngineOptions engineOptions = EngineOptions.standalone(cfg, dir.resolve("data/postee.db"))
        .withTemplatesDir(dir.resolve("templates"))
        .withFiltersDir(dir.resolve("filters"))
        .withEnvironment(env)
        .withConfigPollInterval(null)
        .withAggregationTick(Duration.ofMillis(100))
        .withShutdownTimeout(shutdownTimeout)
        .withRole("controller")
        .withRunsHere(Controller.runsHere());
    Backplane backplane = Backplane.start(BackplaneOptions.forController("test", url)
        .withReconnectWait(Duration.ofMillis(50), Duration.ofMillis(500))
        .withConnectTimeout(Duration.ofSeconds(2)));
    return Controller.start(options, backplane, null, factory -> Engine.start(engineOptions.withDispatcher(factory)));
  }

  static StoredEvent post(Controller c, String json) {
    return c.engine().ingest(json.getBytes(StandardCharsets.UTF_8), Json.parse(json), null).join();
  }

  static Optional<ExecutionRecord> execution(Controller c, String executionId) {
    return c.engine().executions(ExecutionQuery.latest(200)).stream()
        .filter(r -> r.executionId().equals(executionId)).findFirst();
  }

  static List<ExecutionRecord> executions(Controller c) {
    return c.engine().executions(ExecutionQuery.latest(200));
  }

  /** A runner as the protocol sees it: takes delegations from its consumer and puts results. */
  static final class FakeRunner implements AutoCloseable {
    final String name;
    final Connection nc;
    private JetStreamSubscription sub;

    FakeRunner(String url, String name) throws Exception {
      this.name = name;
      this.nc = Nats.connect(new Options.Builder().server(url).connectionName("fake runner " + name)
          .maxReconnects(-1).reconnectWait(Duration.ofMillis(100)).build());
    }

    /** The next delegation for this runner (its consumer is created by the controller). */
    Message take(Duration within) {
      if (sub == null) {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
          sub = nc.jetStream().subscribe(null,
              PullSubscribeOptions.bind(Subjects.DELEGATIONS_STREAM, Subjects.delegationConsumer(name)));
          return true;
        });
      }
      long end = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < end) {
        List<Message> got = sub.fetch(1, Duration.ofMillis(500));
        if (!got.isEmpty()) return got.get(0);
      }
      return null;
    }

    static Delegation delegation(Message m) {
      return Codec.decode(m.getData(), Delegation.class);
    }

    /** Puts a result for {@code d} into the results bucket, as a runner does. */
    void report(Delegation d, String status, int attempts, Integer exitCode, String output, String error) throws Exception {
      DelegationResult r = new DelegationResult(d.executionId(), name, d.route(), d.action(), "exec", d.eventId(), status,
          attempts, null, exitCode, System.currentTimeMillis(), 12, output, error);
      nc.jetStream().publish(Subjects.resultSubject(name, d.executionId()), Codec.encode(r));
    }

    @Override
    public void close() throws InterruptedException {
      nc.close();
    }
  }
}
