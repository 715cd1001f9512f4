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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** The durable ingest queue: table {@code events}, bounded by a count of unfinished events. */
final class IngestQueue {
  private static final String COLUMNS = "id, received_at, target_route, body, origin";

  private final Writer writer;
  private final Readers readers;
  private final EventIds ids;
  private final Clock clock;
  private final int limit;
  /** Events stored or being stored and not yet completed; admission control without a query. */
  private final AtomicInteger unfinished;
  /** Used on the writer thread only; closed with the writer's connection. */
  private PreparedStatement insert;

  IngestQueue(Writer writer, Readers readers, EventIds ids, Clock clock, int limit, int storedEvents) {
    this.writer = writer;
    this.readers = readers;
    this.ids = ids;
    this.clock = clock;
    this.limit = limit;
    this.unfinished = new AtomicInteger(storedEvents);
  }

  CompletableFuture<StoredEvent> enqueue(byte[] jsonBody, String targetRoute, String origin) {
    Objects.requireNonNull(jsonBody, "jsonBody");
    reserveSlot();
    CompletableFuture<StoredEvent> stored;
    try {
      Instant receivedAt = Instant.ofEpochMilli(clock.millis());
      byte[] body = jsonBody.clone();
      stored = writer.submit(c -> {
        // The id is drawn on the writer thread, so id order is commit order: a reader paging with
        // unfinishedAfter(lastId) can never miss an event committed after it read.
        StoredEvent event = new StoredEvent(ids.next(), receivedAt, targetRoute, body, origin);
        PreparedStatement insert = insertStatement(c);
        insert.setString(1, event.id());
        insert.setLong(2, receivedAt.toEpochMilli());
        insert.setString(3, targetRoute);
        insert.setBytes(4, body);
        insert.setString(5, origin);
        insert.executeUpdate();
        return event;
      });
    } catch (RuntimeException e) {
      unfinished.decrementAndGet();
      throw e;
    }
    stored.whenComplete((event, failure) -> {
      if (failure != null) unfinished.decrementAndGet();
    });
    return stored;
  }

  /** Compiled once: compiling the statement per event cost about as much as running it. */
  private PreparedStatement insertStatement(Connection writerConnection) throws SQLException {
    if (insert == null) {
      insert = writerConnection.prepareStatement("INSERT INTO events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)");
    }
    return insert;
  }

  private void reserveSlot() {
    while (true) {
      int current = unfinished.get();
      if (current >= limit) throw new QueueFullException(limit);
      if (unfinished.compareAndSet(current, current + 1)) return;
    }
  }

  int unfinishedCount() {
    return unfinished.get();
  }

  List<StoredEvent> unfinished(String afterId, int limit) {
    if (limit < 1) throw new IllegalArgumentException("limit must be at least 1: " + limit);
    return readers.read(c -> {
      try (PreparedStatement query = afterId == null
              ? Sql.prepare(c, "SELECT " + COLUMNS + " FROM events ORDER BY id LIMIT ?", limit)
              : Sql.prepare(c, "SELECT " + COLUMNS + " FROM events WHERE id > ? ORDER BY id LIMIT ?", afterId, limit);
           ResultSet rows = query.executeQuery()) {
        List<StoredEvent> events = new ArrayList<>();
        while (rows.next()) events.add(event(rows));
        return events;
      }
    });
  }

  Optional<StoredEvent> find(String eventId) {
    return readers.read(c -> {
      try (PreparedStatement query = Sql.prepare(c, "SELECT " + COLUMNS + " FROM events WHERE id = ?", eventId);
           ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(event(rows)) : Optional.empty();
      }
    });
  }

  boolean complete(String eventId) {
    return writer.await(completeSoon(eventId), "completion of event " + eventId);
  }

  CompletableFuture<Boolean> completeSoon(String eventId) {
    return writer.submit(c -> {
      Sql.update(c, "DELETE FROM action_progress WHERE event_id = ?", eventId);
      Sql.update(c, "DELETE FROM route_progress WHERE event_id = ?", eventId);
      return Sql.update(c, "DELETE FROM events WHERE id = ?", eventId) > 0;
    }, wasDeleted -> {
      if (wasDeleted) unfinished.decrementAndGet();
    }, true);
  }

  private static StoredEvent event(ResultSet rows) throws SQLException {
    return new StoredEvent(rows.getString("id"), Sql.instant(rows, "received_at"), rows.getString("target_route"),
        rows.getBytes("body"), rows.getString("origin"));
  }
}
