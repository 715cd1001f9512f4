package dev.postee.core.action;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single place for delivery concerns: per-attempt deadlines, retries with backoff, Retry-After,
 * the execution log (one {@link ExecutionRecord} per attempt), and stopping on interruption or
 * shutdown. Actions only perform single attempts.
 *
 * <p>{@link #deliver} blocks the calling thread (callers run deliveries on virtual threads); it
 * never busy-waits. Each attempt runs on a virtual thread of its own under a watchdog, so an
 * action that ignores its deadline is abandoned {@link #WATCHDOG_GRACE} after it, not waited for.
 */
public final class Delivery {
  /**
   * How long past its deadline an attempt may run before the watchdog abandons it: room for an
   * action to wind down (the exec action kills a script and collects its output in about 2 s).
   */
  static final Duration WATCHDOG_GRACE = Duration.ofSeconds(5);
  /** Defensive bound for records of actions that do not bound their own output. */
  static final int RECORDED_TEXT_LIMIT = 80_000;

  private static final Logger log = LoggerFactory.getLogger(Delivery.class);

  private final ExecutionRecorder recorder;
  private final Clock clock;
  private final RandomGenerator random;
  private final CountDownLatch shutdown = new CountDownLatch(1);

  public Delivery(ExecutionRecorder recorder, Clock clock) {
    this(recorder, clock, () -> ThreadLocalRandom.current().nextLong());
  }

  /** With a chosen source of backoff jitter; it must be safe to use from several threads. */
  public Delivery(ExecutionRecorder recorder, Clock clock, RandomGenerator jitter) {
    this.recorder = Objects.requireNonNull(recorder, "recorder");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(jitter, "jitter");
  }

  /**
   * Stops every delivery from retrying: waits between attempts end at once and report
   * {@link DeliveryOutcome.Status#INTERRUPTED}; attempts in progress finish (they are bounded by
   * their deadlines) and are not retried.
   */
  public void shutdown() {
    shutdown.countDown();
  }

  public boolean isShutDown() {
    return shutdown.getCount() == 0;
  }

  /**
   * Runs attempts of {@code action} until one succeeds, one fails permanently, the policy's attempts
   * are used up, or the thread is interrupted / the service shut down (then the interrupt flag is
   * left set and the outcome is {@link DeliveryOutcome.Status#INTERRUPTED}).
   *
   * @param template the request; its {@code attempt} and {@code deadline} are set for each attempt
   * @param where "standalone", "controller" or the runner's name, for the execution log
   */
  public DeliveryOutcome deliver(Action action, ActionRequest template, RetryPolicy policy, String where) {
    ActionResult last = null;
    int attempt = 0;
    while (true) {
      if (Thread.currentThread().isInterrupted()) return stopped(action, template, attempt, last, "interrupted");
      if (isShutDown()) return stopped(action, template, attempt, last, "the delivery service is shutting down");
      attempt++;
      Instant startedAt = clock.instant();
      long startNanos = System.nanoTime();
      ActionRequest request = new ActionRequest(template.executionId(), template.eventId(), template.route(),
          template.message(), template.event(), attempt, startedAt.plus(action.timeout()));
      boolean interrupted = false;
      ActionResult result;
      try {
        result = attempt(action, request);
      } catch (InterruptedException e) {
        interrupted = true;
        result = ActionResult.retry("interrupted before the attempt finished");
      }
      Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
      last = result;

      boolean transientFailure = result.outcome() == ActionResult.Outcome.RETRY;
      boolean stopping = interrupted || isShutDown();
      boolean retry = transientFailure && !stopping && attempt < policy.maxAttempts();
      ActionResult.Outcome recorded = result.outcome();
      String error = result.error();
      if (transientFailure && !retry && !stopping) {
        // Out of attempts: this transient failure is final. When stopping, it stays RETRY: the
        // work is redelivered later.
        recorded = ActionResult.Outcome.FAILED;
        error = error + "; giving up after " + attempt + (attempt == 1 ? " attempt" : " attempts");
      }
      record(new ExecutionRecord(template.executionId(), template.route(), action.name(), action.type(),
          template.eventId(), where, attempt, recorded, result.httpStatus(), result.exitCode(), startedAt, took,
          bound(error), bound(result.output())));
      logAttempt(action, template, attempt, recorded, error);

      if (interrupted) {
        Thread.currentThread().interrupt();
        return stopped(action, template, attempt, result, "interrupted during attempt " + attempt);
      }
      switch (result.outcome()) {
        case OK -> { return new DeliveryOutcome(DeliveryOutcome.Status.DELIVERED, attempt, result, null); }
        case FAILED -> { return new DeliveryOutcome(DeliveryOutcome.Status.FAILED, attempt, result, error); }
        case RETRY -> {
          if (isShutDown()) return stopped(action, template, attempt, result, "the delivery service is shutting down");
          if (!retry) return new DeliveryOutcome(DeliveryOutcome.Status.EXHAUSTED, attempt, result, error);
        }
      }
      Duration delay = policy.delayBefore(attempt + 1, result.retryAfter(), random);
      try {
        if (shutdown.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
          return stopped(action, template, attempt, result, "the delivery service is shutting down");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return stopped(action, template, attempt, result, "interrupted while waiting to retry");
      }
    }
  }

  /** One attempt on its own virtual thread, abandoned if it overruns its deadline by the grace. */
  private ActionResult attempt(Action action, ActionRequest request) throws InterruptedException {
    FutureTask<ActionResult> task = new FutureTask<>(() -> action.execute(request));
    Thread.ofVirtual().name("action-" + action.name() + "-attempt-" + request.attempt()).start(task);
    Duration limit = Duration.between(clock.instant(), request.deadline()).plus(WATCHDOG_GRACE);
    try {
      ActionResult result = task.get(Math.max(0, limit.toNanos()), TimeUnit.NANOSECONDS);
      if (result == null) {
        log.error("action \"{}\" ({}) returned no result: a bug in the action", action.name(), action.type());
        return ActionResult.retry("the action returned no result");
      }
      return result;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Error error) throw error;
      if (cause instanceof InterruptedException) throw new InterruptedException("action was interrupted");
      // Actions report expected failures as results; an exception is a bug worth a stack trace.
      log.warn("action \"{}\" ({}) threw on attempt {}", action.name(), action.type(), request.attempt(), cause);
      return ActionResult.retry(Messages.describe(cause));
    } catch (TimeoutException e) {
      task.cancel(true);
      log.warn("action \"{}\" ({}) overran its deadline on attempt {} and was abandoned (a bug in the action)",
          action.name(), action.type(), request.attempt());
      return ActionResult.retry("the attempt did not finish within the action's timeout ("
          + Messages.duration(action.timeout()) + ") and was abandoned");
    } catch (InterruptedException e) {
      task.cancel(true);
      throw e;
    }
  }

  private DeliveryOutcome stopped(Action action, ActionRequest template, int attempts, ActionResult last, String why) {
    log.info("delivery of action \"{}\" for route \"{}\", event {} stopped after {} attempt(s): {}",
        action.name(), template.route(), template.eventId(), attempts, why);
    return new DeliveryOutcome(DeliveryOutcome.Status.INTERRUPTED, attempts, last, why);
  }

  private void record(ExecutionRecord record) {
    try {
      recorder.record(record);
    } catch (RuntimeException e) {
      // The execution log must not decide whether an action is delivered.
      log.error("could not record attempt {} of action \"{}\" for event {}", record.attempt(), record.action(),
          record.eventId(), e);
    }
  }

  private static void logAttempt(Action action, ActionRequest template, int attempt, ActionResult.Outcome outcome,
      String error) {
    if (outcome == ActionResult.Outcome.OK) {
      log.debug("action \"{}\" ({}) delivered route \"{}\" event {} on attempt {}", action.name(), action.type(),
          template.route(), template.eventId(), attempt);
    } else {
      log.warn("action \"{}\" ({}) route \"{}\" event {} attempt {}: {} {}", action.name(), action.type(),
          template.route(), template.eventId(), attempt, outcome, error);
    }
  }

  private static String bound(String text) {
    if (text == null || text.length() <= RECORDED_TEXT_LIMIT) return text;
    return "[" + (text.length() - RECORDED_TEXT_LIMIT) + " earlier characters omitted]\n"
        + text.substring(text.length() - RECORDED_TEXT_LIMIT);
  }
}
