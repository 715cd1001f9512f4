package dev.postee.core.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Small key-value entries for other modules: table {@code kv}. An entry whose expiry has passed
 * (expires_at <= now) is absent for every operation, and is deleted by maintenance.
 */
final class KeyValues {
  private final Writer writer;
  private final Readers readers;
  private final Clock clock;

  KeyValues(Writer writer, Readers readers, Clock clock) {
    this.writer = writer;
    this.readers = readers;
    this.clock = clock;
  }

  void put(String namespace, String key, byte[] value, Instant expiresAt) {
    writer.await(putSoon(namespace, key, value, expiresAt), "write");
  }

  CompletableFuture<Void> putSoon(String namespace, String key, byte[] value, Instant expiresAt) {
    check(namespace, key);
    Objects.requireNonNull(value, "value");
    byte[] copy = value.clone();
    return writer.submit(c -> {
      Sql.update(c, """
          INSERT INTO kv (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at""",
          namespace, key, copy, Sql.millis(expiresAt));
      return null;
    });
  }

  boolean putIfAbsent(String namespace, String key, byte[] value, Instant expiresAt) {
    check(namespace, key);
    Objects.requireNonNull(value, "value");
    byte[] copy = value.clone();
    long now = clock.millis();
    return writer.call(c -> Sql.update(c, """
        INSERT INTO kv (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
          WHERE kv.expires_at IS NOT NULL AND kv.expires_at <= ?""",
        namespace, key, copy, Sql.millis(expiresAt), now) > 0);
  }

  Optional<byte[]> get(String namespace, String key) {
    check(namespace, key);
    long now = clock.millis();
    return readers.read(c -> Sql.query(c,
        "SELECT value FROM kv WHERE namespace = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)",
        rows -> rows.next() ? Optional.of(rows.getBytes(1)) : Optional.<byte[]>empty(), namespace, key, now));
  }

  boolean delete(String namespace, String key) {
    return writer.await(deleteSoon(namespace, key), "write");
  }

  CompletableFuture<Boolean> deleteSoon(String namespace, String key) {
    check(namespace, key);
    long now = clock.millis();
    return writer.submit(c -> {
      boolean live = Sql.exists(c,
          "SELECT 1 FROM kv WHERE namespace = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)",
          namespace, key, now);
      Sql.update(c, "DELETE FROM kv WHERE namespace = ? AND key = ?", namespace, key);
      return live;
    });
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
