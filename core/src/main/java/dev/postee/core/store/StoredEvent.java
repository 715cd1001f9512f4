package dev.postee.core.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * An event in the ingest queue.
 *
 * @param id unique, time-ordered id (ULID format); sorting ids sorts events by arrival
 * @param receivedAt when the store accepted it (millisecond precision)
 * @param targetRoute the only route to consider ({@code POST /tenant/{route}}), or null for all
 * @param body the JSON body exactly as received; do not modify the array
 * @param origin the runner that received the event and already ran its own actions (the runner-
 *     local flow), or null for an event received here
 */
public record StoredEvent(String id, Instant receivedAt, String targetRoute, byte[] body, String origin) {
  public StoredEvent(String id, Instant receivedAt, String targetRoute, byte[] body) {
    this(id, receivedAt, targetRoute, body, null);
  }

  /** The same event without its body (to be re-read from the store when needed). */
  public StoredEvent withoutBody() {
    return new StoredEvent(id, receivedAt, targetRoute, new byte[0], origin);
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "StoredEvent[id=" + id + ", receivedAt=" + receivedAt + ", targetRoute=" + targetRoute
        + ", body=" + body.length + " bytes" + (origin == null ? "" : ", origin=" + origin) + "]";
  }
}
