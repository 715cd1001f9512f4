package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.core.action.ActionResult.Outcome;
import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.template.RenderedMessage;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreMaintenanceTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);

  private Path file() {
    return dir.resolve("postee.db");
  }

  private Store open(Long maxDbSizeBytes) {
    return Store.open(file(), StoreOptions.defaults().withVerifyInterval(null).withClock(clock)
        .withMaxDbSizeBytes(maxDbSizeBytes));
  }

  private static ExecutionRecord record(int n) {
    return new ExecutionRecord("X" + n, "route-a", "hook", "webhook", "E" + n, "standalone", 1, Outcome.FAILED,
        500, null, T0.plusMillis(n), Duration.ofMillis(20), "HTTP 500: " + "e".repeat(2_500), null);
  }

  /** Queued events with progress, buffered messages, key-value entries, and a large execution log. */
  private void fill(int events, int executionRecords) {
    byte[] body = ("{\"image\":\"" + "a".repeat(2_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    try (Store store = open(null)) {
      for (int i = 0; i < events; i++) {
        String id = store.enqueue(body, null).join().id();
        store.markActionDone(id, "route-a", "hook");
      }
      store.appendToBuffer("route-b", "E-buffered", new RenderedMessage("t", "r", null, Map.of()), T0);
      store.kvPut("ledger", "forever", new byte[1_000], null);
      store.kvPut("ledger", "later", new byte[1_000], T0.plusSeconds(3_600));
      for (int i = 0; i < executionRecords; i++) store.record(record(i));
    }
  }

  @Test
  void overTheLimitTheOldestExecutionRowsGoAndQueuedWorkStays() {
    fill(100, 4_000);
    long filled = new StoreSizes(file()).total();
    assertThat(filled).as("test setup").isGreaterThan(8_000_000);
    long limit = 2_000_000;

    try (Store store = open(limit)) {
      MaintenanceReport report = store.maintenance();

      assertThat(report.sizeBeforeBytes()).isEqualTo(filled);
      assertThat(report.executionRowsPruned()).as("not much more than needed").isBetween(3_000, 3_900);
      assertThat(report.overLimit()).isFalse();
      assertThat(report.sizeAfterBytes()).isLessThanOrEqualTo(limit);
      assertThat(store.sizeOnDisk()).isLessThanOrEqualTo(limit);
      assertThat(report.integrityOk()).isTrue();

      assertThat(store.unfinished(1_000)).hasSize(100)
          .allSatisfy(event -> assertThat(store.isActionDone(event.id(), "route-a", "hook")).isTrue());
      assertThat(store.buffers()).extracting(BufferState::route).containsExactly("route-b");
      assertThat(store.kvGet("ledger", "forever")).isPresent();
      assertThat(store.kvGet("ledger", "later")).isPresent();
      assertThat(store.recentExecutions(ExecutionQuery.latest(1)).getFirst().executionId())
          .as("the newest rows are kept").isEqualTo("X3999");
      assertThat(store.recentExecutions(ExecutionQuery.latest(4_000)))
          .hasSize(4_000 - report.executionRowsPruned());
      assertThat(store.actionStats().getFirst().failed()).as("totals outlive pruning").isEqualTo(4_000);
    }
  }

  @Test
  void whenQueuedWorkAloneExceedsTheLimitNothingOfItIsDroppedAndTheReportSaysSo() {
    fill(200, 500);
    try (Store store = open(100_000L)) {
      MaintenanceReport report = store.maintenance();

      assertThat(report.overLimit()).isTrue();
      assertThat(report.executionRowsPruned()).isEqualTo(500);
      assertThat(store.recentExecutions(ExecutionQuery.latest(10))).isEmpty();
      assertThat(store.unfinished(1_000)).hasSize(200);
      assertThat(store.buffers()).hasSize(1);
      assertThat(store.kvGet("ledger", "forever")).isPresent();
      assertThat(store.kvGet("ledger", "later")).isPresent();
    }
  }

  @Test
  void underTheLimitNothingIsPruned() {
    fill(10, 500);
    try (Store store = open(1_000_000_000L)) {
      MaintenanceReport report = store.maintenance();
      assertThat(report.executionRowsPruned()).isZero();
      assertThat(report.overLimit()).isFalse();
      assertThat(store.recentExecutions(ExecutionQuery.latest(2_000))).hasSize(500);
    }
  }

  @Test
  void theScheduledMaintenancePurgesExpiredKeysByItself() throws Exception {
    try (Store store = Store.open(file(), StoreOptions.defaults().withClock(clock)
        .withVerifyInterval(Duration.ofMillis(100)))) {
      store.kvPut("ns", "k", new byte[] {1}, T0.plusSeconds(1));
      store.firstSeen("route", "key", T0.plusSeconds(1), T0);
      clock.set(T0.plusSeconds(1));
      await().atMost(Duration.ofSeconds(30)).until(() ->
          RawDb.queryLong(file(), "SELECT (SELECT count(*) FROM kv) + (SELECT count(*) FROM dedup_keys)") == 0);
    }
  }

  @Test
  void quickCheckReportsADamagedFile() throws Exception {
    fill(0, 1_500);
    long size = Files.size(file());
    long pageSize = RawDb.queryLong(file(), "PRAGMA page_size");
    // Overwrite pages in the second half of the file, where the execution log and its indexes are.
    try (RandomAccessFile raw = new RandomAccessFile(file().toFile(), "rw")) {
      byte[] garbage = new byte[(int) pageSize];
      Arrays.fill(garbage, (byte) 0x5A);
      for (long page = size / pageSize / 2; page < size / pageSize - 1; page += 7) {
        raw.seek(page * pageSize);
        raw.write(garbage);
      }
    }
    try (Store store = open(null)) {
      MaintenanceReport report = store.maintenance();
      assertThat(report.integrityOk()).isFalse();
      assertThat(report.integrityProblems()).isNotEmpty();
    }
  }

  /** Sizes of a closed database (file plus a WAL left behind, if any). */
  private record StoreSizes(Path file) {
    long total() {
      try {
        Path wal = Path.of(file + "-wal");
        return Files.size(file) + (Files.exists(wal) ? Files.size(wal) : 0);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
