package dev.postee.core.store;

import java.time.Instant;
import java.util.Objects;

/** Per-route dedup keys: table {@code dedup_keys}. */
final class DedupKeys {
  private final Writer writer;

  DedupKeys(Writer writer) {
    this.writer = writer;
  }

  boolean firstSeen(String route, String key, String eventId, Instant expiresAt, Instant now) {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(now, "now");
    return writer.call(c -> {
      // Inserts a new key, or takes over one whose record has expired (expires_at <= now); a live
      // key of another event is left alone and the update changes no row.
      int changed = Sql.update(c, """
          INSERT INTO dedup_keys (route, key, event_id, seen_at, expires_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (route, key) DO UPDATE
            SET event_id = excluded.event_id, seen_at = excluded.seen_at, expires_at = excluded.expires_at
            WHERE dedup_keys.expires_at IS NOT NULL AND dedup_keys.expires_at <= ?""",
          route, key, eventId, now, Sql.millis(expiresAt), now);
      if (changed > 0) return true;
      // The same event seen again (redelivered after a crash) still owns its key.
      return eventId != null && Sql.exists(c,
          "SELECT 1 FROM dedup_keys WHERE route = ? AND key = ? AND event_id = ?", route, key, eventId);
    });
  }

  int purgeExpired(Instant now) {
    return writer.call(c -> Sql.update(c,
        "DELETE FROM dedup_keys WHERE expires_at IS NOT NULL AND expires_at <= ?", now));
  }
}
