package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Lazy writes (execution-log rows) ride along with the next commit, on a real SQLite file. */
@Timeout(60)
class WriterLazyTest {
  @TempDir Path dir;

  private Writer open(Path file) throws Exception {
    Connection c = Sql.connect(file, StoreOptions.defaults());
    Sql.exec(c, "PRAGMA journal_mode = WAL");
    Sql.exec(c, "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
    return new Writer(file, c, 100, Duration.ofSeconds(10));
  }

  @Test
  void aLazyWriteAloneIsCommittedAfterWaitingForCompany() throws Exception {
    Path file = dir.resolve("lazy.db");
    try (Writer writer = open(file)) {
      long t0 = System.nanoTime();
      CompletableFuture<Integer> lazy = writer.submitLazy(c -> Sql.update(c, "INSERT INTO t VALUES ('a', '1')"));
      assertThat(lazy.get(5, TimeUnit.SECONDS)).isOne();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Writer.LAZY_DELAY);
      assertThat(RawDb.queryString(file, "SELECT v FROM t WHERE k = 'a'")).isEqualTo("1");
    }
  }

  @Test
  void aWriteThatComesMeanwhileTakesTheLazyOnesAlongInSubmissionOrder() throws Exception {
    Path file = dir.resolve("order.db");
    try (Writer writer = open(file)) {
      CompletableFuture<Integer> lazy = writer.submitLazy(c -> Sql.update(c, "INSERT INTO t VALUES ('a', 'lazy')"));
      CompletableFuture<Integer> normal = writer.submit(c -> Sql.update(c, "UPDATE t SET v = 'normal' WHERE k = 'a'"));
      assertThat(normal.get(5, TimeUnit.SECONDS)).as("the update ran after the lazy insert").isOne();
      assertThat(lazy).isDone();
      assertThat(RawDb.queryString(file, "SELECT v FROM t WHERE k = 'a'")).isEqualTo("normal");
    }
  }

  @Test
  void closingCommitsLazyWritesAtOnce() throws Exception {
    Path file = dir.resolve("close.db");
    Writer writer = open(file);
    CompletableFuture<Integer> lazy = writer.submitLazy(c -> Sql.update(c, "INSERT INTO t VALUES ('a', '1')"));
    writer.close();
    assertThat(lazy).isCompletedWithValue(1);
    assertThat(RawDb.queryString(file, "SELECT v FROM t WHERE k = 'a'")).isEqualTo("1");
  }
}
