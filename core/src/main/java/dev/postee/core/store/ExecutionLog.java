package dev.postee.core.store;

import dev.postee.core.action.ActionResult.Outcome;
import dev.postee.core.action.ExecutionRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The execution log (table {@code execution_log}) and per-action totals (table {@code
 * action_stats}). Records are written asynchronously through the group commit, as lazy writes (they
 * ride along with the next commit, see {@link Writer#submitLazy}); at most {@code backlog} records
 * wait in memory. Records that come while a write of them is queued join it: one write inserts them
 * all and updates each action's totals once, and it is committed no later than any write submitted
 * after the last of them.
 */
final class ExecutionLog {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutionLog.class);
  /** Longest error or output text kept per row; the contract asks for excerpts, this enforces it. */
  static final int MAX_TEXT = 16 * 1024;

  private final Path file;
  private final Writer writer;
  private final Readers readers;
  private final Semaphore backlog;
  private final Duration waitForRoom;
  private final AtomicLong dropped = new AtomicLong();
  /** Guards {@link #flushQueued} and the queueing of the write that takes the waiting records. */
  private final Object enqueue = new Object();
  /** Records waiting for the queued write ({@link #flushQueued}) that takes them. */
  private final ConcurrentLinkedQueue<ExecutionRecord> waiting = new ConcurrentLinkedQueue<>();
  private boolean flushQueued; // guarded by enqueue

  ExecutionLog(Path file, Writer writer, Readers readers, int backlog, Duration waitForRoom) {
    this.file = file;
    this.writer = writer;
    this.readers = readers;
    this.backlog = new Semaphore(backlog);
    this.waitForRoom = waitForRoom;
  }

  void record(ExecutionRecord record) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(record.startedAt(), "record.startedAt");
    Objects.requireNonNull(record.outcome(), "record.outcome");
    try {
      if (!backlog.tryAcquire(waitForRoom.toMillis(), TimeUnit.MILLISECONDS)) {
        drop(record, "the writer is " + waitForRoom + " behind");
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drop(record, "interrupted while waiting for room");
      return;
    }
    synchronized (enqueue) {
      waiting.add(record);
      if (flushQueued) return; // the queued write takes it
      flushQueued = true;
      List<ExecutionRecord> taken = new ArrayList<>();
      boolean[] ran = new boolean[1];
      try {
        // queued before the lock is released: a write submitted after this record comes after it
        writer.submitLazy(c -> {
          synchronized (enqueue) {
            flushQueued = false; // records from now on queue another write
            ran[0] = true;
            for (ExecutionRecord r; (r = waiting.poll()) != null; ) taken.add(r);
          }
          insert(c, taken);
          return null;
        }).whenComplete((ignored, failure) -> written(taken, ran[0], failure));
      } catch (StoreException e) {
        flushQueued = false;
        dropWaiting(e.getMessage());
      }
    }
  }

  /** After the write of a batch: its room is free again; a failed one is counted and logged. */
  private void written(List<ExecutionRecord> taken, boolean ran, Throwable failure) {
    backlog.release(taken.size());
    if (failure == null) return;
    if (!ran) {
      // the writer failed it without running it (the group commit could not start): nothing else
      // will take what is waiting, so it goes too
      synchronized (enqueue) {
        flushQueued = false;
        dropWaiting(failure.toString());
      }
      return;
    }
    dropped.addAndGet(taken.size());
    ExecutionRecord first = taken.isEmpty() ? null : taken.getFirst();
    LOG.warn("Store {}: {} execution record(s) (the first: action '{}', route '{}', event {}) were not stored: {}",
        file, taken.size(), first == null ? null : first.action(), first == null ? null : first.route(),
        first == null ? null : first.eventId(), failure.toString());
  }

  /** Drops every record waiting (with the lock held). */
  private void dropWaiting(String why) {
    for (ExecutionRecord r; (r = waiting.poll()) != null; ) {
      backlog.release();
      drop(r, why);
    }
  }

  private void drop(ExecutionRecord record, String why) {
    long total = dropped.incrementAndGet();
    LOG.warn("Store {}: execution record of action '{}' (route '{}', event {}) dropped ({} dropped so far): {}",
        file, record.action(), record.route(), record.eventId(), total, why);
  }

  long droppedRecords() {
    return dropped.get();
  }

  /** The rows in order, then each action's totals once. */
  private static void insert(Connection c, List<ExecutionRecord> records) throws SQLException {
    Map<String, Totals> totals = new LinkedHashMap<>();
    for (ExecutionRecord r : records) {
      long startedAt = r.startedAt().toEpochMilli();
      Sql.update(c, """
          INSERT INTO execution_log (execution_id, route, action, action_type, event_id, location, attempt, outcome,
                                     http_status, exit_code, started_at, duration_us, error, output)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
          r.executionId(), r.route(), r.action(), r.actionType(), r.eventId(), r.where(), r.attempt(),
          r.outcome().name(), r.httpStatus(), r.exitCode(), startedAt,
          r.duration() == null ? 0 : r.duration().toNanos() / 1_000, excerpt(r.error()), excerpt(r.output()));
      totals.computeIfAbsent(r.action(), a -> new Totals()).add(r, startedAt);
    }
    for (Map.Entry<String, Totals> e : totals.entrySet()) updateStats(c, e.getKey(), e.getValue());
  }

  /** One action's share of a batch of records. */
  private static final class Totals {
    String actionType;
    long ok;
    long failed;
    long retry;
    long lastAttemptAt = Long.MIN_VALUE;
    Long lastSuccessAt;
    Long lastErrorAt;
    String lastError;

    void add(ExecutionRecord r, long startedAt) {
      actionType = r.actionType();
      if (r.outcome() == Outcome.OK) ok++;
      if (r.outcome() == Outcome.FAILED) failed++;
      if (r.outcome() == Outcome.RETRY) retry++;
      lastAttemptAt = Math.max(lastAttemptAt, startedAt);
      if (r.outcome() == Outcome.OK) {
        if (lastSuccessAt == null || startedAt >= lastSuccessAt) lastSuccessAt = startedAt;
      } else if (lastErrorAt == null || startedAt >= lastErrorAt) {
        lastErrorAt = startedAt;
        lastError = excerpt(r.error());
      }
    }
  }

  private static void updateStats(Connection c, String action, Totals t) throws SQLException {
    Sql.update(c, """
        INSERT INTO action_stats (action, action_type, ok_count, failed_count, retry_count,
                                  last_attempt_at, last_success_at, last_error_at, last_error)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        ON CONFLICT (action) DO UPDATE SET
          action_type = excluded.action_type,
          ok_count = ok_count + excluded.ok_count,
          failed_count = failed_count + excluded.failed_count,
          retry_count = retry_count + excluded.retry_count,
          last_attempt_at = max(last_attempt_at, excluded.last_attempt_at),
          last_success_at = CASE WHEN excluded.last_success_at >= coalesce(last_success_at, 0)
                                 THEN excluded.last_success_at ELSE last_success_at END,
          last_error = CASE WHEN excluded.last_error_at >= coalesce(last_error_at, 0)
                            THEN excluded.last_error ELSE last_error END,
          last_error_at = CASE WHEN excluded.last_error_at >= coalesce(last_error_at, 0)
                               THEN excluded.last_error_at ELSE last_error_at END""",
        action, t.actionType, t.ok, t.failed, t.retry, t.lastAttemptAt, t.lastSuccessAt, t.lastErrorAt, t.lastError);
  }

  private static String excerpt(String text) {
    if (text == null || text.length() <= MAX_TEXT) return text;
    return text.substring(0, MAX_TEXT) + "… (" + (text.length() - MAX_TEXT) + " more characters)";
  }

  List<ExecutionRecord> recent(ExecutionQuery query) {
    Objects.requireNonNull(query, "query");
    StringBuilder sql = new StringBuilder("SELECT * FROM execution_log WHERE 1 = 1");
    List<Object> parameters = new ArrayList<>();
    filter(sql, parameters, "route", query.route());
    filter(sql, parameters, "action", query.action());
    filter(sql, parameters, "event_id", query.eventId());
    filter(sql, parameters, "outcome", query.outcome() == null ? null : query.outcome().name());
    sql.append(" ORDER BY seq DESC LIMIT ?");
    parameters.add(query.limit());
    return readers.read(c -> {
      try (PreparedStatement statement = Sql.prepare(c, sql.toString(), parameters.toArray());
           ResultSet rows = statement.executeQuery()) {
        List<ExecutionRecord> records = new ArrayList<>();
        while (rows.next()) records.add(record(rows));
        return records;
      }
    });
  }

  private static void filter(StringBuilder sql, List<Object> parameters, String column, String value) {
    if (value == null) return;
    sql.append(" AND ").append(column).append(" = ?");
    parameters.add(value);
  }

  private static ExecutionRecord record(ResultSet rows) throws SQLException {
    return new ExecutionRecord(
        rows.getString("execution_id"),
        rows.getString("route"),
        rows.getString("action"),
        rows.getString("action_type"),
        rows.getString("event_id"),
        rows.getString("location"),
        rows.getInt("attempt"),
        Outcome.valueOf(rows.getString("outcome")),
        Sql.nullableInt(rows, "http_status"),
        Sql.nullableInt(rows, "exit_code"),
        Sql.instant(rows, "started_at"),
        Duration.of(rows.getLong("duration_us"), ChronoUnit.MICROS),
        rows.getString("error"),
        rows.getString("output"));
  }

  List<ActionStats> stats() {
    return readers.read(c -> {
      try (PreparedStatement statement = Sql.prepare(c, "SELECT * FROM action_stats ORDER BY action");
           ResultSet rows = statement.executeQuery()) {
        List<ActionStats> stats = new ArrayList<>();
        while (rows.next()) {
          stats.add(new ActionStats(rows.getString("action"), rows.getString("action_type"),
              rows.getLong("ok_count"), rows.getLong("failed_count"), rows.getLong("retry_count"),
              Sql.instant(rows, "last_attempt_at"), Sql.instant(rows, "last_success_at"),
              Sql.instant(rows, "last_error_at"), rows.getString("last_error")));
        }
        return stats;
      }
    });
  }

  /** Deletes the oldest {@code count} rows; the per-action totals are kept. */
  int pruneOldest(int count) {
    return writer.call(c -> Sql.update(c,
        "DELETE FROM execution_log WHERE seq IN (SELECT seq FROM execution_log ORDER BY seq LIMIT ?)", count));
  }

  long rowCount() {
    return readers.read(c -> Sql.queryLong(c, "SELECT count(*) FROM execution_log"));
  }

}
