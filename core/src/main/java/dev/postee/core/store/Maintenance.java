package dev.postee.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
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
  private static final int MIN_PRUNE_CHUNK = 500;

  private final Path file;
  private final Writer writer;
  private final Readers readers;
  private final DedupKeys dedupKeys;
  private final KeyValues keyValues;
  private final ExecutionLog executionLog;
  private final IntSupplier queuedEvents;
  private final Clock clock;
  private final Long maxDbSizeBytes;

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
  }

  synchronized MaintenanceReport run() {
    Instant now = clock.instant();
    long before = sizeOnDisk();
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
    List<String> problems = quickCheck();
    if (!problems.isEmpty()) {
      LOG.error("Store {}: INTEGRITY CHECK FAILED, the database file is damaged: {}. Stop Postee, keep a copy of"
          + " the file, and recover it with `sqlite3 {} .recover` (or move it away to start empty).",
          file, String.join("; ", problems), file);
    }
    return new MaintenanceReport(before, sizeOnDisk(), maxDbSizeBytes, dedupPurged, kvPurged, pruned,
        overLimit, problems);
  }

  private int pruneExecutionLog(long targetBytes) {
    int pruned = 0;
    while (usedBytes() > targetBytes) {
      long rows = executionLog.rowCount();
      if (rows == 0) break;
      int chunk = (int) Math.min(rows, Math.max(MIN_PRUNE_CHUNK, rows / 10));
      pruned += executionLog.pruneOldest(chunk); // one transaction per chunk: ingest goes on in between
    }
    return pruned;
  }

  /** Bytes in pages that hold data; what the file shrinks to once free pages are released. */
  private long usedBytes() {
    return readers.read(c -> (Sql.queryLong(c, "PRAGMA page_count") - Sql.queryLong(c, "PRAGMA freelist_count"))
        * Sql.queryLong(c, "PRAGMA page_size"));
  }

  /** Returns free pages to the file system and folds the write-ahead log back into the file. */
  private void reclaimFreePages() {
    writer.await(writer.submit(c -> {
      Sql.exec(c, "PRAGMA incremental_vacuum");
      Sql.exec(c, "PRAGMA wal_checkpoint(TRUNCATE)");
      return null;
    }, null, false), "reclaiming free space");
  }

  private List<String> quickCheck() {
    return readers.read(c -> {
      List<String> messages = new ArrayList<>();
      try (Statement statement = c.createStatement(); ResultSet rows = statement.executeQuery("PRAGMA quick_check")) {
        while (rows.next()) messages.add(rows.getString(1));
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
