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
import dev.postee.cluster.protocol.DelegationResult;
import io.nats.client.Connection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner process killed with SIGKILL while a delegated exec script runs: the delegation is
 * redelivered to the restarted runner, which adopts the script that kept running instead of
 * starting it again, so the effect happens once.
 */
class RunnerCrashTest {
  private static final String RUNNER = "runner-1";

  @TempDir Path dir;
  NatsServerSupervisor nats;
  Connection client;
  FakeController controller;
  Process child;
  Runner runner;

  @BeforeEach
  void setUp() throws Exception {
    assumeNatsServer();
    nats = natsServer(freePort(), dir.resolve("nats"));
    client = connect(nats.clientUrl());
    provision(client, RUNNER);
    controller = new FakeController(client, RUNNER);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (child != null) child.destroyForcibly().waitFor();
    if (runner != null) runner.close();
    if (controller != null) controller.close();
    if (client != null) client.close();
    if (nats != null) nats.close();
  }

  private Process startChild(Path data) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RunnerChild.class.getName(),
        nats.clientUrl(), data.toString(), RUNNER)
        .redirectError(dir.resolve("child.log").toFile())
        .start();
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
  void aDelegationInterruptedBySigkillTakesEffectOnceAfterTheRestart() throws Exception {
    Path effect = dir.resolve("effect.log");
    controller.serve("""
        routes:
        - name: remote
          actions: [slow]
        actions:
        - name: slow
          type: exec
          enable: true
          runs-on: runner-1
          exec-script: |
            sleep 3
            echo "$POSTEE_EVENT" >> 'EFFECT'
            echo finished
        """.replace("EFFECT", effect.toString()));
    Path data = dir.resolve("runner");
    child = startChild(data);
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).as("child log: " + dir.resolve("child.log")).isEqualTo("ready");
    }
    Delegation d = delegation(RUNNER, "slow", "remote", "acted", "{}");
    delegate(client, d);
    await().atMost(Duration.ofSeconds(20)).until(() -> scriptRunning(data.resolve("work/exec")));

    child.destroyForcibly().waitFor(); // SIGKILL: no ack, no ledger entry, no result
    child = null;
    assertThat(effect).as("the script still sleeps").doesNotExist();

    runner = Runner.start(runnerOptions(RUNNER, nats.clientUrl(), data));
    assertThat(runner.awaitReady(Duration.ofSeconds(30))).isTrue();

    DelegationResult r = awaitResult(client, RUNNER, d.executionId());
    assertThat(r.status()).isEqualTo("DELIVERED");
    assertThat(r.exitCode()).isZero();
    assertThat(r.output()).contains("finished");
    assertThat(Files.readAllLines(effect)).as("the script ran once").containsExactly("acted");
    awaitAllAcked(client, RUNNER);
    assertThat(Files.readAllLines(effect)).containsExactly("acted");
  }
}
