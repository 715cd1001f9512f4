package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.core.action.ActionResult.Outcome;
import dev.postee.core.action.ExecutionRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Execution records queued for a write that fails before it runs are dropped and counted, and later ones are stored. */
@Timeout(60)
class ExecutionLogFailureTest {
  @TempDir Path dir;

  private static ExecutionRecord record(String id) {
    return new ExecutionRecord(id, "route", "hook", "webhook", "E-" + id, "standalone", 1, Outcome.OK, 200, null,
        Instant.parse("2026-03-01T10:00:00Z"), Duration.ofMillis(5), null, null);
  }

  private static void setQueryOnly(Writer writer, boolean on) throws Exception {
    writer.submit(c -> {
      Sql.exec(c, "PRAGMA query_only = " + (on ? "ON" : "OFF"));
      return null;
    }, null, false).get(5, TimeUnit.SECONDS);
  }

  @Test
  void recordsOfAWriteThatCouldNotStartAreDroppedAndLaterOnesStored() throws Exception {
    Path file = dir.resolve("log.db");
    try (StoreParts store = StoreParts.open(file)) {
      Writer writer = store.writer();
      ExecutionLog log = new ExecutionLog(file, writer, store.readers(), 100, Duration.ofSeconds(5));
      log.record(record("first"));
      writer.submit(x -> null).get(5, TimeUnit.SECONDS); // committed with (or before) this write

      setQueryOnly(writer, true); // the next group commit cannot begin
      log.record(record("refused"));
      await().atMost(Duration.ofSeconds(10)).until(() -> log.droppedRecords() == 1);
      setQueryOnly(writer, false);

      log.record(record("after"));
      writer.submit(x -> null).get(5, TimeUnit.SECONDS);
      assertThat(log.recent(ExecutionQuery.latest(10))).extracting(ExecutionRecord::executionId)
          .containsExactly("after", "first");
    }
  }
}
