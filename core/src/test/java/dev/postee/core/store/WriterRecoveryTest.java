package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group commit that fails (here: BEGIN refused because the connection is read-only, as a full or
 * failing disk refuses it) must not leave the writer unable to commit once the cause is gone: the
 * SQLite driver finalizes a statement whose execution fails, so the writer's compiled BEGIN,
 * COMMIT and savepoint statements are compiled again.
 */
@Timeout(60)
class WriterRecoveryTest {
  @TempDir Path dir;

  @Test
  void writesCommitAgainOnceAFailedGroupCommitsCauseIsGone() throws Exception {
    Path file = dir.resolve("recovery.db");
    Connection c = Sql.connect(file, StoreOptions.defaults());
    Sql.exec(c, "PRAGMA journal_mode = WAL");
    Sql.exec(c, "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)");
    try (Writer writer = new Writer(file, c, 100, Duration.ofSeconds(10))) {
      assertThat(writer.submit(x -> Sql.update(x, "INSERT INTO t VALUES ('a', '1')")).get(5, TimeUnit.SECONDS)).isOne();

      writer.submit(x -> {
        Sql.exec(x, "PRAGMA query_only = ON");
        return null;
      }, null, false).get(5, TimeUnit.SECONDS);
      assertThatThrownBy(() -> writer.submit(x -> Sql.update(x, "INSERT INTO t VALUES ('b', '2')")).get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasMessageContaining("readonly");

      writer.submit(x -> {
        Sql.exec(x, "PRAGMA query_only = OFF");
        return null;
      }, null, false).get(5, TimeUnit.SECONDS);
      assertThat(writer.submit(x -> Sql.update(x, "INSERT INTO t VALUES ('c', '3')")).get(5, TimeUnit.SECONDS)).isOne();
      assertThat(writer.submit(x -> Sql.update(x, "UPDATE t SET v = '4' WHERE k = 'a'")).get(5, TimeUnit.SECONDS)).isOne();
    }
    assertThat(RawDb.queryString(file, "SELECT group_concat(k || '=' || v, ',') FROM (SELECT * FROM t ORDER BY k)"))
        .isEqualTo("a=4,c=3");
  }
}
