package dev.postee.cluster.controller;

import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.engine.Engine;
import dev.postee.core.routing.Pipeline;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import io.nats.client.Message;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events from Go Postee runners on {@code postee.events} (core NATS, queue group): ingested like
 * HTTP events, with origin {@link Pipeline#ANY_RUNNER} — a Go runner ran every action with a
 * runs-on itself, so the controller runs only the actions without one. A Go runner forwards an
 * event once per route it matched: an identical payload within the dedup window is dropped.
 *
 * <p>Core NATS has no redelivery: an event that cannot be stored (controller shutting down, queue
 * full) is lost, as with Go Postee; the log says so.
 */
final class LegacyEvents {
  private static final Logger LOG = LoggerFactory.getLogger(LegacyEvents.class);
  static final String SEEN = "legacy-event";

  private final Engine engine;
  private final Clock clock;
  private final Duration window;

  LegacyEvents(Engine engine, Clock clock, Duration window) {
    this.engine = engine;
    this.clock = clock;
    this.window = window;
  }

  void onMessage(Message m) {
    byte[] body = m.getData() == null ? new byte[0] : m.getData();
    String hash = sha256(body);
    if (!engine.store().kvPutIfAbsent(SEEN, hash, new byte[0], clock.instant().plus(window))) {
      LOG.debug("event on {} identical to one received within {}: a Go Postee runner forwards it once per route; dropped",
          Subjects.LEGACY_EVENTS, window);
      return;
    }
    Value parsed;
    try {
      parsed = Json.parse(body);
    } catch (RuntimeException e) {
      LOG.error("event on {} is not JSON ({}); dropped", Subjects.LEGACY_EVENTS, e.getMessage());
      return;
    }
    try {
      engine.ingest(body, parsed, null, Pipeline.ANY_RUNNER).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lost(hash, "interrupted");
    } catch (Exception e) {
      lost(hash, e instanceof java.util.concurrent.ExecutionException ? e.getCause().getMessage() : e.getMessage());
    }
  }

  private void lost(String hash, String why) {
    LOG.error("an event from a Go Postee runner on {} could not be stored ({}) and is lost: core NATS does not deliver"
        + " it again", Subjects.LEGACY_EVENTS, why);
    try {
      engine.store().kvDelete(SEEN, hash);
    } catch (RuntimeException ignored) {
      // the store is closing
    }
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
