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
 * <p>Writes about one execution (its result, the note of where it was published) are made under
 * that execution's lock, never under one lock for all: each is a synchronous commit, and results
 * of different executions must not queue behind each other's commits.
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
  private final Object[] locks = new Object[64];
  private volatile ExecutionRecorder recorder;

  /** @param keep how long results are remembered (longer than the results bucket keeps them) */
  DelegationBook(Store store, Clock clock, Duration keep) {
    this.store = store;
    this.clock = clock;
    this.keep = keep;
    this.recorder = store;
    for (int i = 0; i < locks.length; i++) locks[i] = new Object();
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

  Optional<PendingDelegation> pending(String executionId) {
    return store.kvGet(PENDING, executionId).map(b -> Codec.decode(b, PendingDelegation.class));
  }

  void putPending(PendingDelegation p) {
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
      store.kvPut(PENDING, p.executionId(), Codec.encode(p.published(streamSeq, availableSince)), null);
    }
  }

  void removePending(String executionId) {
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
    return store.kvGet(DONE, executionId).map(b -> Codec.decode(b, DelegationResult.class));
  }

  /**
   * Takes a runner's result: into the execution log (once per execution and attempt count), to any
   * waiter, off the pending list.
   *
   * @return whether it was new to the execution log
   */
  boolean record(DelegationResult r) {
    String id = r.executionId();
    synchronized (lockOf(id)) {
      Optional<DelegationResult> before = done(id);
      boolean fresh = before.isEmpty() || before.get().attempts() != r.attempts();
      if (fresh) {
        recorder.record(executionRecord(r, clock));
        // a synchronous write after the record: when it returns, the record is committed too
        store.kvPut(DONE, id, Codec.encode(r), clock.instant().plus(keep));
      }
      CompletableFuture<DelegationResult> w = waiters.get(id);
      if (w != null) w.complete(r);
      // after the waiter: the result is stored; a pending entry a crash leaves here is dropped when its TTL passes
      if (pending(id).isPresent()) store.kvDelete(PENDING, id);
      return fresh;
    }
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
