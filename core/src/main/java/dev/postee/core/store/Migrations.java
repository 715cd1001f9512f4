package dev.postee.core.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema as numbered steps. {@code PRAGMA user_version} holds the number of the last step
 * applied; each step runs in its own transaction together with the version bump, so a crash
 * mid-migration leaves the file at the previous version. Steps are append-only: a released step is
 * never edited, a change is a new step.
 */
final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** 'Pst1' — marks the file as Postee's so another application's SQLite file is not mistaken for it. */
  static final int APPLICATION_ID = 0x50737431;

  record Migration(int version, String description, List<String> statements) {}

  static final List<Migration> ALL = List.of(
      new Migration(1, "ingest queue, progress, dedup keys, aggregation buffers, execution log, key-value", List.of(
          """
          CREATE TABLE events (
            id TEXT PRIMARY KEY,
            received_at INTEGER NOT NULL,
            target_route TEXT,
            body BLOB NOT NULL
          )""",
          """
          CREATE TABLE action_progress (
            event_id TEXT NOT NULL,
            route TEXT NOT NULL,
            action TEXT NOT NULL,
            done_at INTEGER NOT NULL,
            PRIMARY KEY (event_id, route, action)
          ) WITHOUT ROWID""",
          """
          CREATE TABLE route_progress (
            event_id TEXT NOT NULL,
            route TEXT NOT NULL,
            done_at INTEGER NOT NULL,
            PRIMARY KEY (event_id, route)
          ) WITHOUT ROWID""",
          """
          CREATE TABLE dedup_keys (
            route TEXT NOT NULL,
            key TEXT NOT NULL,
            event_id TEXT,
            seen_at INTEGER NOT NULL,
            expires_at INTEGER,
            PRIMARY KEY (route, key)
          ) WITHOUT ROWID""",
          "CREATE INDEX dedup_keys_expiry ON dedup_keys (expires_at) WHERE expires_at IS NOT NULL",
          """
          CREATE TABLE aggregation_items (
            seq INTEGER PRIMARY KEY,
            route TEXT NOT NULL,
            event_id TEXT NOT NULL,
            buffered_at INTEGER NOT NULL,
            batch_id TEXT,
            title TEXT NOT NULL,
            result TEXT NOT NULL,
            url TEXT,
            extra TEXT NOT NULL,
            UNIQUE (route, event_id)
          )""",
          "CREATE INDEX aggregation_items_buffer ON aggregation_items (route, seq) WHERE batch_id IS NULL",
          "CREATE INDEX aggregation_items_batch ON aggregation_items (batch_id, seq) WHERE batch_id IS NOT NULL",
          """
          CREATE TABLE execution_log (
            seq INTEGER PRIMARY KEY,
            execution_id TEXT NOT NULL,
            route TEXT,
            action TEXT NOT NULL,
            action_type TEXT,
            event_id TEXT,
            location TEXT,
            attempt INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            http_status INTEGER,
            exit_code INTEGER,
            started_at INTEGER NOT NULL,
            duration_us INTEGER NOT NULL,
            error TEXT,
            output TEXT
          )""",
          "CREATE INDEX execution_log_route ON execution_log (route, seq)",
          "CREATE INDEX execution_log_action ON execution_log (action, seq)",
          "CREATE INDEX execution_log_event ON execution_log (event_id, seq)",
          "CREATE INDEX execution_log_outcome ON execution_log (outcome, seq)",
          """
          CREATE TABLE action_stats (
            action TEXT PRIMARY KEY,
            action_type TEXT,
            ok_count INTEGER NOT NULL DEFAULT 0,
            failed_count INTEGER NOT NULL DEFAULT 0,
            retry_count INTEGER NOT NULL DEFAULT 0,
            last_attempt_at INTEGER,
            last_success_at INTEGER,
            last_error_at INTEGER,
            last_error TEXT
          )""",
          """
          CREATE TABLE kv (
            namespace TEXT NOT NULL,
            key TEXT NOT NULL,
            value BLOB NOT NULL,
            expires_at INTEGER,
            PRIMARY KEY (namespace, key)
          )""",
          "CREATE INDEX kv_expiry ON kv (expires_at) WHERE expires_at IS NOT NULL")),
      new Migration(2, "origin of an event (the runner that already ran its own actions)", List.of(
          "ALTER TABLE events ADD COLUMN origin TEXT")));

  private Migrations() {}

  static int latestVersion(List<Migration> migrations) {
    return migrations.isEmpty() ? 0 : migrations.getLast().version();
  }

  /**
   * Brings the schema of {@code file} to the last step of {@code migrations}.
   *
   * @throws StoreException when the file is newer than the steps known here, or not Postee's
   */
  static void migrate(Connection connection, Path file, List<Migration> migrations) throws SQLException {
    for (int i = 0; i < migrations.size(); i++) {
      if (migrations.get(i).version() != i + 1) {
        throw new IllegalStateException("migration steps must be numbered 1, 2, 3, ... without gaps: " + migrations);
      }
    }
    int current = (int) Sql.queryLong(connection, "PRAGMA user_version");
    int latest = latestVersion(migrations);
    long applicationId = Sql.queryLong(connection, "PRAGMA application_id");
    long tables = Sql.queryLong(connection, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
    if ((applicationId != 0 && applicationId != APPLICATION_ID) || (applicationId == 0 && tables > 0)) {
      throw new StoreException(file + " is an SQLite database of another application (application_id "
          + applicationId + ", " + tables + " tables); point PATH_TO_DB at a new or a Postee database file");
    }
    if (current > latest) {
      throw new StoreException(file + " has schema version " + current + ", newer than the newest this Postee"
          + " knows (" + latest + "): it was written by a newer Postee. Run that version, or point PATH_TO_DB"
          + " at another file.");
    }
    for (Migration migration : migrations) {
      if (migration.version() <= current) continue;
      Sql.exec(connection, "BEGIN IMMEDIATE");
      try {
        for (String statement : migration.statements()) Sql.exec(connection, statement);
        Sql.exec(connection, "PRAGMA application_id = " + APPLICATION_ID);
        Sql.exec(connection, "PRAGMA user_version = " + migration.version());
        Sql.exec(connection, "COMMIT");
      } catch (SQLException e) {
        rollbackQuietly(connection, e);
        throw new StoreException(file + ": migrating the schema to version " + migration.version() + " ("
            + migration.description() + ") failed: " + e.getMessage() + ". The file is left at version "
            + (migration.version() - 1) + ".", e);
      }
      LOG.info("Store {}: schema migrated to version {} ({})", file, migration.version(), migration.description());
    }
  }

  private static void rollbackQuietly(Connection connection, SQLException cause) {
    try {
      Sql.exec(connection, "ROLLBACK");
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
