package dev.postee.core.engine;

import dev.postee.core.store.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The last N events received, with what happened to them (GET /events). Thread-safe, bounded. */
public final class RecentEvents {
  /**
   * @param status received, processed or failed
   * @param matchedRoutes routes that matched (known once processed)
   */
  public record Entry(String id, Instant receivedAt, String targetRoute, int bytes, String status,
      List<String> matchedRoutes, String error) {}

  private final LinkedHashMap<String, Entry> entries;

  public RecentEvents(int capacity) {
    this.entries = new LinkedHashMap<>(capacity * 2) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, RecentEvents.Entry> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized void received(StoredEvent ev) {
    entries.put(ev.id(), new Entry(ev.id(), ev.receivedAt(), ev.targetRoute(), ev.body().length, "received", List.of(), null));
  }

  synchronized void processed(String id, List<String> matched) {
    entries.computeIfPresent(id, (k, e) ->
        new Entry(e.id(), e.receivedAt(), e.targetRoute(), e.bytes(), "processed", List.copyOf(matched), null));
  }

  synchronized void failed(String id, String error) {
    entries.computeIfPresent(id, (k, e) ->
        new Entry(e.id(), e.receivedAt(), e.targetRoute(), e.bytes(), "failed", e.matchedRoutes(), error));
  }

  /** Newest first. */
  public synchronized List<Entry> latest(int limit) {
    List<Entry> all = new ArrayList<>(entries.values());
    List<Entry> out = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) out.add(all.get(i));
    return out;
  }
}
