package dev.postee.core.action;

import static dev.postee.core.action.Fixtures.request;
import static dev.postee.core.action.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecActionTest {
  @TempDir Path tmp;
  private Path work;
  private Path pids;
  private ActionEnvironment env;
  private final List<Long> startedByScripts = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    work = Files.createDirectory(tmp.resolve("work"));
    pids = Files.createDirectory(tmp.resolve("pids"));
    env = new ActionEnvironment(ActionEnvironment.newHttpClient(), work, Clock.systemUTC(), new PrintStream(PrintStream.nullOutputStream()));
  }

  @AfterEach
  void tearDown() {
    // Processes the scripts of a test started and left behind on purpose; only those, by pid.
    startedByScripts.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    env.close();
  }

  private ExecAction exec(Duration timeout, Object... fields) {
    return new ExecAction(spec("run", "exec", timeout, fields), env);
  }

  private long pid(String name) throws IOException {
    long pid = Long.parseLong(Files.readString(pids.resolve(name)).trim());
    startedByScripts.add(pid);
    return pid;
  }

  /** Gone, or a zombie: killed and waiting to be reaped by a parent that is not us. */
  private static boolean isGone(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.isDirectory(Path.of("/proc"))) return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    try {
      String s = Files.readString(stat);
      return s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void scriptSeesThePosteeEventAndConfiguredEnvironment() throws Exception {
    ExecAction action = exec(null,
        "env", List.of("MY_ENV_VAR=foo_bar_baz", "WITH_EQUALS=a=b"),
        "exec-script", """
            #!/bin/sh
            [ "$MY_ENV_VAR" = foo_bar_baz ] && [ "$WITH_EQUALS" = a=b ] && echo env-ok
            printf '%s|%s' "$POSTEE_EVENT" "$(cat "$POSTEE_EVENT_FILE")"
            """);

    ActionResult result = action.execute(request(action, "{\"id\": 1}", null));

    assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.OK);
    assertThat(result.exitCode()).isZero();
    assertThat(result.output()).isEqualTo("env-ok\n{\"id\": 1}|{\"id\": 1}");
  }

  @Test
  void nonZeroExitIsAPermanentFailureWithExitCodeAndBothOutputStreams() throws Exception {
    ExecAction action = exec(null, "exec-script", "echo to-stdout\necho to-stderr >&2\nexit 3\n");

    ActionResult result = action.execute(request(action, "m", null));

    assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.FAILED);
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.error()).isEqualTo("script exited with code 3");
    assertThat(result.output()).contains("to-stdout").contains("to-stderr");
  }

  @Test
  void exitCodesListedAsRetryableAreTransient() throws Exception {
    ExecAction action = exec(null, "retry-exit-codes", List.of(75L, "76"), "exec-script", "exit 75");

    ActionResult result = action.execute(request(action, "m", null));

    assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.RETRY);
    assertThat(result.exitCode()).isEqualTo(75);
  }

  @Test
  void inputFileIsRunWithShEvenWhenNotExecutable() throws Exception {
    Path script = tmp.resolve("script.sh");
    Files.writeString(script, "echo \"from file: $POSTEE_EVENT\"\n");
    ExecAction action = exec(null, "input-file", script.toString(), "exec-script", "");

    ActionResult result = action.execute(request(action, "hello", null));

    assertThat(result.isOk()).isTrue();
    assertThat(result.output()).isEqualTo("from file: hello\n");
  }

  @Test
  void missingInputFileIsAPermanentFailureNamingIt() throws Exception {
    Path missing = tmp.resolve("gone.sh");
    ExecAction action = exec(null, "input-file", missing.toString());

    ActionResult result = action.execute(request(action, "m", null));

    assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.FAILED);
    assertThat(result.error()).contains(missing.toString());
  }

  @Test
  void scriptPastItsTimeoutIsKilledWithItsChildAndGrandchild() throws Exception {
    ExecAction action = exec(Duration.ofSeconds(1), "exec-script", """
        echo $$ > '%1$s/script'
        sh -c 'sleep 300 & echo $! > "%1$s/grandchild"; wait' &
        echo $! > '%1$s/child'
        echo working
        wait
        """.formatted(pids));
    long start = System.nanoTime();

    ActionResult result = action.execute(request(action, "m", null));

    assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.FAILED);
    assertThat(result.error()).contains("timed out after 1 s").contains("killed");
    assertThat(result.output()).isEqualTo("working\n");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    long script = pid("script");
    long child = pid("child");
    long grandchild = pid("grandchild");
    await().atMost(Duration.ofSeconds(5)).until(() -> isGone(script) && isGone(child) && isGone(grandchild));
  }

  @Test
  void backgroundProcessSharingTheOutputDoesNotHoldUpTheResult() throws Exception {
    // Output goes to a file in the run directory, so a background process that keeps writing to
    // it neither blocks the result nor needs to be killed.
    ExecAction action = exec(Duration.ofSeconds(30), "exec-script", """
        sleep 300 &
        echo $! > '%s/background'
        echo started
        """.formatted(pids));
    long start = System.nanoTime();

    ActionResult result = action.execute(request(action, "m", null));

    assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.OK);
    assertThat(result.output()).startsWith("started");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(isGone(pid("background"))).isFalse();
  }

  @Test
  void backgroundProcessWithRedirectedOutputIsLeftRunning() throws Exception {
    ExecAction action = exec(Duration.ofSeconds(30), "exec-script", """
        sleep 300 >/dev/null 2>&1 &
        echo $! > '%s/daemon'
        echo done
        """.formatted(pids));
    long start = System.nanoTime();

    ActionResult result = action.execute(request(action, "m", null));

    assertThat(result.isOk()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(isGone(pid("daemon"))).isFalse();
  }

  @Test
  void interruptionKillsTheScriptAndItsChildren() throws Exception {
    ExecAction action = exec(Duration.ofSeconds(60), "exec-script", """
        sleep 300 &
        echo $! > '%1$s/child.tmp' && mv '%1$s/child.tmp' '%1$s/child'
        wait
        """.formatted(pids));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread runner = Thread.ofVirtual().start(() -> {
      try {
        action.execute(request(action, "m", null));
      } catch (Throwable t) {
        thrown.set(t);
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pids.resolve("child")));

    runner.interrupt();

    assertThat(runner.join(Duration.ofSeconds(10))).isTrue();
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    long child = pid("child");
    await().atMost(Duration.ofSeconds(5)).until(() -> isGone(child));
  }

  @Test
  void outputKeepsOnlyTheLastSixtyFourKibibytes() throws Exception {
    ExecAction action = exec(null, "exec-script", """
        i=0
        while [ $i -lt 4000 ]; do echo "line $i padding-padding-padding-padding-padding"; i=$((i+1)); done
        echo LAST-LINE
        """);

    ActionResult result = action.execute(request(action, "m", null));

    assertThat(result.isOk()).isTrue();
    assertThat(result.output()).contains("earlier bytes of output omitted").endsWith("LAST-LINE\n");
    assertThat(result.output().length()).isLessThanOrEqualTo(ExecAction.OUTPUT_LIMIT + 100);
  }

  @Test
  void environmentValuesAreMaskedInTheCapturedOutput() throws Exception {
    ExecAction action = exec(null, "env", List.of("API_KEY=sup3r-s3cret"), "exec-script", "echo \"key is $API_KEY\"");

    ActionResult result = action.execute(request(action, "m", null));

    assertThat(result.output()).isEqualTo("key is " + Redactor.MASK + "\n");
  }

  @Test
  void scriptReadingStandardInputSeesEndOfInputInsteadOfHanging() throws Exception {
    ExecAction action = exec(Duration.ofSeconds(30), "exec-script", "cat; echo after-stdin");

    ActionResult result = action.execute(request(action, "m", null));

    assertThat(result.isOk()).isTrue();
    assertThat(result.output()).isEqualTo("after-stdin\n");
  }

  @Test
  void messageTooLargeForTheEnvironmentIsPassedThroughTheEventFile() throws Exception {
    String huge = "x".repeat(200 * 1024);
    ExecAction action = exec(null, "exec-script", "wc -c < \"$POSTEE_EVENT_FILE\" | tr -d ' '; echo \"${POSTEE_EVENT:-unset}\"");

    ActionResult result = action.execute(request(action, huge, null));

    assertThat(result.isOk()).isTrue();
    assertThat(result.output()).isEqualTo(huge.length() + "\nunset\n");
  }

  @Test
  void messageWithANulCharacterIsPassedThroughTheEventFileOnly() throws Exception {
    ExecAction action = exec(null, "exec-script", "wc -c < \"$POSTEE_EVENT_FILE\" | tr -d ' '; echo \"${POSTEE_EVENT:-unset}\"");

    ActionResult result = action.execute(request(action, "a\0b", null));

    assertThat(result.isOk()).isTrue();
    assertThat(result.output()).isEqualTo("3\nunset\n");
  }

  @Test
  void temporaryFilesAreRemovedAfterEachRun() throws Exception {
    ExecAction action = exec(null, "exec-script", "test -f \"$POSTEE_EVENT_FILE\"");

    assertThat(action.execute(request(action, "m", null)).isOk()).isTrue();

    try (Stream<Path> left = Files.list(work.resolve("exec"))) {
      assertThat(left).as("run directories are removed once the result is returned").isEmpty();
    }
  }

  @Test
  void scriptIsRequiredAndExclusive() {
    assertThatThrownBy(() -> exec(null, "input-file", ""))
        .isInstanceOf(ActionConfigException.class).hasMessageContaining("exec-script").hasMessageContaining("input-file");
    assertThatThrownBy(() -> exec(null, "input-file", "/x.sh", "exec-script", "echo"))
        .isInstanceOf(ActionConfigException.class).hasMessageContaining("cannot be used together");
  }

  @Test
  void malformedEnvEntryIsRejectedWithoutRepeatingIt() {
    assertThatThrownBy(() -> exec(null, "exec-script", "true", "env", List.of("OK=1", "s3cr3t-no-equals")))
        .isInstanceOf(ActionConfigException.class)
        .hasMessageContaining("entry 2").hasMessageNotContaining("s3cr3t");
  }

  @Test
  void retryExitCodesMustBeExitCodes() {
    assertThatThrownBy(() -> exec(null, "exec-script", "true", "retry-exit-codes", List.of("0")))
        .isInstanceOf(ActionConfigException.class).hasMessageContaining("between 1 and 255");
  }

  @Test
  void timeoutDefaultsToFiveMinutes() {
    assertThat(exec(null, "exec-script", "true").timeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void scriptsLeadASessionOfTheirOwnWhereSupported() throws Exception {
    assumeTrue(ProcessTree.sessionsSupported(), "needs setsid and /proc (Linux)");
    // Field 6 of /proc/<pid>/stat is the session id.
    // The script runs under a wrapper shell that leads the session (and records the exit code).
    ExecAction probe = exec(null, "exec-script", "cut -d' ' -f6 /proc/$$/stat; echo $PPID");

    ActionResult result = probe.execute(request(probe, "m", null));

    String[] lines = result.output().split("\n");
    assertThat(lines[0]).isEqualTo(lines[1]);
  }
}
