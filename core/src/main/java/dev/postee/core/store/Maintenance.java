package dev.postee.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.slf4j.LoggerFactory;

/**
 * Purges expired keys, keeps the file under {@code max-db-size} and checks its integrity (SPEC
 * §10). Only the execution log and expired keys are ever pruned: queued events, progress, buffers
 * and key-value entries without expiry are work or state that must not be lost.
 */
final class Maintenance {
  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);
  /** Pruning goes below the limit by this share so that it does not run again at the next check. */
  static final double PRUNE_TARGET = 0.9;
  private static final int FIRST_PRUNE_CHUNK = 200;
  private static final int MAX_PRUNE_CHUNK = 50_000;
  private static final int RECLAIM_CHUNK_PAGES = 2_000;
  private static final long INCREMENTAL = 2; // PRAGMA auto_vacuum's value for INCREMENTAL

  private final Path file;
  private final Writer writer;
  private final Readers readers;
  private final DedupKeys dedupKeys;
  private final KeyValues keyValues;
  private final ExecutionLog executionLog;
  private final IntSupplier queuedEvents;
  private final Clock clock;
  private final Long maxDbSizeBytes;
  /** Whether the file was created with auto_vacuum=INCREMENTAL (all files this store creates are). */
  private final boolean incrementalVacuum;

  Maintenance(Path file, Writer writer, Readers readers, DedupKeys dedupKeys, KeyValues keyValues,
              ExecutionLog executionLog, IntSupplier queuedEvents, StoreOptions options) {
    this.file = file;
    this.writer = writer;
    this.readers = readers;
    this.dedupKeys = dedupKeys;
    this.keyValues = keyValues;
    this.executionLog = executionLog;
    this.queuedEvents = queuedEvents;
    this.clock = options.clock();
    this.maxDbSizeBytes = options.maxDbSizeBytes();
    this.incrementalVacuum = readers.read(c -> Sql.queryLong(c, "PRAGMA auto_vacuum")) == INCREMENTAL;
    if (!incrementalVacuum && maxDbSizeBytes != null) {
      LOG.warn("Store {}: the file was not created with incremental auto-vacuum, so pruning cannot shrink it;"
          + " max-db-size is only approximated. Run `sqlite3 {} 'PRAGMA auto_vacuum=INCREMENTAL; VACUUM'` while"
          + " Postee is stopped to fix that.", file, file);
    }
  }

  synchronized MaintenanceReport run() {
    Instant now = clock.instant();
    long before = sizeOnDisk();
    // First, so that damage is reported even when a later step fails on it.
    List<String> problems = quickCheck();
    if (!problems.isEmpty()) {
      LOG.error("Store {}: INTEGRITY CHECK FAILED, the database file is damaged: {}. Stop Postee, keep a copy of"
          + " the file, and recover it with `sqlite3 {} .recover` (or move it away to start empty).",
          file, String.join("; ", problems), file);
    }
    int dedupPurged = dedupKeys.purgeExpired(now);
    int kvPurged = keyValues.purgeExpired(now);
    int pruned = 0;
    boolean overLimit = false;
    if (maxDbSizeBytes != null && sizeOnDisk() > maxDbSizeBytes) {
      reclaimFreePages(); // what the purges freed may already be enough
      if (sizeOnDisk() > maxDbSizeBytes) {
        pruned = pruneExecutionLog((long) (maxDbSizeBytes * PRUNE_TARGET));
        reclaimFreePages();
      }
      overLimit = sizeOnDisk() > maxDbSizeBytes;
      if (overLimit) {
        LOG.warn("Store {}: the database takes {} bytes, above max-db-size ({} bytes), although the execution"
            + " log and expired keys were pruned. What remains is work that is never dropped ({} queued events,"
            + " aggregation buffers, progress, key-value entries without expiry). Check that actions complete,"
            + " or raise max-db-size.", file, sizeOnDisk(), maxDbSizeBytes, queuedEvents.getAsInt());
      } else if (pruned > 0) {
        LOG.info("Store {}: pruned the {} oldest execution-log rows to stay under max-db-size ({} bytes)",
            file, pruned, maxDbSizeBytes);
      }
    }
    return new MaintenanceReport(before, sizeOnDisk(), maxDbSizeBytes, dedupPurged, kvPurged, pruned,
        overLimit, problems);
  }

  /**
   * Deletes the oldest execution-log rows until the pages in use fit {@code targetBytes}. The first
   * chunk is small; later chunks are sized from the space the previous one freed per row, so a few
   * transactions reach the target without deleting much more than needed.
   */
  private int pruneExecutionLog(long targetBytes) {
    int pruned = 0;
    long used = usedBytes();
    long rows = executionLog.rowCount();
    int chunk = FIRST_PRUNE_CHUNK;
    while (used > targetBytes && rows > 0) {
      int deleted = executionLog.pruneOldest((int) Math.min(chunk, rows)); // one transaction per chunk
      if (deleted == 0) break;
      pruned += deleted;
      rows -= deleted;
      long now = usedBytes();
      double freedPerRow = (double) (used - now) / deleted;
      used = now;
      chunk = freedPerRow > 0
          ? (int) Math.min(MAX_PRUNE_CHUNK, Math.max(1, Math.ceil((used - targetBytes) / freedPerRow)))
          : Math.min(MAX_PRUNE_CHUNK, chunk * 2); // rows shared pages that are not empty yet
    }
    return pruned;
  }

  /** Bytes in pages that hold data; what the file shrinks to once free pages are released. */
  private long usedBytes() {
    return readers.read(c -> (Sql.queryLong(c, "PRAGMA page_count") - Sql.queryLong(c, "PRAGMA freelist_count"))
        * Sql.queryLong(c, "PRAGMA page_size"));
  }

  /**
   * Returns free pages to the file system and folds the write-ahead log back into the file.
   * {@code PRAGMA incremental_vacuum} frees one page per step and the JDBC driver steps a statement
   * once per execution, so the pragma is executed once per page, in chunks of one transaction each
   * so that ingest goes on in between.
   */
  private void reclaimFreePages() {
    if (!incrementalVacuum) return;
    long free = readers.read(c -> Sql.queryLong(c, "PRAGMA freelist_count"));
    while (free > 0) {
      int chunk = (int) Math.min(free, RECLAIM_CHUNK_PAGES);
      long left = writer.call(c -> {
        try (PreparedStatement step = c.prepareStatement("PRAGMA incremental_vacuum(1)")) {
          for (int i = 0; i < chunk; i++) step.execute();
        }
        return Sql.queryLong(c, "PRAGMA freelist_count");
      });
      if (left >= free) break; // nothing more can be released
      free = left;
    }
    writer.await(writer.submit(c -> {
      Sql.exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      return null;
    }, null, false), "checkpoint of the write-ahead log");
  }

  private List<String> quickCheck() {
    return readers.read(c -> {
      List<String> messages = new ArrayList<>();
      try (Statement statement = c.createStatement(); ResultSet rows = statement.executeQuery("PRAGMA quick_check")) {
        while (rows.next()) messages.add(rows.getString(1));
      } catch (SQLiteException e) {
        // Damage bad enough that the check itself cannot read past it is a finding, not a crash.
        if (e.getResultCode() != SQLiteErrorCode.SQLITE_CORRUPT && e.getResultCode() != SQLiteErrorCode.SQLITE_NOTADB) {
          throw e;
        }
        messages.add(e.getMessage());
      }
      return messages.equals(List.of("ok")) ? List.of() : messages;
    });
  }

  /** The database file plus its write-ahead log, as the file system counts them. */
  long sizeOnDisk() {
    return sizeOf(file) + sizeOf(Path.of(file + "-wal"));
  }

  private static long sizeOf(Path path) {
    try {
      return Files.size(path);
    } catch (NoSuchFileException e) {
      return 0; // the WAL does not exist while no connection is open
    } catch (IOException e) {
      throw new StoreException("cannot read the size of " + path + ": " + e.getMessage(), e);
    }
  }
}
