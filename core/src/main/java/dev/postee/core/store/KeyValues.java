package dev.postee.core.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Small key-value entries for other modules: table {@code kv}. An entry whose expiry has passed
 * (expires_at <= now) is absent for every operation, and is deleted by maintenance.
 *
 * <p>A {@link KeyFilter} of every key written answers most lookups of absent keys without reading
 * the database. It is filled from the table when the store opens and before each write is queued;
 * when more keys were added than it was planned for, a new one is built from the table on the
 * writer's thread (so that it sees every write queued before it), while writes go to both.
 */
final class KeyValues {
  private final Writer writer;
  private final Readers readers;
  private final Clock clock;
  /** Held (shared) from a key's filter bits until its write is queued; exclusively to start a rebuild. */
  private final ReentrantReadWriteLock filterLock = new ReentrantReadWriteLock();
  private volatile KeyFilter filter;
  private volatile KeyFilter next; // being built: keys go to both
  private static final Logger LOG = LoggerFactory.getLogger(KeyValues.class);
  private final AtomicLong added = new AtomicLong();
  private final AtomicLong addedMeanwhile = new AtomicLong(); // while a rebuild scans
  private final AtomicBoolean rebuilding = new AtomicBoolean();

  private final int minFilterBitsLog2;

  KeyValues(Writer writer, Readers readers, Clock clock) {
    this(writer, readers, clock, KeyFilter.MIN_BITS_LOG2);
  }

  /** @param minFilterBitsLog2 the smallest filter (tests make it small to see it grow) */
  KeyValues(Writer writer, Readers readers, Clock clock, int minFilterBitsLog2) {
    this.writer = writer;
    this.readers = readers;
    this.clock = clock;
    this.minFilterBitsLog2 = minFilterBitsLog2;
    long rows = readers.read(c -> Sql.queryLong(c, "SELECT count(*) FROM kv"));
    KeyFilter f = KeyFilter.forKeys(2 * rows, minFilterBitsLog2);
    added.set(readers.read(c -> fill(c, f)));
    this.filter = f;
  }

  /** Adds every key of the table to {@code f}; returns how many. */
  private static long fill(Connection c, KeyFilter f) throws SQLException {
    try (PreparedStatement query = Sql.prepare(c, "SELECT namespace, key FROM kv");
         ResultSet rows = query.executeQuery()) {
      long n = 0;
      while (rows.next()) {
        f.add(rows.getString(1), rows.getString(2));
        n++;
      }
      return n;
    }
  }

  /** Marks the key as possibly present, then queues its write (both under the filter's shared lock). */
  private <T> CompletableFuture<T> submitKey(String namespace, String key, Supplier<CompletableFuture<T>> submit) {
    CompletableFuture<T> f;
    filterLock.readLock().lock();
    try {
      filter.add(namespace, key);
      KeyFilter n = next;
      if (n != null) {
        n.add(namespace, key);
        addedMeanwhile.incrementAndGet();
      }
      f = submit.get();
    } finally {
      filterLock.readLock().unlock();
    }
    if (added.incrementAndGet() > filter.capacity() && rebuilding.compareAndSet(false, true)) rebuild();
    return f;
  }

  /**
   * Builds a new filter from the table, on the writer's thread, and swaps it in. It is sized from
   * the table's rows (the puts counted include overwrites and keys since expired), installed as
   * {@link #next} before the scan is queued (so a key is either committed before the scan or added
   * to it), and swapped in under the exclusive lock (so no key goes to the old filter only).
   */
  private void rebuild() {
    try {
      long rows = readers.read(c -> Sql.queryLong(c, "SELECT count(*) FROM kv"));
      KeyFilter fresh = KeyFilter.forKeys(2 * rows, minFilterBitsLog2);
      filterLock.writeLock().lock();
      try {
        next = fresh;
        addedMeanwhile.set(0);
      } finally {
        filterLock.writeLock().unlock();
      }
      writer.submit(c -> fill(c, fresh), null, false).whenComplete((n, failure) -> {
        filterLock.writeLock().lock();
        try {
          if (failure == null) {
            filter = fresh;
            added.set(n + addedMeanwhile.get());
          } else {
            added.set(0); // not again before as many puts again
            LOG.warn("the key filter could not be rebuilt ({}); lookups of absent keys read the database more often",
                failure.toString());
          }
          next = null;
        } finally {
          filterLock.writeLock().unlock();
        }
        rebuilding.set(false);
      });
    } catch (RuntimeException e) { // the store is failing or closing: the filter in use stays right, only fuller
      filterLock.writeLock().lock();
      try {
        next = null;
      } finally {
        filterLock.writeLock().unlock();
      }
      added.set(0);
      rebuilding.set(false);
      LOG.warn("the key filter could not be rebuilt ({}); lookups of absent keys read the database more often",
          e.toString());
    }
  }

