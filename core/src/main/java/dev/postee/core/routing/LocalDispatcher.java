package dev.postee.core.routing;

import dev.postee.core.action.Action;
import dev.postee.core.action.ActionRequest;
import dev.postee.core.action.ActionResult;
import dev.postee.core.action.Delivery;
import dev.postee.core.action.DeliveryOutcome;
import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.action.ExecutionRecorder;
import dev.postee.core.action.RetryPolicy;
import dev.postee.core.config.RetryConfig;
import java.time.Clock;
import java.time.Duration;

/** Runs actions in this process through the shared {@link Delivery} path. */
public final class LocalDispatcher implements ActionDispatcher {
  private final Delivery delivery;
  private final ExecutionRecorder recorder;
  private final Clock clock;
  private final String where;

  /**
   * @param where what the execution log says about where actions ran ("standalone", "controller",
   *     or the runner's name)
   */
  public LocalDispatcher(Delivery delivery, ExecutionRecorder recorder, Clock clock, String where) {
    this.delivery = delivery;
    this.recorder = recorder;
    this.clock = clock;
    this.where = where;
  }

  public Delivery delivery() { return delivery; }

  /** The same delivery path and execution log, recording {@code otherWhere} (a runner records its name). */
  public LocalDispatcher withWhere(String otherWhere) {
    return new LocalDispatcher(delivery, recorder, clock, otherWhere);
  }

  @Override
  public DeliveryOutcome dispatch(Dispatch d) {
    Action action = d.config().action(d.action().name());
    if (action == null) {
      String why = d.config().unavailableReason(d.action().name());
      String error = why != null ? why : "action '" + d.action().name() + "' is not available";
      recorder.record(new ExecutionRecord(d.executionId(), d.route().name(), d.action().name(), d.action().type(),
          d.eventId(), where, 1, ActionResult.Outcome.FAILED, null, null, clock.instant(), Duration.ZERO, error, null));
      return new DeliveryOutcome(DeliveryOutcome.Status.FAILED, 1, ActionResult.failed(error), error);
    }
    ActionRequest request = new ActionRequest(d.executionId(), d.eventId(), d.route().name(), d.message(), d.event(), 1, null);
    return delivery.deliver(action, request, retryPolicy(d.action().retry()), where);
  }

  public static RetryPolicy retryPolicy(RetryConfig retry) {
    if (retry == null) return RetryPolicy.of(null, null, null);
    return RetryPolicy.of(retry.maxAttempts(), retry.initialDelay(), retry.maxDelay());
  }
}
