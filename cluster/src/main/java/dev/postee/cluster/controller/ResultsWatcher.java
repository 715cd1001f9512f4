package dev.postee.cluster.controller;

import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.DelegationResult;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.store.Store;
import io.nats.client.Connection;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the results bucket (every runner, every key) and hands each result to the
 * {@link DelegationBook}. Every controller watches every result, so each controller's execution
 * log is complete. The last revision processed is kept in the store: after a restart (or a new
 * connection) watching resumes there, and what is seen again is recorded once.
 */
final class ResultsWatcher implements KeyValueWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ResultsWatcher.class);
  static final String STATE = "controller-state";
  static final String REVISION = "results-revision";

  private final Store store;
  private final DelegationBook book;
  private final AtomicLong revision = new AtomicLong();
  private volatile NatsKeyValueWatchSubscription subscription;
  private volatile Connection watching;

  ResultsWatcher(Store store, DelegationBook book) {
    this.store = store;
    this.book = book;
    store.kvGet(STATE, REVISION).ifPresent(b -> revision.set(ByteBuffer.wrap(b).getLong()));
  }

  /** Watches on {@code c} from the revision after the last one processed (a no-op when it already does). */
  synchronized void start(Connection c) throws Exception {
    if (watching == c && subscription != null) return;
    stop();
    long last = c.jetStreamManagement().getStreamInfo("KV_" + Subjects.RESULTS_BUCKET).getStreamState().getLastSequence();
    if (last < revision.get()) {
      // the bucket was created anew (the NATS server lost its storage): its revisions start again at 1
      LOG.warn("the results bucket ends at revision {}, before the last one processed here ({}): it was created anew;"
          + " reading it from the start", last, revision.get());
      revision.set(0);
    }
    long from = revision.get() + 1;
    subscription = c.keyValue(Subjects.RESULTS_BUCKET).watchAll(this, from);
    watching = c;
    LOG.debug("watching the results of delegated executions from revision {}", from);
  }

  boolean isWatching(Connection c) {
    return watching == c && subscription != null;
  }

  synchronized void stop() {
    NatsKeyValueWatchSubscription s = subscription;
    subscription = null;
    watching = null;
    if (s != null) {
      try {
        s.unsubscribe();
      } catch (RuntimeException e) {
        LOG.debug("ending the results watch: {}", e.toString());
      }
    }
  }

  @Override
  public void watch(KeyValueEntry entry) {
    try {
      if (entry.getOperation() == KeyValueOperation.PUT && entry.getValue() != null) {
        DelegationResult r = Codec.decode(entry.getValue(), DelegationResult.class);
        if (r.executionId() == null || r.runner() == null) {
          LOG.warn("result {} in {} names no execution or runner; ignored", entry.getKey(), Subjects.RESULTS_BUCKET);
        } else if (book.record(r)) {
          LOG.debug("result of execution {} ({} / {}) from runner {}: {}", r.executionId(), r.route(), r.action(),
              r.runner(), r.status());
        }
      }
      remember(entry.getRevision());
    } catch (Codec.ProtocolException e) {
      LOG.warn("result {} in {} cannot be read ({}); ignored", entry.getKey(), Subjects.RESULTS_BUCKET, e.getMessage());
      remember(entry.getRevision());
    } catch (RuntimeException e) {
      // not remembered: seen again after the next start
      LOG.error("recording result {} failed", entry.getKey(), e);
    }
  }

  private void remember(long rev) {
    if (rev <= revision.get()) return;
    revision.set(rev);
    store.kvPut(STATE, REVISION, ByteBuffer.allocate(Long.BYTES).putLong(rev).array(), null);
  }

  @Override
  public void endOfData() {
    LOG.debug("results of delegated executions caught up at revision {}", revision.get());
  }
}
