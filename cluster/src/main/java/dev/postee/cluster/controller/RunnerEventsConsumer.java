package dev.postee.cluster.controller;

import dev.postee.cluster.nats.Backplane;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.engine.Engine;
import dev.postee.core.store.Store;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner-local flow at the controller: takes the events runners received from the shared
 * durable consumer {@value Subjects#EVENTS_CONSUMER} (each event goes to one controller) and
 * ingests each with its runner as origin, so the pipeline skips the actions that already ran there
 * and runs the rest.
 *
 * <p>An event is handled once: its runner and id ({@code Nats-Msg-Id}) are noted in the store before
 * it is ingested, and the message is acknowledged only once the event is stored; a redelivery of an
 * event already noted is acknowledged without ingesting it again. (A crash between the note and
 * the ingest's commit loses that one event; the opposite order would handle it twice.)
 */
final class RunnerEventsConsumer implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(RunnerEventsConsumer.class);
  static final String SEEN = "runner-event";
  static final String RUNNER_HEADER = "Postee-Runner";
  static final String MSG_ID_HEADER = "Nats-Msg-Id";
  private static final int BATCH = 16;
  private static final Duration RETRY_LATER = Duration.ofSeconds(5);

  private final Backplane backplane;
  private final Engine engine;
  private final Store store;
  private final JetStreamLink link;
  private final Clock clock;
  private final Duration remember;
  private final Duration retryMax;
  private final Thread thread;
  private volatile boolean running = true;

  RunnerEventsConsumer(Backplane backplane, Engine engine, JetStreamLink link, Clock clock, Duration remember,
      Duration retryMax) {
    this.backplane = backplane;
    this.engine = engine;
    this.store = engine.store();
    this.link = link;
    this.clock = clock;
    this.remember = remember;
    this.retryMax = retryMax;
    this.thread = Thread.ofPlatform().daemon().name("postee-runner-events").unstarted(this);
  }

  void start() {
    thread.start();
  }

  /** Stops taking events; one being ingested finishes (and is acknowledged) first. */
  void stop() {
    running = false;
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void run() {
    int failures = 0;
    while (running) {
      try {
        link.provision();
        Connection c = backplane.connection();
        JetStreamSubscription sub = c.jetStream().subscribe(null,
            PullSubscribeOptions.bind(Subjects.EVENTS_STREAM, Subjects.EVENTS_CONSUMER));
        try {
          failures = 0;
          while (running && backplane.currentConnection().orElse(null) == c) {
            List<Message> batch = sub.fetch(BATCH, Duration.ofSeconds(1));
            for (Message m : batch) {
              if (!running) {
                m.nak(); // another controller (or this one after its restart) takes it
                continue;
              }
              handle(m);
            }
          }
        } finally {
          try {
            sub.unsubscribe();
          } catch (RuntimeException ignored) {
            // the connection is gone: so is the subscription
          }
        }
      } catch (Exception e) {
        if (!running) return;
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
          return;
        }
        failures++;
        if (failures == 1 || failures % 20 == 0) {
          LOG.warn("cannot take events reported by runners: {}; trying again", JetStreamLink.describe(e));
        }
        link.forget();
        if (!JetStreamLink.pause(link.backoff(failures), () -> !running)) return;
      }
    }
  }

  void handle(Message m) {
    String subjectToken = m.getSubject().substring(m.getSubject().lastIndexOf('.') + 1);
    String runner = header(m, RUNNER_HEADER);
    if (runner == null) {
      runner = subjectToken;
    } else if (!Subjects.token(runner).equals(subjectToken)) {
      LOG.error("an event on {} says it comes from runner '{}', whose subject is {}: a runner may report only its own"
          + " events; dropped", m.getSubject(), runner, Subjects.events(runner));
      m.term();
      return;
    }
    String id = header(m, MSG_ID_HEADER);
    if (id == null) id = "seq-" + m.metaData().streamSequence();
    String key = runner + "/" + id;
    try {
      if (!store.kvPutIfAbsent(SEEN, key, new byte[0], clock.instant().plus(remember))) {
        LOG.debug("event {} of runner {} was handled before; acknowledged again", id, runner);
        m.ack();
        return;
      }
    } catch (RuntimeException e) {
      LOG.warn("event {} of runner {}: the store is not available ({}); it is delivered again later", id, runner,
          e.getMessage());
      m.nakWithDelay(RETRY_LATER);
      return;
    }
    byte[] body = m.getData() == null ? new byte[0] : m.getData();
    Value parsed;
    try {
      parsed = Json.parse(body);
    } catch (RuntimeException e) {
      LOG.error("event {} of runner {} is not JSON ({}); dropped: {}", id, runner, e.getMessage(),
          new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8));
      m.term();
      return;
    }
    try {
      engine.ingest(body, parsed, null, runner).get(30, TimeUnit.SECONDS);
      m.ack();
      LOG.debug("event {} of runner {} ingested", id, runner);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      undo(m, key, "interrupted");
    } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      undo(m, key, cause.getMessage());
    }
  }

  private void undo(Message m, String key, String why) {
    LOG.warn("event {} reported by a runner is not stored ({}); it is delivered again later", key, why);
    try {
      store.kvDelete(SEEN, key);
    } catch (RuntimeException e) {
      LOG.error("event {}: cannot forget it ({}); a redelivery is taken as handled", key, e.getMessage());
    }
    m.nakWithDelay(RETRY_LATER);
  }

  static String header(Message m, String name) {
    if (!m.hasHeaders()) return null;
    String v = m.getHeaders().getFirst(name);
    return v == null || v.isBlank() ? null : v;
  }
}
