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
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the results bucket (every runner, every key) and hands each result to the
 * {@link DelegationBook}. Every controller watches every result, so each controller's execution
 * log is complete. The last revision processed is kept in the store: after a restart (or a new
 * connection) watching resumes there, and what is seen again is recorded once.
 *
 * <p>A result is recorded as it arrives, on the watch's thread, in bucket order: the book wakes the
 * thread waiting for it at once and submits its writes to the store's next group commit without
 * waiting for it; the revision counts as recorded when that commit is done.
 *
 * <p>The revision is only where to resume, not what makes a result count once (the book does
 * that), so it is written by {@link #persistRevision} every second and at {@link #close}, not with
 * every result: a crash re-reads at most the last second's results. It is the highest revision
 * below which every result was recorded; one whose recording failed holds it back, so that it is
 * read again after the next start.
 */
final class ResultsWatcher implements KeyValueWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ResultsWatcher.class);
  static final String STATE = "controller-state";
  static final String REVISION = "results-revision";

  private final Store store;
  private final DelegationBook book;
  /** The highest revision taken from the watch (handed to a lane, or nothing to record). */
  private final AtomicLong taken = new AtomicLong();
  /** Revisions handed to a lane and not recorded yet (or whose recording failed). */
  private final ConcurrentSkipListSet<Long> unrecorded = new ConcurrentSkipListSet<>();
  /** Results handed to the book whose writes are not committed yet. */
  private final AtomicInteger committing = new AtomicInteger();
  private long persisted; // guarded by this
  private volatile NatsKeyValueWatchSubscription subscription;
  private volatile Connection watching;

  ResultsWatcher(Store store, DelegationBook book) {
    this.store = store;
    this.book = book;
    store.kvGet(STATE, REVISION).ifPresent(b -> taken.set(ByteBuffer.wrap(b).getLong()));
    persisted = taken.get();
  }

  /** Watches on {@code c} from the revision after the last one taken (a no-op when it already does). */
  synchronized void start(Connection c) throws Exception {
    if (watching == c && subscription != null) return;
    stop();
    long last = c.jetStreamManagement().getStreamInfo("KV_" + Subjects.RESULTS_BUCKET).getStreamState().getLastSequence();
    if (last < taken.get()) {
      // the bucket was created anew (the NATS server lost its storage): its revisions start again at 1
      LOG.warn("the results bucket ends at revision {}, before the last one processed here ({}): it was created anew;"
          + " reading it from the start", last, taken.get());
      taken.set(0);
      unrecorded.clear();
    }
    long from = taken.get() + 1;
    subscription = c.keyValue(Subjects.RESULTS_BUCKET).watchAll(this, from);
    watching = c;
    LOG.debug("watching the results of delegated executions from revision {}", from);
  }

  boolean isWatching(Connection c) {
    return watching == c && subscription != null;
  }

  /** Stops watching (results taken already are still recorded). */
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

  /** Stops watching, waits (a few seconds at most) for the commits of what was recorded, writes the revision. */
  void close() {
    stop();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    try {
      while (committing.get() > 0 && System.nanoTime() < end) Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    persistRevision();
  }

  /** Writes the revision up to which every result is recorded, if it moved since the last write. */
  synchronized void persistRevision() {
    long rev = recordedUpTo();
    if (rev == persisted) return;
    try {
      store.kvPut(STATE, REVISION, ByteBuffer.allocate(Long.BYTES).putLong(rev).array(), null);
      persisted = rev;
    } catch (RuntimeException e) {
      LOG.debug("the results revision {} is not written ({}); written again later", rev, e.toString());
    }
  }

  /** Every result at or below this revision is recorded. */
  long recordedUpTo() {
    long high = taken.get(); // read first: a revision counts in taken only once it is in unrecorded
    Long low = unrecorded.isEmpty() ? null : unrecorded.first();
    return low == null ? high : Math.min(high, low - 1);
  }

  @Override
  public void watch(KeyValueEntry entry) {
    long rev = entry.getRevision();
    try {
      if (entry.getOperation() == KeyValueOperation.PUT && entry.getValue() != null) {
        DelegationResult r = Codec.decode(entry.getValue(), DelegationResult.class);
        if (r.executionId() == null || r.runner() == null) {
          LOG.warn("result {} in {} names no execution or runner; ignored", entry.getKey(), Subjects.RESULTS_BUCKET);
        } else if (!entry.getKey().equals(Subjects.resultKey(r.runner(), r.executionId()))) {
          // a runner may write only under its own token: the key says who wrote it, not the payload
          LOG.warn("result {} in {} says it is runner '{}''s result of execution {}, whose key is {}: a runner may only"
              + " report its own results; ignored", entry.getKey(), Subjects.RESULTS_BUCKET, r.runner(), r.executionId(),
              Subjects.resultKey(r.runner(), r.executionId()));
        } else {
          unrecorded.add(rev);
          record(r, rev, entry.getKey());
        }
      }
    } catch (Codec.ProtocolException e) {
      LOG.warn("result {} in {} cannot be read ({}); ignored", entry.getKey(), Subjects.RESULTS_BUCKET, e.getMessage());
    }
    taken.accumulateAndGet(rev, Math::max);
  }

  private void record(DelegationResult r, long rev, String key) {
    CompletableFuture<Boolean> written;
    committing.incrementAndGet();
    try {
      written = book.record(r);
    } catch (RuntimeException e) {
      committing.decrementAndGet();
      LOG.error("recording result {} failed; it is read again after the next start", key, e);
      return; // stays unrecorded: the revision written stays before it
    }
    written.whenComplete((fresh, failure) -> {
      committing.decrementAndGet();
      if (failure != null) {
        LOG.error("result {} was not stored; it is read again after the next start: {}", key, failure.toString());
        return;
      }
      if (fresh) {
        LOG.debug("result of execution {} ({} / {}) from runner {}: {}", r.executionId(), r.route(), r.action(),
            r.runner(), r.status());
      }
      unrecorded.remove(rev);
    });
  }

  @Override
  public void endOfData() {
    LOG.debug("results of delegated executions caught up at revision {}", taken.get());
  }
}
