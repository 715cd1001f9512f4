package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.core.action.ActionResult.Outcome;
import dev.postee.core.action.ExecutionRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreExecutionLogTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123Z");

  @TempDir Path dir;

  private Store open() {
    return Store.open(dir.resolve("postee.db"), StoreOptions.defaults().withVerifyInterval(null));
  }

  private static ExecutionRecord record(int n, String route, String action, String event, Outcome outcome) {
    return new ExecutionRecord("X" + n, route, action, "webhook", event, "standalone", 1 + n % 3, outcome,
        outcome == Outcome.OK ? 200 : 503, null, T0.plusSeconds(n), Duration.ofNanos(1_234_567_000L + n * 1000L),
        outcome == Outcome.OK ? null : "HTTP 503 from https://hooks.example/" + n, "body " + n);
  }

  @Test
  void recordsAreQueryableNewestFirstWithFilters() {
    List<ExecutionRecord> written = new ArrayList<>();
    try (Store store = open()) {
      written.add(record(1, "route-a", "hook", "E1", Outcome.RETRY));
      written.add(record(2, "route-a", "hook", "E1", Outcome.OK));
      written.add(record(3, "route-b", "hook", "E2", Outcome.FAILED));
      written.add(record(4, "route-b", "slack", "E2", Outcome.OK));
      written.add(record(5, "route-a", "slack", "E3", Outcome.OK));
      written.forEach(store::record);
      store.flush();

      assertThat(store.recentExecutions(ExecutionQuery.latest(10))).containsExactlyElementsOf(written.reversed());
      assertThat(store.recentExecutions(ExecutionQuery.latest(2))).containsExactly(written.get(4), written.get(3));
      assertThat(store.recentExecutions(ExecutionQuery.latest(10).withRoute("route-b")))
          .extracting(ExecutionRecord::executionId).containsExactly("X4", "X3");
      assertThat(store.recentExecutions(ExecutionQuery.latest(10).withAction("hook")))
          .extracting(ExecutionRecord::executionId).containsExactly("X3", "X2", "X1");
      assertThat(store.recentExecutions(ExecutionQuery.latest(10).withEventId("E1")))
          .extracting(ExecutionRecord::executionId).containsExactly("X2", "X1");
      assertThat(store.recentExecutions(ExecutionQuery.latest(10).withOutcome(Outcome.OK)))
          .extracting(ExecutionRecord::executionId).containsExactly("X5", "X4", "X2");
      assertThat(store.recentExecutions(ExecutionQuery.latest(10).withRoute("route-a").withAction("hook")
          .withOutcome(Outcome.OK))).extracting(ExecutionRecord::executionId).containsExactly("X2");
      assertThat(store.recentExecutions(ExecutionQuery.latest(10).withRoute("nope"))).isEmpty();
    }
  }

  @Test
  void perActionTotalsCountOutcomesAndKeepTheLatestErrorAndSuccess() {
    try (Store store = open()) {
      store.record(record(1, "route-a", "hook", "E1", Outcome.RETRY));
      store.record(record(3, "route-b", "hook", "E2", Outcome.FAILED));
      store.record(record(2, "route-a", "hook", "E1", Outcome.OK)); // recorded late, started earlier
      store.record(record(4, "route-b", "slack", "E2", Outcome.OK));
      store.flush();

      assertThat(store.actionStats()).containsExactly(
          new ActionStats("hook", "webhook", 1, 1, 1, T0.plusSeconds(3), T0.plusSeconds(2), T0.plusSeconds(3),
              "HTTP 503 from https://hooks.example/3"),
          new ActionStats("slack", "webhook", 1, 0, 0, T0.plusSeconds(4), T0.plusSeconds(4), null, null));
    }
  }

  @Test
  void aRecordIsCommittedNoLaterThanAWriteSubmittedAfterIt() {
    try (Store store = open()) {
      for (int i = 0; i < 50; i++) {
        store.record(record(i, "route-a", i % 2 == 0 ? "hook" : "slack", "E" + i, i % 5 == 0 ? Outcome.FAILED : Outcome.OK));
        store.kvPut("ns", "k" + i, new byte[] {1}, null); // waits for its commit
        assertThat(store.recentExecutions(ExecutionQuery.latest(1))).extracting(ExecutionRecord::executionId)
            .as("record %d is in by the commit of the write after it", i).containsExactly("X" + i);
      }
      assertThat(store.actionStats()).extracting(ActionStats::action, ActionStats::ok, ActionStats::failed)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("hook", 20L, 5L),
              org.assertj.core.groups.Tuple.tuple("slack", 20L, 5L));
    }
  }

  @Test
  void pendingRecordsAreWrittenOnClose() {
    try (Store store = open()) {
      for (int i = 0; i < 500; i++) store.record(record(i, "route-a", "hook", "E" + i, Outcome.OK));
    }
    try (Store store = open()) {
      assertThat(store.recentExecutions(ExecutionQuery.latest(1000))).hasSize(500);
      assertThat(store.actionStats()).singleElement().satisfies(s -> assertThat(s.ok()).isEqualTo(500));
      assertThat(store.droppedExecutionRecords()).isZero();
    }
  }

  @Test
  void longErrorAndOutputTextIsCutToAnExcerpt() {
    String huge = "x".repeat(ExecutionLog.MAX_TEXT + 5_000);
    try (Store store = open()) {
      store.record(new ExecutionRecord("X", "r", "a", "exec", "E", "standalone", 1, Outcome.FAILED, null, 2,
          T0, Duration.ofSeconds(1), huge, huge));
      store.flush();
      ExecutionRecord stored = store.recentExecutions(ExecutionQuery.latest(1)).getFirst();
      assertThat(stored.error()).startsWith("xxx").hasSizeLessThan(ExecutionLog.MAX_TEXT + 100)
          .endsWith("(5000 more characters)");
      assertThat(stored.output()).hasSameSizeAs(stored.error());
      assertThat(stored.exitCode()).isEqualTo(2);
      assertThat(stored.httpStatus()).isNull();
    }
  }

  @Test
  void recordingAfterCloseDropsTheRecordWithoutThrowing() {
    Store store = open();
    store.close();
    store.record(record(1, "route-a", "hook", "E1", Outcome.OK));
    assertThat(store.droppedExecutionRecords()).isEqualTo(1);
  }
}
