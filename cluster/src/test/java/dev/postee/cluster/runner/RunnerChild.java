package dev.postee.cluster.runner;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A runner in a process of its own, for tests that kill it: {@code RunnerChild NATS_URL DATA_DIR NAME}.
 * Prints "ready" on stdout once its engine runs, then runs until killed.
 */
public final class RunnerChild {
  private RunnerChild() {}

  public static void main(String[] args) throws Exception {
    Runner runner = Runner.start(RunnerTesting.runnerOptions(args[2], args[0], Path.of(args[1])));
    if (!runner.awaitReady(Duration.ofSeconds(60))) {
      System.out.println("not ready: " + runner.notReadyReason());
      System.exit(2);
    }
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
