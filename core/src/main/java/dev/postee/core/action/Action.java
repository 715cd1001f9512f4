package dev.postee.core.action;

import java.time.Duration;

/**
 * One configured action (a Slack channel, a webhook, a script). Implementations do exactly one
 * attempt per call; timeouts, retries with backoff, metrics and the execution log are handled
 * once, by {@link Delivery}. Implementations must be thread-safe.
 */
public interface Action extends AutoCloseable {
  /** Used by action types that have no default of their own. */
  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  String name();

  String type();

  /** How long one attempt may take; {@link Delivery} sets each attempt's deadline from it. */
  default Duration timeout() {
    return DEFAULT_TIMEOUT;
  }

  /**
   * Performs one attempt. Must give up by {@code request.deadline()}; a network or process call
   * without its own timeout is a bug. Throwing is treated as a retryable failure.
   */
  ActionResult execute(ActionRequest request) throws Exception;

  @Override
  default void close() {}
}
