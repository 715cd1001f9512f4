package dev.postee.cluster.runner;

import dev.postee.cluster.nats.Backplane;
import dev.postee.cluster.protocol.Codec;
import dev.postee.cluster.protocol.Delegation;
import dev.postee.cluster.protocol.DelegationResult;
import dev.postee.cluster.protocol.Subjects;
import dev.postee.core.action.ActionResult;
import dev.postee.core.action.DeliveryOutcome;
import dev.postee.core.config.ActionConfig;
import dev.postee.core.config.RouteConfig;
import dev.postee.core.config.RoutePlugins;
import dev.postee.core.config.SourceLocation;
import dev.postee.core.routing.ActionDispatcher;
import dev.postee.core.routing.CompiledConfig;
import dev.postee.core.routing.CompiledRoute;
import dev.postee.core.routing.LocalDispatcher;
import dev.postee.core.store.Store;
import dev.postee.core.template.RenderedMessage;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the runner's delegations from its durable consumer and runs them (design flow 2).
 *
 * <p>For each delegation: a finished one (the ledger, store namespace {@value #LEDGER}, knows its
 * execution id) is not run again — its result is sent again and the message acknowledged; one
 * picked up after its TTL is reported EXPIRED and not run; an action the configuration does not
 * have makes the runner ask the controller for its current configuration once, then reports
 * UNKNOWN_ACTION. Otherwise the action runs through the shared delivery path (retries, execution
 * log with this runner's name) while the message is kept alive with in-progress acks; then the
 * ledger entry is written, the result sent (kept in the results outbox only when NATS does not take
 * it at once), and only then the message acknowledged. A crash before the ack means a redelivery:
 * a finished execution is found in the ledger (and its result sent again), and an exec script that
 * was still running is adopted by the exec action (same
 * execution id), so the effect happens once.
 */
final class DelegationWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DelegationWorker.class);
  static final String LEDGER = "ledger";
  static final int OUTPUT_EXCERPT_CHARS = 4000;
  private static final Duration LEDGER_WRITE_TIMEOUT = Duration.ofSeconds(30);
  /** At most this many fetchers (pull requests waiting at once). */
  static final int MAX_FETCHERS = 4;

  /** The runner's configuration as the worker needs it. */
  interface Configuration {
    /** The engine's configuration, acquired: release it when done. */
    CompiledConfig acquire();

    /** Version of the configuration in use ("" before there is one). */
    String version();

    /** Asks the controller for the current configuration and applies it; waits at most {@code timeout}. */
    void refreshNow(Duration timeout) throws InterruptedException;
  }

  private final String runner;
  private final Backplane backplane;
  private final Store store;
  private final LocalDispatcher local;
  private final Outbox results;
  private final Configuration configuration;
  private final RunnerOptions.Timings timings;
  private final Duration shutdownTimeout;
  private final Clock clock;
  private final Semaphore slots;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<String, CompletableFuture<Void>> running = new ConcurrentHashMap<>();
  private final ExecutorService handlers = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("postee-delegation-", 0).factory());
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("postee-delegation-progress").factory());
  /** Each with its own pull subscription on the runner's consumer: several pull requests are always waiting. */
  private final List<Thread> fetchers;
  private volatile boolean closing;
  /** The in-progress interval in use: the configured one, shortened to a third of the consumer's ack wait. */
  private volatile Duration progressInterval;

  DelegationWorker(String runner, Backplane backplane, Store store, LocalDispatcher local, Outbox results,
      Configuration configuration, RunnerOptions.Timings timings, Duration shutdownTimeout, Clock clock) {
    this.runner = runner;
    this.backplane = backplane;
    this.store = store;
    this.local = local;
    this.results = results;
    this.configuration = configuration;
    this.timings = timings;
    this.shutdownTimeout = shutdownTimeout;
    this.clock = clock;
    this.slots = new Semaphore(timings.delegationConcurrency());
    this.progressInterval = timings.inProgressInterval();
    int n = Math.min(MAX_FETCHERS, timings.delegationConcurrency());
    List<Thread> threads = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int index = i;
      threads.add(Thread.ofPlatform().daemon().name("postee-delegation-fetch-" + i).unstarted(() -> fetchLoop(index)));
    }
    this.fetchers = List.copyOf(threads);
  }

  void start() {
    fetchers.forEach(Thread::start);
  }

  /** Delegations running right now. */
  int inFlight() {
    return inFlight.get();
  }

  // ---------------------------------------------------------------- taking work

  /**
   * One fetcher: takes a delegation when a slot is free and hands it to a handler thread. The slot
   * is freed when the action has run (the ledger, the result and the ack follow without holding
   * it). Only fetcher 0 logs at info or warning level (the others see the same link).
   */
  private void fetchLoop(int index) {
    boolean speaks = index == 0;
    JetStreamSubscription sub = null;
    Connection subscribedOn = null;
    Duration backoff = timings.retryMin();
    String problem = null;
    while (!closing) {
      try {
        Connection conn = backplane.currentConnection().orElse(null);
        if (conn == null || conn.getStatus() != Connection.Status.CONNECTED) {
          sleep(timings.retryMin());
          continue;
        }
        if (sub == null || subscribedOn != conn || !sub.isActive()) {
          sub = backplane.subscribeDelegations(runner);
          subscribedOn = conn;
          followAckWait(sub);
          if (speaks) {
            LOG.info("runner '{}': taking delegations from consumer {} of stream {}", runner,
                Subjects.delegationConsumer(runner), Subjects.DELEGATIONS_STREAM);
          }
        }
        slots.acquire();
        List<Message> messages;
        try {
          messages = sub.fetch(1, timings.fetchWait());
        } catch (RuntimeException e) {
          slots.release();
          throw e;
        }
        if (messages.isEmpty()) {
          slots.release();
          continue;
        }
        for (int i = 1; i < messages.size(); i++) slots.acquire();
        for (Message m : messages) {
          inFlight.incrementAndGet();
          AtomicBoolean held = new AtomicBoolean(true);
          Runnable freeSlot = () -> {
            if (held.compareAndSet(true, false)) slots.release();
          };
          handlers.execute(() -> {
            try {
              handle(m, freeSlot);
            } catch (RuntimeException e) {
              LOG.error("runner '{}': handling a delegation failed; it is redelivered after the ack wait", runner, e);
            } finally {
              inFlight.decrementAndGet();
              freeSlot.run();
            }
          });
        }
        if (problem != null && speaks) LOG.info("runner '{}': taking delegations again", runner);
        problem = null;
        backoff = timings.retryMin();
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        if (closing) return;
        String why = describe(e);
        if (!why.equals(problem) && speaks) {
          LOG.warn("runner '{}': cannot take delegations from consumer {} of stream {}: {}; trying again (the controller"
              + " creates the consumer when it starts or first delegates to this runner)", runner,
              Subjects.delegationConsumer(runner), Subjects.DELEGATIONS_STREAM, why);
        }
        problem = why;
        sub = null;
        sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(timings.retryMax()) > 0 ? timings.retryMax() : backoff.multipliedBy(2);
      }
    }
  }

  /**
   * The controller sets the consumer's ack wait (it may be shorter than the default 60 s): progress
   * is reported at least three times per ack wait, or a long action would be redelivered while it runs.
   */
  private void followAckWait(JetStreamSubscription sub) {
    Duration ackWait;
    try {
      ackWait = sub.getConsumerInfo().getConsumerConfiguration().getAckWait();
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      LOG.debug("runner '{}': cannot read the ack wait of its consumer: {}", runner, e.toString());
      return;
    }
    if (ackWait == null || ackWait.isZero() || ackWait.isNegative()) return;
    Duration third = ackWait.dividedBy(3);
    Duration wanted = third.compareTo(timings.inProgressInterval()) < 0 ? third : timings.inProgressInterval();
    if (wanted.compareTo(Duration.ofMillis(100)) < 0) wanted = Duration.ofMillis(100);
    if (!wanted.equals(progressInterval)) {
      LOG.info("runner '{}': the consumer's ack wait is {} ms; reporting progress on running delegations every {} ms",
          runner, ackWait.toMillis(), wanted.toMillis());
      progressInterval = wanted;
    }
  }

  private static String describe(Exception e) {
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closing = true;
    }
  }

  // ---------------------------------------------------------------- one delegation

  void handle(Message msg, Runnable freeSlot) {
    Delegation d = decode(msg);
    if (d == null) return;
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> earlier = running.putIfAbsent(d.executionId(), mine);
    if (earlier != null) {
      // redelivered while still running here (the link was down longer than the ack wait): wait for
      // that run, then this delivery finds it in the ledger
      LOG.info("runner '{}': delegation {} was redelivered while it still runs here; waiting for that run", runner,
          d.executionId());
      ScheduledFuture<?> keepAlive = keepAlive(msg);
      try {
        earlier.join();
      } finally {
        keepAlive.cancel(false);
      }
      handle(msg, freeSlot);
      return;
    }
    try {
      handle(msg, d, freeSlot);
    } finally {
      running.remove(d.executionId(), mine);
      mine.complete(null);
    }
  }

  private Delegation decode(Message msg) {
    Delegation d;
    try {
      d = Codec.decode(msg.getData(), Delegation.class);
      if (d.executionId() == null || d.executionId().isBlank() || d.action() == null) {
        throw new Codec.ProtocolException("malformed Delegation: no execution id or action", null);
      }
    } catch (Codec.ProtocolException e) {
      LOG.error("runner '{}': dropping a delegation that cannot be read ({}); the controller's TTL sweep reports it"
          + " as not taken", runner, e.getMessage());
      terminate(msg);
      return null;
    }
    return d;
  }

  private void handle(Message msg, Delegation d, Runnable freeSlot) {
    Optional<byte[]> done = store.kvGet(LEDGER, d.executionId());
    if (done.isPresent()) {
      LOG.info("runner '{}': delegation {} (action '{}', route '{}') already ran here; sending its result again"
          + " instead of running it twice (delivery {})", runner, d.executionId(), d.action(), d.route(), deliveries(msg));
      report(d.executionId(), done.get());
      ack(msg, d);
      return;
    }
    long now = clock.millis();
    if (d.expiredAt(now)) {
      String error = "not run: runner '" + runner + "' took it at " + Instant.ofEpochMilli(now) + ", after its TTL of "
          + Duration.ofMillis(d.ttlMillis()) + " from " + Instant.ofEpochMilli(d.createdAtMillis()) + " had passed";
      LOG.warn("runner '{}': delegation {} (action '{}', route '{}') expired; {}", runner, d.executionId(), d.action(),
          d.route(), error);
      finish(msg, d, notRun(d, null, "EXPIRED", now, error));
      return;
    }
    CompiledConfig cfg = configuration.acquire();
    try {
      ActionConfig action = runnable(cfg, d.action());
      if (action == null) {
        String had = configuration.version();
        cfg.release();
        cfg = null;
        LOG.info("runner '{}': delegation {} names action '{}', which configuration {} does not have (the controller had"
            + " {}); asking the controller for the current configuration", runner, d.executionId(), d.action(), had,
            d.configVersion());
        try {
          configuration.refreshNow(timings.configRequestTimeout().multipliedBy(2));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return; // shutting down: not acked, redelivered later
        }
        cfg = configuration.acquire();
        action = runnable(cfg, d.action());
        if (action == null) {
          String error = "runner '" + runner + "' has no action '" + d.action() + "' in its configuration (version "
              + configuration.version() + "; the controller delegated with version " + d.configVersion()
              + "): the controller's configuration for this runner and the delegation disagree";
          LOG.error("runner '{}': delegation {}: {}", runner, d.executionId(), error);
          finish(msg, d, notRun(d, null, "UNKNOWN_ACTION", clock.millis(), error));
          return;
        }
      }
      run(msg, d, cfg, action, freeSlot);
    } finally {
      if (cfg != null) cfg.release();
    }
  }

  private static ActionConfig runnable(CompiledConfig cfg, String name) {
    ActionConfig a = cfg.actionConfig(name);
    return a != null && a.enabled() ? a : null;
  }

  private void run(Message msg, Delegation d, CompiledConfig cfg, ActionConfig action, Runnable freeSlot) {
    CompiledRoute route = cfg.route(d.route());
    if (route == null) route = placeholderRoute(d.route(), action);
    Value event;
    try {
      event = d.event() == null ? null : Json.parse(d.event());
    } catch (Json.ParseException e) {
      finish(msg, d, notRun(d, action.type(), "FAILED", clock.millis(), "the delegation's event is not valid JSON: "
          + e.getMessage()));
      return;
    }
    RenderedMessage message = new RenderedMessage(d.title(), d.result(), d.url(), extra(d.extra()));
    var dispatch = new ActionDispatcher.Dispatch(d.executionId(), d.eventId(), cfg, route, action, runner, message, event);
    ScheduledFuture<?> keepAlive = keepAlive(msg);
    long startedAt = clock.millis();
    long t0 = System.nanoTime();
    DeliveryOutcome outcome;
    try {
      if (LOG.isDebugEnabled()) { // the delivery count parses the message's metadata
        LOG.debug("runner '{}': running delegation {} (action '{}', route '{}', delivery {})", runner, d.executionId(),
            d.action(), d.route(), deliveries(msg));
      }
      outcome = local.dispatch(dispatch);
    } finally {
      keepAlive.cancel(false);
      freeSlot.run();
    }
    long took = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    if (outcome.status() == DeliveryOutcome.Status.INTERRUPTED) {
      LOG.info("runner '{}': delegation {} stopped ({}); it is taken up again after the restart", runner,
          d.executionId(), outcome.error());
      return; // not acked: redelivered, and nothing is in the ledger
    }
    ActionResult last = outcome.lastResult();
    finish(msg, d, new DelegationResult(d.executionId(), runner, d.route(), d.action(), action.type(), d.eventId(),
        outcome.status().name(), outcome.attempts(), last == null ? null : last.httpStatus(),
        last == null ? null : last.exitCode(), startedAt, took, excerpt(last == null ? null : last.output()),
        outcome.error()));
  }

  /**
   * The ledger entry (from its commit on, a redelivery is a no-op) and the result at the same time,
   * and the ack only once both are done: the result does not wait for the ledger's disk flush. A
   * crash before the ledger's commit is the crash after the action and before the ack that a
   * redelivery covers in any case. If the ledger cannot be written, the result is out (sent, or in
   * the outbox) and the ack still ends the deliveries: without it, a redelivery would run the action
   * again. (The slot was freed when the action ended; delegations finishing here are bounded by the
   * consumer's max ack pending.)
   */
  private void finish(Message msg, Delegation d, DelegationResult result) {
    byte[] bytes = Codec.encode(result);
    CompletableFuture<Void> ledger = store.kvPutSoon(LEDGER, d.executionId(), bytes,
        clock.instant().plus(timings.ledgerRetention()));
    report(d.executionId(), bytes);
    try {
      ledger.get(LEDGER_WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return; // shutting down: not acked; the redelivery finds the ledger entry if it was committed
    } catch (ExecutionException | TimeoutException e) {
      LOG.error("runner '{}': delegation {} ran and its result is sent, but its ledger entry was not stored ({});"
          + " acknowledging it anyway, so that it is not run again", runner, d.executionId(),
          e instanceof ExecutionException x ? String.valueOf(x.getCause()) : "not committed within " + LEDGER_WRITE_TIMEOUT);
    }
    ack(msg, d);
  }

  /**
   * Until the ack, the ledger and the redelivery cover a crash: the outbox is needed only for a
   * result NATS does not take now (the ack that follows would end the redeliveries).
   */
  private void report(String executionId, byte[] result) {
    results.sendOrKeep(executionId, result);
  }

  private DelegationResult notRun(Delegation d, String actionType, String status, long now, String error) {
    return new DelegationResult(d.executionId(), runner, d.route(), d.action(), actionType, d.eventId(), status, 0, null,
        null, now, 0, null, error);
  }

  /** The route of a delegation the configuration no longer has (only its name is used). */
  private static CompiledRoute placeholderRoute(String name, ActionConfig action) {
    RouteConfig rc = new RouteConfig(name == null ? "" : name, null, List.of(), List.of(action.name()), null, false, null,
        RoutePlugins.NONE, SourceLocation.UNKNOWN);
    return new CompiledRoute(rc, null, null, List.of(action));
  }

  private static Map<String, Value> extra(Map<String, String> fields) {
    if (fields == null || fields.isEmpty()) return Map.of();
    Map<String, Value> out = new LinkedHashMap<>();
    fields.forEach((k, json) -> {
      if (json == null) return;
      try {
        out.put(k, Json.parse(json));
      } catch (Json.ParseException e) {
        out.put(k, StringValue.of(json));
      }
    });
    return out;
  }

  private static String excerpt(String output) {
    if (output == null || output.length() <= OUTPUT_EXCERPT_CHARS) return output;
    return "[" + (output.length() - OUTPUT_EXCERPT_CHARS) + " earlier characters omitted]\n"
        + output.substring(output.length() - OUTPUT_EXCERPT_CHARS);
  }

  private static long deliveries(Message msg) {
    try {
      return msg.metaData().deliveredCount();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** In-progress acks every interval until cancelled, so the consumer does not redeliver a long run. */
  private ScheduledFuture<?> keepAlive(Message msg) {
    long interval = progressInterval.toMillis();
    return ticker.scheduleAtFixedRate(() -> inProgress(msg), interval, interval, TimeUnit.MILLISECONDS);
  }

  private void inProgress(Message msg) {
    try {
      msg.inProgress();
    } catch (RuntimeException e) {
      LOG.debug("runner '{}': in-progress ack failed: {}", runner, e.toString());
    }
  }

  private void ack(Message msg, Delegation d) {
    try {
      msg.ack();
    } catch (RuntimeException e) {
      // the ledger makes the redelivery that follows a no-op
      LOG.info("runner '{}': acknowledging delegation {} failed ({}); its redelivery will only resend the result",
          runner, d.executionId(), e.toString());
    }
  }

  private void terminate(Message msg) {
    try {
      msg.term();
    } catch (RuntimeException e) {
      LOG.debug("runner '{}': terminating an unreadable delegation failed: {}", runner, e.toString());
    }
  }

  // ---------------------------------------------------------------- shutdown

  /**
   * Stops taking delegations and waits (up to the shutdown timeout) for those running; any still
   * running then is interrupted, not acknowledged, and redelivered after the next start.
   */
  @Override
  public void close() {
    closing = true;
    try {
      // one deadline for all: a fetcher waits in its fetch at most fetchWait (or for a slot)
      long deadline = System.nanoTime() + timings.fetchWait().plusSeconds(1).toNanos();
      for (Thread fetcher : fetchers) {
        fetcher.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      }
      for (Thread fetcher : fetchers) fetcher.interrupt();
      for (Thread fetcher : fetchers) fetcher.join(Duration.ofSeconds(5));
      handlers.shutdown();
      if (!handlers.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("runner '{}': {} delegation(s) still running after {}; stopping them (they are redelivered)", runner,
            inFlight.get(), shutdownTimeout);
        handlers.shutdownNow();
        handlers.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handlers.shutdownNow();
    }
    ticker.shutdownNow();
  }
}
