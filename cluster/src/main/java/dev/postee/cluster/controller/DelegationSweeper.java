package dev.postee.cluster.controller;

import dev.postee.cluster.nats.Backplane;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.DelegationResult;
import dev.postee.cluster.protocol.Subjects;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letters delegations nobody took within their TTL (a runner offline too long): each is
 * recorded as FAILED in the execution log, removed from the delegations stream so that the runner
 * does not run it when it comes back, and any thread waiting for it (serialize-actions) is told.
 * Never dropped silently.
 *
 * <p>The expiry is also put into the results bucket (only if the runner has not reported meanwhile),
 * so every controller records it, as it records every result. When NATS is unreachable the expiry is
 * recorded here alone; the runner refuses the stale delegation itself when it sees it (and reports
 * EXPIRED, recorded once).
 */
final class DelegationSweeper implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(DelegationSweeper.class);
  private static final int NO_MESSAGE_FOUND = 10037;

  private final DelegationBook book;
  private final Backplane backplane;
  private final Clock clock;

  DelegationSweeper(DelegationBook book, Backplane backplane, Clock clock) {
    this.book = book;
    this.backplane = backplane;
    this.clock = clock;
  }

  @Override
  public void run() {
    try {
      long now = clock.millis();
      for (PendingDelegation p : book.allPending()) {
        if (p.expiredAt(now) && !book.isPublishing(p.executionId())) expire(p);
      }
    } catch (RuntimeException e) {
      LOG.error("checking pending delegations against their TTL failed; tried again at the next sweep", e);
    }
  }

  private void expire(PendingDelegation p) {
    if (book.done(p.executionId()).isPresent()) {
      book.removePending(p.executionId()); // its result came in a moment ago
      return;
    }
    Duration ttl = Duration.ofMillis(p.ttlMillis());
    String error = "runner " + p.runner() + " did not take the delegation within " + describe(ttl)
        + "; is it offline? The delegation was withdrawn and the action did not run";
    DelegationResult expired = new DelegationResult(p.executionId(), p.runner(), p.route(), p.action(), p.actionType(),
        p.eventId(), "EXPIRED", 0, null, null, clock.millis(), 0, null, error);
    Optional<Connection> c = backplane.currentConnection().filter(x -> x.getStatus() == Connection.Status.CONNECTED);
    if (c.isPresent()) {
      try {
        KeyValue results = c.get().keyValue(Subjects.RESULTS_BUCKET);
        String key = Subjects.resultKey(p.runner(), p.executionId());
        if (results.get(key) != null) return; // the runner did report: the results watcher records it
        withdraw(c.get(), p);
        try {
          results.create(key, Codec.encode(expired));
        } catch (JetStreamApiException e) {
          LOG.debug("execution {}: the runner reported while it expired ({}); its result counts", p.executionId(),
              e.getMessage());
          return;
        }
      } catch (Exception e) {
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        LOG.warn("execution {} expired; NATS is not reachable to withdraw it ({}): recorded as failed here, and the"
            + " runner refuses it if it sees it later", p.executionId(), JetStreamLink.describe(e));
      }
    }
    LOG.warn("route '{}' action '{}' event {}: {}", p.route(), p.action(), p.eventId(), error);
    book.record(expired).join(); // committed before the sweep goes on
  }

  /** Removes the delegation from the stream, so that a runner that comes back does not run it. */
  private static void withdraw(Connection c, PendingDelegation p) throws Exception {
    if (p.streamSeq() <= 0) return;
    try {
      c.jetStreamManagement().deleteMessage(Subjects.DELEGATIONS_STREAM, p.streamSeq());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != NO_MESSAGE_FOUND) throw e;
    }
  }

  static String describe(Duration d) {
    if (d.toMillis() % 3_600_000 == 0) return d.toHours() + " h";
    if (d.toMillis() % 60_000 == 0) return d.toMinutes() + " min";
    if (d.toMillis() % 1000 == 0) return d.toSeconds() + " s";
    return d.toMillis() + " ms";
  }
}
