package dev.postee.cluster.controller;

import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.Delegation;
import dev.postee.cluster.protocol.DelegationResult;
import dev.postee.core.action.ActionResult;
import dev.postee.core.action.DeliveryOutcome;
import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.config.PosteeConfig;
import dev.postee.core.routing.ActionDispatcher;
import dev.postee.core.routing.LocalDispatcher;
import dev.postee.core.template.RenderedMessage;
import dev.postee.rego.value.Value;
import io.nats.client.api.PublishAck;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's dispatcher: an action whose resolved {@code runs-on} names a runner is delegated
 * to that runner over JetStream; every other action runs here through the {@link LocalDispatcher}.
 *
 * <p>Delegating means: publish the delegation on the runner's subject with {@code Nats-Msg-Id} =
 * execution id and wait for JetStream's acknowledgement — trying again with backoff while NATS is
 * unreachable, the event staying queued in the store — then note it as pending in the store (with
 * its stream sequence; the note joins the store's next group commit, which is before the engine's
 * mark that the action is done) and return {@link DeliveryOutcome.Status#DELEGATED}. The note is written
 * before the first retry too, so that a delegation waiting for NATS is listed as pending; a crash
 * before the note leaves the event queued, and its repeated delegation is stored once by JetStream
 * (same {@code Nats-Msg-Id}) or answered from the runner's ledger. The runner's result is recorded when it
 * comes back ({@link ResultsWatcher}), or the delegation is recorded as failed when its TTL passes
 * ({@link DelegationSweeper}).
 *
 * <p>A route with {@code serialize-actions} waits for the delegated action's result before the next
 * action starts, wherever either runs, and returns that result's outcome; its delegation is noted as
 * pending only when the result takes more than {@link #NOTE_PENDING_AFTER}.
 *
 * <p>Every wait ends when the engine shuts down, the controller closes or the thread is interrupted:
 * the action is then {@link DeliveryOutcome.Status#INTERRUPTED}, the event stays queued, and the
 * repeated delegation after the next start is stored once (same {@code Nats-Msg-Id}) or, when it
 * already ran, answered from the runner's ledger.
 */
public final class ClusterDispatcher implements ActionDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterDispatcher.class);
  private static final Duration DONE_CHECK = Duration.ofSeconds(1);
  static final Duration NOTE_PENDING_AFTER = Duration.ofSeconds(1);
  private static final DeliveryOutcome DELEGATED = new DeliveryOutcome(DeliveryOutcome.Status.DELEGATED, 0, null, null);

  private final LocalDispatcher local;
  private final DelegationBook book;
  private final JetStreamLink link;
  private final CountDownLatch attached = new CountDownLatch(1);
  private volatile RunnerConfigCache configs;
  private final String controllerId;
  private final Duration ttl;
  private final Clock clock;
  private volatile boolean closed;

  ClusterDispatcher(LocalDispatcher local, DelegationBook book, JetStreamLink link, String controllerId, Duration ttl,
      Clock clock) {
    this.local = local;
    this.book = book;
    this.link = link;
    this.controllerId = controllerId;
    this.ttl = ttl;
    this.clock = clock;
  }

  public String controllerId() {
    return controllerId;
  }

  DelegationBook book() {
    return book;
  }

  /**
   * The controller is wired to the engine: delegations may go out. (The engine starts with this
   * dispatcher and may dispatch recovered events before; those delegations wait until now.)
   */
  void attach(RunnerConfigCache cache) {
    this.configs = cache;
    attached.countDown();
  }

  /** From now on every wait ends at once with INTERRUPTED (the controller is closing). */
  void close() {
    closed = true;
  }

  @Override
  public DeliveryOutcome dispatch(Dispatch d) {
    if (d.runsOn() == null) return local.dispatch(d);
    return delegate(d, d.runsOn());
  }

  private boolean stopping() {
    return closed || local.delivery().isShutDown() || Thread.currentThread().isInterrupted();
  }

  private DeliveryOutcome delegate(Dispatch d, String runner) {
    try {
      while (!attached.await(100, TimeUnit.MILLISECONDS)) {
        if (stopping()) return interrupted("stopped before the controller was ready to delegate");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return interrupted("interrupted before the controller was ready to delegate");
    }
    String executionId = d.executionId();
    PosteeConfig config = d.config().config();
    if (!config.runners().isEmpty() && config.runner(runner).isEmpty()) {
      String runsOn = d.route().config().runsOnFor(d.action());
      return failHere(d, "runs-on '" + runsOn + "' chose runner '" + runner
          + "', which is not declared in the configuration's runners; the action was not delegated");
    }
    boolean serialize = d.route().config().serializeActions();
    // registered before looking for an earlier result: a result recorded from then on completes it
    CompletableFuture<DelegationResult> waiter = serialize ? book.waiter(executionId) : null;
    try {
      return delegate(d, runner, executionId, serialize, waiter);
    } finally {
      if (waiter != null) book.forget(executionId, waiter);
    }
  }

  private DeliveryOutcome delegate(Dispatch d, String runner, String executionId, boolean serialize,
      CompletableFuture<DelegationResult> waiter) {
    Optional<DelegationResult> earlier = book.done(executionId);
    if (earlier.isPresent()) {
      // delegated before a restart and finished meanwhile: not again
      return serialize ? DelegationBook.outcome(earlier.get()) : DELEGATED;
    }
    PendingDelegation earlierAttempt = book.pending(executionId).orElse(null);
    PendingDelegation pending = earlierAttempt != null ? earlierAttempt
        : new PendingDelegation(executionId, runner, d.route().name(), d.action().name(), d.action().type(), d.eventId(),
            clock.millis(), ttl.toMillis(), 0);
    // a first delegation counts its TTL from the attempt JetStream took; a repeated one keeps its first time
    AtomicLong availableSince = new AtomicLong(pending.createdAtMillis());
    Supplier<byte[]> payload = () -> {
      if (earlierAttempt == null) availableSince.set(clock.millis());
      return Codec.encode(delegation(d, runner, availableSince.get()));
    };
    PublishAck ack;
    book.publishing(executionId, true);
    try {
      Runnable listPending = earlierAttempt == null ? () -> book.putPending(pending) : () -> {};
      ack = link.publishDelegation(runner, executionId, payload, this::stopping, listPending);
      if (ack != null && !serialize) book.notePublished(pending, ack.getSeqno(), availableSince.get());
    } catch (JetStreamLink.UndeliverableException e) {
      book.removePending(executionId);
      return failHere(d, e.getMessage());
    } finally {
      book.publishing(executionId, false);
    }
    if (ack == null) return interrupted("stopped before NATS took the delegation to runner " + runner);
    LOG.debug("route '{}' action '{}' event {}: delegated to runner {} (execution {}, stream seq {}{})", d.route().name(),
        d.action().name(), d.eventId(), runner, executionId, ack.getSeqno(), ack.isDuplicate() ? ", again" : "");
    if (!serialize) return DELEGATED;
    long seq = ack.getSeqno();
    return awaitResult(executionId, runner, waiter, () -> book.notePublished(pending, seq, availableSince.get()));
  }

  /**
   * Waits for the runner's result (serialize-actions): until it comes, the TTL passes, or we stop.
   * The delegation is noted as pending ({@code notePending}) only if its result takes longer than
   * {@link #NOTE_PENDING_AFTER}: most results come back well within that, and until then this
   * thread is what watches the delegation (a crash or stop meanwhile leaves the event queued, and
   * its repeated delegation is stored once by JetStream or answered from the runner's ledger).
   */
  private DeliveryOutcome awaitResult(String executionId, String runner, CompletableFuture<DelegationResult> waiter,
      Runnable notePending) {
    try {
      // the waiter was registered before the store was last read: until the first check, it is enough
      long noteAt = System.nanoTime() + NOTE_PENDING_AFTER.toNanos();
      long nextCheck = System.nanoTime() + DONE_CHECK.toNanos();
      boolean noted = false;
      while (true) {
        if (!noted && System.nanoTime() - noteAt >= 0) {
          notePending.run();
          noted = true;
        }
        if (System.nanoTime() - nextCheck >= 0) {
          // a safety net: a result recorded and committed by another path (a sweep) is in the store
          Optional<DelegationResult> done = book.done(executionId);
          if (done.isPresent()) return DelegationBook.outcome(done.get());
          nextCheck = System.nanoTime() + DONE_CHECK.toNanos();
        }
        if (stopping()) return interrupted("stopped while waiting for runner " + runner + "'s result (serialize-actions)");
        try {
          return DelegationBook.outcome(waiter.get(200, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
          // go on waiting
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return interrupted("interrupted while waiting for runner " + runner + "'s result (serialize-actions)");
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for a delegated result failed", e.getCause());
    }
  }

  private Delegation delegation(Dispatch d, String runner, long createdAt) {
    RenderedMessage m = d.message();
    Map<String, String> extra = new LinkedHashMap<>();
    m.extra().forEach((k, v) -> extra.put(k, v.toJson()));
    Value event = d.event();
    String version = configs.forRunner(d.config(), runner).version();
    return new Delegation(d.executionId(), runner, d.route().name(), d.action().name(), d.eventId(), m.title(),
        m.result(), m.url(), extra, event == null ? null : event.toJson(), createdAt, ttl.toMillis(), controllerId,
        version);
  }

  /** A delegation that cannot be made: recorded as a failed execution here. */
  private DeliveryOutcome failHere(Dispatch d, String error) {
    LOG.error("route '{}' action '{}' event {}: {}", d.route().name(), d.action().name(), d.eventId(), error);
    book.recorderRecord(new ExecutionRecord(d.executionId(), d.route().name(), d.action().name(), d.action().type(),
        d.eventId(), "controller", 1, ActionResult.Outcome.FAILED, null, null, clock.instant(), Duration.ZERO, error, null));
    return new DeliveryOutcome(DeliveryOutcome.Status.FAILED, 1, ActionResult.failed(error), error);
  }

  private static DeliveryOutcome interrupted(String why) {
    return new DeliveryOutcome(DeliveryOutcome.Status.INTERRUPTED, 0, null, why);
  }
}
