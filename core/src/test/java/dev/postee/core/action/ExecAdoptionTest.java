package dev.postee.core.action;

import static dev.postee.core.action.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.core.template.RenderedMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process running an exec action is killed (SIGKILL) while the script runs; the next delivery of
 * the same execution adopts the script that kept running instead of starting it again, so its
 * effect happens once.
 */
class ExecAdoptionTest {
  @TempDir Path tmp;

  @Test
  void executionOfAKilledProcessIsAdoptedNotRepeated() throws Exception {
    Path work = Files.createDirectory(tmp.resolve("work"));
    Path effect = tmp.resolve("effect.log");
    String script = "sleep 2; echo effect >> '" + effect + "'";
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ExecAdoptChild.class.getName(), work.toString(), script).redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("running");
      // the script is running once its run directory records the pid
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        try (var dirs = Files.list(work.resolve("exec"))) {
          return dirs.anyMatch(d -> Files.exists(d.resolve("pid")));
        } catch (java.io.IOException e) {
          return false;
        }
      });
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
      child.waitFor();
    }
    assertThat(Files.exists(effect)).as("the script is still sleeping").isFalse();

    ActionEnvironment env = new ActionEnvironment(ActionEnvironment.newHttpClient(), work, Clock.systemUTC(),
        new PrintStream(PrintStream.nullOutputStream()));
    ExecAction action = new ExecAction(spec("slow", "exec", Duration.ofSeconds(60), "exec-script", script), env);
    ActionResult result = action.execute(new ActionRequest("exec-42", "event-1", "route-1",
        new RenderedMessage("t", "m", null, Map.of()), null, 1, Instant.now().plusSeconds(60)));

    assertThat(result.isOk()).isTrue();
    assertThat(Files.readAllLines(effect)).isEqualTo(List.of("effect"));
    env.close();
  }

  @Test
  void runDirectoriesOlderThanADayWithoutALiveScriptAreRemovedOthersKept() throws Exception {
    Path work = Files.createDirectory(tmp.resolve("work"));
    Path old = Files.createDirectories(work.resolve("exec/kill-old"));
    Files.writeString(old.resolve("exit"), "0");
    Path recent = Files.createDirectories(work.resolve("exec/kill-recent"));
    Path oldButAlive = Files.createDirectories(work.resolve("exec/kill-alive"));
    ProcessHandle self = ProcessHandle.current();
    Files.writeString(oldButAlive.resolve("pid"),
        self.pid() + " " + self.info().startInstant().orElseThrow().toEpochMilli());
    java.nio.file.attribute.FileTime twoDaysAgo =
        java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofDays(2)));
    Files.setLastModifiedTime(old, twoDaysAgo);
    Files.setLastModifiedTime(oldButAlive, twoDaysAgo);

    ExecAction.removeStaleRuns(work);

    assertThat(old).doesNotExist();
    assertThat(recent).isDirectory();
    assertThat(oldButAlive).as("its script still runs and may be adopted").isDirectory();
  }
}
