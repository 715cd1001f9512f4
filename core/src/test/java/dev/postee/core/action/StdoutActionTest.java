package dev.postee.core.action;

import static dev.postee.core.action.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StdoutActionTest {
  @TempDir Path work;

  private StdoutAction stdout(PrintStream out) {
    return new StdoutAction(spec("console", "stdout", null),
        new ActionEnvironment(ActionEnvironment.newHttpClient(), work, Clock.systemUTC(), out));
  }

  @Test
  void printsTheTitleLineThenTheResult() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StdoutAction action = stdout(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    ActionResult result = action.execute(Fixtures.request("Vulnerabilities found", "{\"critical\": 2}", null, Duration.ofSeconds(5)));

    assertThat(result.isOk()).isTrue();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("Vulnerabilities found\n{\"critical\": 2}\n");
  }

  @Test
  void messageWithoutTitleIsJustTheResult() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StdoutAction action = stdout(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    action.execute(Fixtures.request("", "already ends with a newline\n", null, Duration.ofSeconds(5)));

    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("already ends with a newline\n");
  }

  @Test
  void concurrentMessagesNeverInterleave() throws Exception {
    // A stream that hands each write to the sink in small pieces, so a message printed in more
    // than one write would be torn apart by the other threads.
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream choppy = new OutputStream() {
      @Override public void write(int b) {
        synchronized (sink) { sink.write(b); }
      }

      @Override public void write(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) write(b[off + i]);
        Thread.yield();
      }
    };
    StdoutAction action = stdout(new PrintStream(choppy, false, StandardCharsets.UTF_8));
    List<Future<?>> writers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (int t = 0; t < 8; t++) {
        String body = ("thread-" + t + " ").repeat(40);
        writers.add(pool.submit(() -> {
          for (int i = 0; i < 50; i++) action.execute(Fixtures.request("T", body, null, Duration.ofSeconds(5)));
        }));
      }
      for (Future<?> f : writers) f.get();
    }

    String[] lines = sink.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(8 * 50 * 2);
    for (int i = 0; i < lines.length; i += 2) {
      assertThat(lines[i]).isEqualTo("T");
      assertThat(lines[i + 1]).matches("(thread-\\d )\\1{39}");
    }
  }

  @Test
  void failingStandardOutputIsReported() {
    PrintStream broken = new PrintStream(new OutputStream() {
      @Override public void write(int b) throws IOException { throw new IOException("broken pipe"); }
    }, true, StandardCharsets.UTF_8);
    StdoutAction action = stdout(broken);

    ActionResult result = action.execute(Fixtures.request("T", "m", null, Duration.ofSeconds(5)));

    assertThat(result.outcome()).isEqualTo(ActionResult.Outcome.FAILED);
    assertThat(result.error()).contains("standard output");
  }
}
