package dev.postee.core.action;

/**
 * One configured action (a Slack channel, a webhook, a script). Implementations do exactly one
 * attempt per call; timeouts, retries with backoff, metrics and the execution log are handled
 * once, by {@link Delivery}. Implementations must be thread-safe.
 */
public interface Action extends AutoCloseable {
  String name();

  String type();

  /**
   * Performs one attempt. Must give up by {@code request.deadline()}; a network or process call
   * without its own timeout is a bug. Throwing is treated as a retryable failure.
   */
  ActionResult execute(ActionRequest request) throws Exception;

  @Override
  default void close() {}
}