  /** The filter in use (tests). */
  KeyFilter filter() {
    return filter;
  }

  void put(String namespace, String key, byte[] value, Instant expiresAt) {
    writer.await(putSoon(namespace, key, value, expiresAt, false), "write");
  }

  /** @param lazy a write nobody waits for soon: see {@link Writer#submitLazy} */
  CompletableFuture<Void> putSoon(String namespace, String key, byte[] value, Instant expiresAt, boolean lazy) {
    check(namespace, key);
    Objects.requireNonNull(value, "value");
    byte[] copy = value.clone();
    Sql.Work<Void> work = c -> {
      Sql.update(c, """
          INSERT INTO kv (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at""",
          namespace, key, copy, Sql.millis(expiresAt));
      return null;
    };
    return submitKey(namespace, key, () -> lazy ? writer.submitLazy(work) : writer.submit(work));
  }

  boolean putIfAbsent(String namespace, String key, byte[] value, Instant expiresAt) {
    check(namespace, key);
    Objects.requireNonNull(value, "value");
    byte[] copy = value.clone();
    long now = clock.millis();
    return writer.await(submitKey(namespace, key, () -> writer.submit(c -> Sql.update(c, """
        INSERT INTO kv (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
          WHERE kv.expires_at IS NOT NULL AND kv.expires_at <= ?""",
        namespace, key, copy, Sql.millis(expiresAt), now) > 0)), "write");
  }

  Optional<byte[]> get(String namespace, String key) {
    check(namespace, key);
    if (!filter.mightContain(namespace, key)) return Optional.empty();
    long now = clock.millis();
    return readers.read(c -> Sql.query(c,
        "SELECT value FROM kv WHERE namespace = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)",
        rows -> rows.next() ? Optional.of(rows.getBytes(1)) : Optional.<byte[]>empty(), namespace, key, now));
  }

  boolean delete(String namespace, String key) {
    return writer.await(deleteSoon(namespace, key, false), "write");
  }

  /** @param lazy a write nobody waits for soon: see {@link Writer#submitLazy} */
  CompletableFuture<Boolean> deleteSoon(String namespace, String key, boolean lazy) {
    check(namespace, key);
    long now = clock.millis();
    Sql.Work<Boolean> work = c -> {
      boolean live = Sql.exists(c,
          "SELECT 1 FROM kv WHERE namespace = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)",
          namespace, key, now);
      Sql.update(c, "DELETE FROM kv WHERE namespace = ? AND key = ?", namespace, key);
      return live;
    };
    return lazy ? writer.submitLazy(work) : writer.submit(work);
  }

  List<KvEntry> entries(String namespace, String afterKey, int limit) {
    Objects.requireNonNull(namespace, "namespace");
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1: " + limit);
    long now = clock.millis();
    return readers.read(c -> {
      try (PreparedStatement query = Sql.prepare(c, """
              SELECT key, value, expires_at FROM kv
              WHERE namespace = ? AND key > ? AND (expires_at IS NULL OR expires_at > ?)
              ORDER BY key LIMIT ?""", namespace, afterKey == null ? "" : afterKey, now, limit);
           ResultSet rows = query.executeQuery()) {
        List<KvEntry> out = new ArrayList<>();
        while (rows.next()) {
          String key = rows.getString(1);
          byte[] value = rows.getBytes(2);
          long expires = rows.getLong(3); // read last: wasNull() is about the last column read
          out.add(new KvEntry(namespace, key, value, rows.wasNull() ? null : Instant.ofEpochMilli(expires)));
        }
        return out;
      }
    });
  }

  int purgeExpired(Instant now) {
    return writer.call(c -> Sql.update(c, "DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?", now));
  }

  private static void check(String namespace, String key) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
  }
}
