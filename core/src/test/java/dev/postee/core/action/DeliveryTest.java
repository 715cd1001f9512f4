package dev.postee.core.action;

import static dev.postee.core.action.Fixtures.request;
import static dev.postee.core.action.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.postee.core.action.TestServer.Reply;
import dev.postee.core.template.RenderedMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryTest {
  private static final RetryPolicy QUICK = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5));
  private static final RetryPolicy PATIENT = new RetryPolicy(5, Duration.ofSeconds(30), Duration.ofSeconds(60));

  @TempDir Path work;
  private final List<ExecutionRecord> records = new CopyOnWriteArrayList<>();
  private final Delivery delivery = new Delivery(records::add, Clock.systemUTC(), Fixtures.longestJitter());

  /** An action that answers from a script of results (the last repeats) and remembers its requests. */
  private static class Scripted implements Action {
    private final Deque<Object> script;
    private final Duration timeout;
    final List<ActionRequest> requests = new CopyOnWriteArrayList<>();

    Scripted(Duration timeout, Object... script) {
      this.timeout = timeout;
      this.script = new ArrayDeque<>(List.of(script));
    }

    @Override public String name() { return "scripted"; }

    @Override public String type() { return "test"; }

    @Override public Duration timeout() { return timeout; }

    @Override
    public synchronized ActionResult execute(ActionRequest request) throws Exception {
      requests.add(request);
      Object next = script.size() > 1 ? script.pollFirst() : script.peekFirst();
      if (next instanceof Exception e) throw e;
      return (ActionResult) next;
    }
  }

  private static ActionRequest template() {
    return new ActionRequest("exec-42", "event-7", "critical-vulns",
        new RenderedMessage("T", "R", null, Map.of()), null, 0, Instant.EPOCH);
  }

  @Test
  void recordsOneExecutionRecordPerAttemptWithItsDetails() throws IOException {
    try (TestServer server = new TestServer();
         ActionEnvironment env = new ActionEnvironment(ActionEnvironment.newHttpClient(), work, Clock.systemUTC(), System.out)) {
      server.replies(Reply.status(502, "upstream down"), Reply.status(200, "ok"));
      WebhookAction action = new WebhookAction(spec("hook", "webhook", null, "url", server.uri("/").toString()), env);
      Instant before = Instant.now();

      DeliveryOutcome outcome = delivery.deliver(action, template(), QUICK, "runner-a");

      assertThat(outcome).isEqualTo(new DeliveryOutcome(DeliveryOutcome.Status.DELIVERED, 2, outcome.lastResult(), null));
      assertThat(records).hasSize(2);
      ExecutionRecord first = records.get(0);
      ExecutionRecord second = records.get(1);
      for (ExecutionRecord r : records) {
        assertThat(r.executionId()).isEqualTo("exec-42");
        assertThat(r.route()).isEqualTo("critical-vulns");
        assertThat(r.action()).isEqualTo("hook");
        assertThat(r.actionType()).isEqualTo("webhook");
        assertThat(r.eventId()).isEqualTo("event-7");
        assertThat(r.where()).isEqualTo("runner-a");
        assertThat(r.exitCode()).isNull();
        assertThat(r.startedAt()).isAfterOrEqualTo(before.minusMillis(5));
        assertThat(r.duration()).isPositive().isLessThan(Duration.ofSeconds(10));
      }
      assertThat(first.attempt()).isEqualTo(1);
      assertThat(first.outcome()).isEqualTo(ActionResult.Outcome.RETRY);
      assertThat(first.httpStatus()).isEqualTo(502);
      assertThat(first.error()).contains("HTTP 502");
      assertThat(first.output()).isEqualTo("upstream down");
      assertThat(second.attempt()).isEqualTo(2);
      assertThat(second.outcome()).isEqualTo(ActionResult.Outcome.OK);
      assertThat(second.httpStatus()).isEqualTo(200);
      assertThat(second.error()).isNull();
      assertThat(second.startedAt()).isAfter(first.startedAt());
    }
  }

  @Test
  void eachAttemptGetsItsNumberAndADeadlineOneTimeoutAhead() {
    Scripted action = new Scripted(Duration.ofSeconds(30), ActionResult.retry("busy"), ActionResult.ok(null));
    Instant before = Instant.now();

    delivery.deliver(action, template(), QUICK, "standalone");

    assertThat(action.requests).extracting(ActionRequest::attempt).containsExactly(1, 2);
    for (ActionRequest r : action.requests) {
      assertThat(r.executionId()).isEqualTo("exec-42");
      assertThat(r.deadline()).isBetween(before.plusSeconds(30), Instant.now().plusSeconds(30));
    }
  }

  @Test
  void transientFailuresUpToTheLastAttemptEndExhaustedWithTheLastRecordedAsFailed() {
    Scripted action = new Scripted(Duration.ofSeconds(5), ActionResult.retry("HTTP 503"));

    DeliveryOutcome outcome = delivery.deliver(action, template(), QUICK, "standalone");

    assertThat(outcome.status()).isEqualTo(DeliveryOutcome.Status.EXHAUSTED);
    assertThat(outcome.attempts()).isEqualTo(3);
    assertThat(outcome.error()).isEqualTo("HTTP 503; giving up after 3 attempts");
    assertThat(records).extracting(ExecutionRecord::outcome).containsExactly(
        ActionResult.Outcome.RETRY, ActionResult.Outcome.RETRY, ActionResult.Outcome.FAILED);
  }

  @Test
  void permanentFailureIsNotRetried() {
    Scripted action = new Scripted(Duration.ofSeconds(5), ActionResult.failed("HTTP 401"));

    DeliveryOutcome outcome = delivery.deliver(action, template(), QUICK, "standalone");

    assertThat(outcome.status()).isEqualTo(DeliveryOutcome.Status.FAILED);
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(records).singleElement().extracting(ExecutionRecord::outcome).isEqualTo(ActionResult.Outcome.FAILED);
  }

  @Test
  void exceptionsAreRetryableFailuresWithTheirMessageRecorded() {
    Scripted action = new Scripted(Duration.ofSeconds(5), new IllegalStateException("token cache corrupt"), ActionResult.ok("fine"));

    DeliveryOutcome outcome = delivery.deliver(action, template(), QUICK, "standalone");

    assertThat(outcome.delivered()).isTrue();
    assertThat(records.getFirst().outcome()).isEqualTo(ActionResult.Outcome.RETRY);
    assertThat(records.getFirst().error()).isEqualTo("IllegalStateException: token cache corrupt");
    assertThat(records.get(1).output()).isEqualTo("fine");
  }

  @Test
  void failingRecorderDoesNotFailTheDelivery() {
    Delivery withBrokenLog = new Delivery(r -> { throw new IllegalStateException("disk full"); }, Clock.systemUTC());

    DeliveryOutcome outcome = withBrokenLog.deliver(new Scripted(Duration.ofSeconds(5), ActionResult.ok(null)), template(),
        QUICK, "standalone");

    assertThat(outcome.delivered()).isTrue();
  }

  @Test
  void interruptionWhileWaitingToRetryStopsPromptly() throws Exception {
    Scripted action = new Scripted(Duration.ofSeconds(5), ActionResult.retry("HTTP 500"));
    AtomicReference<DeliveryOutcome> outcome = new AtomicReference<>();
    AtomicReference<Boolean> flagKept = new AtomicReference<>();
    Thread caller = Thread.ofVirtual().start(() -> {
      outcome.set(delivery.deliver(action, template(), PATIENT, "standalone"));
      flagKept.set(Thread.currentThread().isInterrupted());
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> records.size() == 1);

    long start = System.nanoTime();
    caller.interrupt();

    assertThat(caller.join(Duration.ofSeconds(5))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(outcome.get().status()).isEqualTo(DeliveryOutcome.Status.INTERRUPTED);
    assertThat(outcome.get().attempts()).isEqualTo(1);
    assertThat(outcome.get().error()).contains("interrupted while waiting to retry");
    assertThat(flagKept.get()).isTrue();
    assertThat(records).hasSize(1);
  }

  @Test
  void interruptionDuringAnAttemptStopsItAndRecordsIt() throws Exception {
    CountDownLatch neverReleased = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    Scripted blocking = new Scripted(Duration.ofSeconds(60)) {
      @Override
      public ActionResult execute(ActionRequest request) throws InterruptedException {
        started.countDown();
        neverReleased.await();
        return ActionResult.ok(null);
      }
    };
    AtomicReference<DeliveryOutcome> outcome = new AtomicReference<>();
    Thread caller = Thread.ofVirtual().start(() -> outcome.set(delivery.deliver(blocking, template(), PATIENT, "standalone")));
    await().atMost(Duration.ofSeconds(10)).until(() -> started.getCount() == 0);

    caller.interrupt();

    assertThat(caller.join(Duration.ofSeconds(5))).isTrue();
    assertThat(outcome.get().status()).isEqualTo(DeliveryOutcome.Status.INTERRUPTED);
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.outcome()).isEqualTo(ActionResult.Outcome.RETRY);
      assertThat(r.error()).contains("interrupted");
    });
  }

  @Test
  void shutdownWakesWaitingDeliveriesAndStopsNewOnes() throws Exception {
    Scripted action = new Scripted(Duration.ofSeconds(5), ActionResult.retry("HTTP 500"));
    AtomicReference<DeliveryOutcome> outcome = new AtomicReference<>();
    Thread caller = Thread.ofVirtual().start(() -> outcome.set(delivery.deliver(action, template(), PATIENT, "standalone")));
    await().atMost(Duration.ofSeconds(10)).until(() -> records.size() == 1);

    delivery.shutdown();

    assertThat(caller.join(Duration.ofSeconds(5))).isTrue();
    assertThat(outcome.get().status()).isEqualTo(DeliveryOutcome.Status.INTERRUPTED);
    assertThat(outcome.get().error()).contains("shutting down");
    DeliveryOutcome afterwards = delivery.deliver(action, template(), PATIENT, "standalone");
    assertThat(afterwards.status()).isEqualTo(DeliveryOutcome.Status.INTERRUPTED);
    assertThat(afterwards.attempts()).isZero();
    assertThat(action.requests).hasSize(1);
  }

  @Test
  void actionIgnoringItsDeadlineIsAbandonedByTheWatchdog() {
    CountDownLatch release = new CountDownLatch(1);
    Scripted stubborn = new Scripted(Duration.ofMillis(100)) {
      @Override
      public ActionResult execute(ActionRequest request) {
        while (release.getCount() > 0) {
          try {
            release.await();
          } catch (InterruptedException ignoredOnPurpose) {
            // This action misbehaves: it ignores interruption and its deadline.
          }
        }
        return ActionResult.ok(null);
      }
    };
    try {
      long start = System.nanoTime();

      DeliveryOutcome outcome = delivery.deliver(stubborn, template(), new RetryPolicy(1, Duration.ZERO, Duration.ZERO), "standalone");

      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(outcome.status()).isEqualTo(DeliveryOutcome.Status.EXHAUSTED);
      assertThat(outcome.error()).contains("abandoned");
      assertThat(took).isGreaterThanOrEqualTo(Delivery.WATCHDOG_GRACE).isLessThan(Delivery.WATCHDOG_GRACE.plusSeconds(5));
    } finally {
      release.countDown();
    }
  }

  @Test
  void alreadyInterruptedCallerMakesNoAttempt() {
    Scripted action = new Scripted(Duration.ofSeconds(5), ActionResult.ok(null));
    Thread.currentThread().interrupt();
    try {
      DeliveryOutcome outcome = delivery.deliver(action, template(), QUICK, "standalone");

      assertThat(outcome.status()).isEqualTo(DeliveryOutcome.Status.INTERRUPTED);
      assertThat(action.requests).isEmpty();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void realExecActionDeliveredThroughDeliveryRecordsTheExitCode() {
    try (ActionEnvironment env = new ActionEnvironment(ActionEnvironment.newHttpClient(), work, Clock.systemUTC(), System.out)) {
      ExecAction action = new ExecAction(spec("script", "exec", null, "exec-script", "echo oops; exit 4"), env);

      DeliveryOutcome outcome = delivery.deliver(action, request(action, "m", null), QUICK, "controller");

      assertThat(outcome.status()).isEqualTo(DeliveryOutcome.Status.FAILED);
      assertThat(records).singleElement().satisfies(r -> {
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.output()).isEqualTo("oops\n");
        assertThat(r.actionType()).isEqualTo("exec");
        assertThat(r.where()).isEqualTo("controller");
      });
    }
  }
}
