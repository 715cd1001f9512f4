package dev.postee.core.store;

import dev.postee.core.template.RenderedMessage;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Per-route aggregation buffers: table {@code aggregation_items}. An item with a null batch id is
 * buffered; taking a batch stamps items with the batch id (they leave the buffer but stay stored
 * until the batch is completed).
 */
final class AggregationBuffers {
  private static final String ITEM_COLUMNS = "seq, route, event_id, buffered_at, batch_id, title, result, url, extra";

  private final Writer writer;
  private final Readers readers;
  private final EventIds ids;

  AggregationBuffers(Writer writer, Readers readers, EventIds ids) {
    this.writer = writer;
    this.readers = readers;
    this.ids = ids;
  }

  boolean append(String route, String eventId, RenderedMessage message, Instant now) {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(message, "message");
    String extra = extraJson(message.extra());
    return writer.call(c -> {
      if (Sql.exists(c, "SELECT 1 FROM route_progress WHERE event_id = ? AND route = ?", eventId, route)) {
        return false;
      }
      int inserted = Sql.update(c, """
          INSERT OR IGNORE INTO aggregation_items (route, event_id, buffered_at, title, result, url, extra)
          VALUES (?, ?, ?, ?, ?, ?, ?)""",
          route, eventId, now, message.title(), message.result(), message.url(), extra);
      Sql.update(c, "INSERT OR IGNORE INTO route_progress (event_id, route, done_at) VALUES (?, ?, ?)",
          eventId, route, now);
      return inserted > 0;
    });
  }

  Optional<AggregationBatch> takeIfSize(String route, int size) {
    if (size < 1) throw new IllegalArgumentException("batch size must be at least 1: " + size);
    return writer.call(c -> {
      List<Item> oldest = buffered(c, route, size);
      return oldest.size() < size ? Optional.<AggregationBatch>empty() : Optional.of(take(c, route, oldest));
    });
  }

  Optional<AggregationBatch> takeIfDue(String route, Duration window, Instant now) {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(now, "now");
    return writer.call(c -> {
      List<Item> first = buffered(c, route, 1);
      if (first.isEmpty() || now.isBefore(first.getFirst().message().bufferedAt().plus(window))) {
        return Optional.<AggregationBatch>empty();
      }
      return Optional.of(take(c, route, buffered(c, route, Integer.MAX_VALUE)));
    });
  }

  List<BufferState> states() {
    return readers.read(c -> {
      try (PreparedStatement query = Sql.prepare(c, """
              SELECT route, count(*), min(buffered_at) FROM aggregation_items
              WHERE batch_id IS NULL GROUP BY route ORDER BY route""");
           ResultSet rows = query.executeQuery()) {
        List<BufferState> states = new ArrayList<>();
        while (rows.next()) {
          states.add(new BufferState(rows.getString(1), rows.getInt(2), Instant.ofEpochMilli(rows.getLong(3))));
        }
        return states;
      }
    });
  }

  List<String> dueRoutes(Instant now, Function<String, Duration> windowOfRoute) {
    List<String> due = new ArrayList<>();
    for (BufferState state : states()) {
      Duration window = windowOfRoute.apply(state.route());
      if (window != null && !now.isBefore(state.firstBufferedAt().plus(window))) due.add(state.route());
    }
    return due;
  }

  List<AggregationBatch> unfinishedBatches() {
    return readers.read(c -> {
      try (PreparedStatement query = Sql.prepare(c, "SELECT " + ITEM_COLUMNS
              + " FROM aggregation_items WHERE batch_id IS NOT NULL ORDER BY batch_id, seq");
           ResultSet rows = query.executeQuery()) {
        Map<String, List<BufferedMessage>> byBatch = new TreeMap<>();
        Map<String, String> routeOfBatch = new LinkedHashMap<>();
        while (rows.next()) {
          Item item = item(rows);
          byBatch.computeIfAbsent(item.batchId(), id -> new ArrayList<>()).add(item.message());
          routeOfBatch.put(item.batchId(), item.route());
        }
        List<AggregationBatch> batches = new ArrayList<>();
        byBatch.forEach((id, messages) -> batches.add(new AggregationBatch(id, routeOfBatch.get(id), messages)));
        return batches;
      }
    });
  }

  boolean completeBatch(String batchId) {
    return writer.call(c -> {
      Sql.update(c, "DELETE FROM action_progress WHERE event_id = ?", batchId);
      Sql.update(c, "DELETE FROM route_progress WHERE event_id = ?", batchId);
      return Sql.update(c, "DELETE FROM aggregation_items WHERE batch_id = ?", batchId) > 0;
    });
  }

  private record Item(long seq, String route, String batchId, BufferedMessage message) {}

  private static List<Item> buffered(Connection c, String route, int limit) throws SQLException {
    try (PreparedStatement query = Sql.prepare(c, "SELECT " + ITEM_COLUMNS
            + " FROM aggregation_items WHERE route = ? AND batch_id IS NULL ORDER BY seq LIMIT ?", route, limit);
         ResultSet rows = query.executeQuery()) {
      List<Item> items = new ArrayList<>();
      while (rows.next()) items.add(item(rows));
      return items;
    }
  }

  private AggregationBatch take(Connection c, String route, List<Item> items) throws SQLException {
    String batchId = ids.next();
    Sql.update(c, "UPDATE aggregation_items SET batch_id = ? WHERE route = ? AND batch_id IS NULL AND seq <= ?",
        batchId, route, items.getLast().seq());
    return new AggregationBatch(batchId, route, items.stream().map(Item::message).toList());
  }

  private static Item item(ResultSet rows) throws SQLException {
    RenderedMessage message = new RenderedMessage(rows.getString("title"), rows.getString("result"),
        rows.getString("url"), extra(rows.getString("extra")));
    return new Item(rows.getLong("seq"), rows.getString("route"), rows.getString("batch_id"),
        new BufferedMessage(rows.getString("event_id"), message, Sql.instant(rows, "buffered_at")));
  }

  private static String extraJson(Map<String, Value> extra) {
    ObjectValue.Builder object = ObjectValue.builder();
    extra.forEach(object::put);
    return Json.write(object.build());
  }

  private static Map<String, Value> extra(String json) {
    Map<String, Value> extra = new LinkedHashMap<>();
    ((ObjectValue) Json.parse(json)).forEach((key, value) -> extra.put(((StringValue) key).value(), value));
    return extra;
  }
}
