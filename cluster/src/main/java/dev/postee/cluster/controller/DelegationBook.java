package dev.postee.cluster.controller;

import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.DelegationResult;
import dev.postee.core.action.ActionResult;
import dev.postee.core.action.DeliveryOutcome;
import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.action.ExecutionRecorder;
import dev.postee.core.store.KvEntry;
import dev.postee.core.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's record of delegated work, in its store: pending delegations, the results that
 * came back, and the threads waiting for one (serialize-actions).
 *
 * <p>{@link #record} is the one place a result enters the execution log, whoever saw it first (the
 * results watcher, or the TTL sweeper for an expired delegation): it is idempotent per execution
 * and attempt count, so a result seen twice (a replay after a restart, the sweeper's own expiry
 * coming back through the results bucket) is logged once.
 *
 * <p>Writes about one execution (its result, the note of where it was published) are submitted
 * under that execution's lock and not waited for: the store commits them in submission order with
 * its next group commit, so the last one submitted wins, and nothing waits for a disk flush on the
 * way from a runner's result to the thread waiting for it. A result stays in memory until its
 * commit, so that {@link #done} sees it at once. That is safe because neither write is what makes
 * the result durable: the results bucket holds it, and the {@link ResultsWatcher} moves its resume
 * revision past a result only once the result is committed here; and the note of a publication is
 * committed before the engine's later mark that the action is done (same writer, same order).
 */
final class DelegationBook {
  private static final Logger LOG = LoggerFactory.getLogger(DelegationBook.class);

  /** Pending delegations of this controller: execution id → {@link PendingDelegation}. */
  static final String PENDING = "delegation";
  /** Last result per execution id (a waiter that comes late, a re-dispatch after a restart). */
  static final String DONE = "delegation-done";

  private final Store store;
  private final Clock clock;
  private final Duration keep;
  private final ConcurrentHashMap<String, CompletableFuture<DelegationResult>> waiters = new ConcurrentHashMap<>();
  private final Set<String> publishing = ConcurrentHashMap.newKeySet();
  /**
   * Executions that may have a pending entry in the store: those noted by this process, and those
   * the store held when it started. A result removes the entry only then (most serialized
   * delegations finish before they are ever noted: no delete to run for them).
   */
  private final Set<String> noted = ConcurrentHashMap.newKeySet();
  /** Results recorded and not committed yet (the store's reads do not see them before). */
  private final ConcurrentHashMap<String, Uncommitted> uncommitted = new ConcurrentHashMap<>();

  /** A recorded result and the commit of what was written for it. */
  private record Uncommitted(DelegationResult result, CompletableFuture<Void> committed) {}
  private final Object[] locks = new Object[64];
  private volatile ExecutionRecorder recorder;

  /** @param keep how long results are remembered (longer than the results bucket keeps them) */
  DelegationBook(Store store, Clock clock, Duration keep) {
    this.store = store;
    this.clock = clock;
    this.keep = keep;
    this.recorder = store;
    for (int i = 0; i < locks.length; i++) locks[i] = new Object();
    for (PendingDelegation p : allPending()) noted.add(p.executionId());
  }

  private Object lockOf(String executionId) {
    return locks[Math.floorMod(executionId.hashCode(), locks.length)];
  }

  /** Records also go to the engine's metrics once the engine is up. */
  void useRecorder(ExecutionRecorder r) {
    this.recorder = r;
  }

  /** A record of something that happened here (a delegation that could not be made). */
  void recorderRecord(ExecutionRecord record) {
    recorder.record(record);
  }

  /** The pending entry of an execution; the store is read only for one that may have an entry ({@link #noted}). */
  Optional<PendingDelegation> pending(String executionId) {
    if (!noted.contains(executionId)) return Optional.empty();
    return store.kvGet(PENDING, executionId).map(b -> Codec.decode(b, PendingDelegation.class));
  }

  void putPending(PendingDelegation p) {
    noted.add(p.executionId());
    store.kvPut(PENDING, p.executionId(), Codec.encode(p), null);
  }

  /**
   * Marks a delegation as being published by this process: its TTL does not run before the runner
   * can see it (NATS unreachable, or just slow).
   */
  void publishing(String executionId, boolean inProgress) {
    if (inProgress) publishing.add(executionId);
    else publishing.remove(executionId);
  }

  boolean isPublishing(String executionId) {
    return publishing.contains(executionId);
  }

  /**
   * Notes where a pending delegation is in the stream and since when the runner can take it,
   * unless its result came in meanwhile.
   */
  void notePublished(PendingDelegation p, long streamSeq, long availableSince) {
    synchronized (lockOf(p.executionId())) {
      if ((p.streamSeq() == streamSeq && p.createdAtMillis() == availableSince) || done(p.executionId()).isPresent()) {
        return;
      }
      noted.add(p.executionId());
      store.kvPutSoon(PENDING, p.executionId(), Codec.encode(p.published(streamSeq, availableSince)), null)
          .whenComplete((ignored, failure) -> {
            if (failure != null) {
              LOG.error("execution {}: the note that it was delegated (stream seq {}) was not stored: {}; if the"
                  + " runner never answers, its TTL is not watched here", p.executionId(), streamSeq, failure.toString());
            }
          });
    }
  }

  void removePending(String executionId) {
    noted.remove(executionId);
    store.kvDelete(PENDING, executionId);
  }

  /** Every pending delegation of this controller, by execution id. */
  List<PendingDelegation> allPending() {
    List<PendingDelegation> out = new ArrayList<>();
    String after = null;
    while (true) {
      List<KvEntry> page = store.kvEntries(PENDING, after, 500);
      for (KvEntry e : page) {
        try {
          out.add(Codec.decode(e.value(), PendingDelegation.class));
        } catch (Codec.ProtocolException ex) {
          LOG.error("pending delegation {} in the store cannot be read ({}); removing it", e.key(), ex.getMessage());
          store.kvDelete(PENDING, e.key());
        }
      }
      if (page.size() < 500) return out;
      after = page.get(page.size() - 1).key();
    }
  }

  /** The result of an execution, if one came back. */
  Optional<DelegationResult> done(String executionId) {
    Uncommitted u = uncommitted.get(executionId);
    if (u != null) return Optional.of(u.result());
    return store.kvGet(DONE, executionId).map(b -> Codec.decode(b, DelegationResult.class));
  }

  /**
   * Takes a runner's result: to any waiter at once, then into the execution log (once per
   * execution and attempt count) and off the pending list, with the next group commit.
   *
   * @return completes once what was written is committed: with whether the result was new to the
   *     execution log; exceptionally when the store could not take it (then it must be read again)
   */
  CompletableFuture<Boolean> record(DelegationResult r) {
    String id = r.executionId();
    synchronized (lockOf(id)) {
      Uncommitted earlier = uncommitted.get(id);
      Optional<DelegationResult> before = earlier != null ? Optional.of(earlier.result()) : done(id);
      boolean fresh = before.isEmpty() || before.get().attempts() != r.attempts();
      CompletableFuture<Boolean> written;
      if (fresh) {
        Uncommitted mine = new Uncommitted(r, new CompletableFuture<>());
        // seen by done() before the waiter is looked up: a waiter that registers meanwhile finds it there
        uncommitted.put(id, mine);
        wake(id, r);
        try {
          recorder.record(executionRecord(r, clock));
          store.kvPutSoon(DONE, id, Codec.encode(r), clock.instant().plus(keep)).whenComplete((x, failure) -> {
            uncommitted.remove(id, mine);
            if (failure == null) mine.committed().complete(null);
            else mine.committed().completeExceptionally(failure);
          });
        } catch (RuntimeException e) {
          uncommitted.remove(id, mine);
          mine.committed().completeExceptionally(e);
          throw e;
        }
        written = mine.committed().thenApply(x -> true);
      } else {
        wake(id, r);
        // a copy of a result whose commit is still pending counts as recorded once that commit is done
        written = earlier != null ? earlier.committed().thenApply(x -> false) : CompletableFuture.completedFuture(false);
      }
      // after the result in submission order: a crash in between leaves a pending entry whose sweep finds the result
      if (noted.remove(id)) store.kvDeleteSoon(PENDING, id);
      return written;
    }
  }

  private void wake(String executionId, DelegationResult r) {
    CompletableFuture<DelegationResult> w = waiters.get(executionId);
    if (w != null) w.complete(r);
  }


  /** Completed by {@link #record} when the execution's result arrives; call {@link #forget} when done. */
  CompletableFuture<DelegationResult> waiter(String executionId) {
    return waiters.computeIfAbsent(executionId, id -> new CompletableFuture<>());
  }

  void forget(String executionId, CompletableFuture<DelegationResult> waiter) {
    waiters.remove(executionId, waiter);
  }

  /** The execution-log row of a delegated execution: where = the runner. */
  static ExecutionRecord executionRecord(DelegationResult r, Clock clock) {
    ActionResult.Outcome outcome = r.ok() ? ActionResult.Outcome.OK : ActionResult.Outcome.FAILED;
    String error = null;
    if (!r.ok()) {
      String status = r.status() == null ? "FAILED" : r.status();
      String text = r.error() == null || r.error().isBlank() ? null : r.error();
      error = text == null ? status : status.equals("FAILED") || text.contains(status) ? text : status + ": " + text;
    }
    Instant started = r.startedAtMillis() > 0 ? Instant.ofEpochMilli(r.startedAtMillis()) : clock.instant();
    return new ExecutionRecord(r.executionId(), r.route(), r.action(), r.actionType() == null ? "" : r.actionType(),
        r.eventId(), r.runner(), Math.max(1, r.attempts()), outcome, r.httpStatus(), r.exitCode(), started,
        Duration.ofMillis(Math.max(0, r.durationMillis())), error, r.output());
  }

  /** What the pipeline is told about a delegated execution that finished. */
  static DeliveryOutcome outcome(DelegationResult r) {
    if (r.ok()) {
      return new DeliveryOutcome(DeliveryOutcome.Status.DELIVERED, r.attempts(), ActionResult.ok(r.output()), null);
    }
    String error = "on runner " + r.runner() + ": " + (r.error() == null ? r.status() : r.error());
    DeliveryOutcome.Status status = "EXHAUSTED".equals(r.status()) ? DeliveryOutcome.Status.EXHAUSTED
        : DeliveryOutcome.Status.FAILED;
    return new DeliveryOutcome(status, r.attempts(), ActionResult.failed(error), error);
  }
}
