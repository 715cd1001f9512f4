package dev.postee.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer connection's compiled statements, reused across writes, on a real SQLite file. */
class SqlStatementCacheTest {
  @TempDir Path dir;

  private Connection open() throws SQLException {
    Connection c = Sql.connect(dir.resolve("cache.db"), StoreOptions.defaults());
    Sql.exec(c, "CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v BLOB)");
    return c;
  }

  @Test
  void aCachedStatementRunsAgainWithNewParameters() throws SQLException {
    try (Connection c = open()) {
      Sql.cacheStatements(c);
      for (int i = 0; i < 100; i++) {
        assertEquals(1, Sql.update(c, "INSERT INTO t (k, v) VALUES (?, ?)", "k" + i, new byte[] {(byte) i}));
      }
      assertEquals(100, Sql.queryLong(c, "SELECT count(*) FROM t"));
      assertEquals("63", Sql.queryString(c, "SELECT hex(v) FROM t WHERE k = 'k99'")); // 99, bound this time
      assertEquals(100, Sql.update(c, "DELETE FROM t WHERE k LIKE ?", "k%"));
    }
  }

  @Test
  void aStatementThatFailedIsCompiledAfreshAndWorksAgain() throws SQLException {
    try (Connection c = open()) {
      Sql.cacheStatements(c);
      String insert = "INSERT INTO t (k, v) VALUES (?, ?)";
      Sql.update(c, insert, "same", null);
      assertThrows(SQLException.class, () -> Sql.update(c, insert, "same", null)); // primary key
      assertEquals(1, Sql.update(c, insert, "other", null));
      assertEquals(2, Sql.queryLong(c, "SELECT count(*) FROM t"));
    }
  }

  @Test
  void moreDistinctStatementsThanTheCacheHoldsAllRun() throws SQLException {
    try (Connection c = open()) {
      Sql.cacheStatements(c);
      int distinct = Sql.CACHED_STATEMENTS * 3;
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < distinct; i++) {
          // a distinct SQL text per i: the oldest compiled statements are evicted and closed
          Sql.update(c, "INSERT OR REPLACE INTO t (k, v) VALUES ('s" + i + "', ?)", new byte[] {(byte) round});
        }
      }
      assertEquals(distinct, Sql.queryLong(c, "SELECT count(*) FROM t"));
      assertEquals(distinct, Sql.queryLong(c, "SELECT count(*) FROM t WHERE v = x'01'"));
    }
  }

  @Test
  void aConnectionWithoutACacheStillWorks() throws SQLException {
    try (Connection c = open()) {
      assertEquals(1, Sql.update(c, "INSERT INTO t (k, v) VALUES (?, ?)", "a", null));
      assertEquals(1, Sql.update(c, "DELETE FROM t WHERE k = ?", "a"));
    }
  }

  @Test
  void aCachedQueryHoldsNoReadSnapshotBetweenCalls() throws SQLException {
    try (Connection writer = open(); Connection reader = Sql.connect(dir.resolve("cache.db"), StoreOptions.defaults())) {
      Sql.exec(writer, "PRAGMA journal_mode = WAL");
      Sql.cacheStatements(reader);
      String select = "SELECT v FROM t WHERE k = ?";
      Sql.update(writer, "INSERT INTO t (k, v) VALUES ('a', x'01')");
      assertEquals("01", Sql.query(reader, select, rows -> rows.next() ? hex(rows.getBytes(1)) : null, "a"));
      Sql.update(writer, "UPDATE t SET v = x'02' WHERE k = 'a'");
      assertEquals("02", Sql.query(reader, select, rows -> rows.next() ? hex(rows.getBytes(1)) : null, "a"),
          "the second read sees the commit made after the first");
      assertEquals(Boolean.FALSE, Sql.query(reader, select, rows -> rows.next(), "missing"));
      // a reader holding a snapshot would keep the checkpoint from copying every frame back ("busy" = 1)
      assertEquals(0, Sql.queryLong(writer, "PRAGMA wal_checkpoint(TRUNCATE)"));
    }
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) sb.append(String.format("%02X", x));
    return sb.toString();
  }
}
