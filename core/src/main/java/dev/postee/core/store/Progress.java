package dev.postee.core.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;

/** What of an event is finished: tables {@code action_progress} and {@code route_progress}. */
final class Progress {
  private final Writer writer;
  private final Readers readers;
  private final Clock clock;

  Progress(Writer writer, Readers readers, Clock clock) {
    this.writer = writer;
    this.readers = readers;
    this.clock = clock;
  }

  void markActionDone(String eventId, String route, String action) {
    long now = clock.millis();
    writer.call(c -> Sql.update(c,
        "INSERT OR IGNORE INTO action_progress (event_id, route, action, done_at) VALUES (?, ?, ?, ?)",
        eventId, route, action, now));
  }

  /** Queues the mark behind earlier writes without waiting for its commit (see Store#markActionDoneSoon). */
  java.util.concurrent.CompletableFuture<Integer> markActionDoneSoon(String eventId, String route, String action) {
    long now = clock.millis();
    return writer.submit(c -> Sql.update(c,
        "INSERT OR IGNORE INTO action_progress (event_id, route, action, done_at) VALUES (?, ?, ?, ?)",
        eventId, route, action, now));
  }

  boolean isActionDone(String eventId, String route, String action) {
    return readers.read(c -> Sql.exists(c,
        "SELECT 1 FROM action_progress WHERE event_id = ? AND route = ? AND action = ?", eventId, route, action));
  }

  Set<RouteAction> doneActions(String eventId) {
    return readers.read(c -> {
      try (PreparedStatement query = Sql.prepare(c,
              "SELECT route, action FROM action_progress WHERE event_id = ? ORDER BY route, action", eventId);
           ResultSet rows = query.executeQuery()) {
        Set<RouteAction> done = new LinkedHashSet<>();
        while (rows.next()) done.add(new RouteAction(rows.getString(1), rows.getString(2)));
        return done;
      }
    });
  }

  void markRouteDone(String eventId, String route) {
    long now = clock.millis();
    writer.call(c -> Sql.update(c,
        "INSERT OR IGNORE INTO route_progress (event_id, route, done_at) VALUES (?, ?, ?)", eventId, route, now));
  }

  boolean isRouteDone(String eventId, String route) {
    return readers.read(c -> Sql.exists(c,
        "SELECT 1 FROM route_progress WHERE event_id = ? AND route = ?", eventId, route));
  }

  Set<String> doneRoutes(String eventId) {
    return readers.read(c -> {
      try (PreparedStatement query = Sql.prepare(c,
              "SELECT route FROM route_progress WHERE event_id = ? ORDER BY route", eventId);
           ResultSet rows = query.executeQuery()) {
        Set<String> done = new LinkedHashSet<>();
        while (rows.next()) done.add(rows.getString(1));
        return done;
      }
    });
  }
}
