package dev.postee.core.action;

/**
 * How a delivery ended.
 *
 * @param status the end state
 * @param attempts attempts made (0 when stopped before the first)
 * @param lastResult the last attempt's result, or null when no attempt finished
 * @param error why it did not succeed, for logs and callers; null when delivered
 */
public record DeliveryOutcome(Status status, int attempts, ActionResult lastResult, String error) {

  public enum Status {
    /** An attempt succeeded. */
    DELIVERED,
    /** An attempt failed permanently; retrying would not help. */
    FAILED,
    /** Every attempt the policy allows failed transiently. */
    EXHAUSTED,
    /** Stopped by interruption or shutdown before an outcome; the work may be delivered again later. */
    INTERRUPTED,
    /** Handed over durably to a runner; its outcome is recorded when the runner reports it. */
    DELEGATED,
    /** Not run here: the runner that reported the event already ran it (runner-local flow). */
    SKIPPED
  }

  public boolean delivered() {
    return status == Status.DELIVERED;
  }
}
