package dev.postee.core.config;

import java.time.Duration;

/**
 * An action's retry policy as written. A null field means "not written": the delivery layer
 * chooses the default.
 *
 * @param maxAttempts attempts in total, first one included ({@code max-attempts})
 * @param initialDelay delay before the first retry ({@code retry-initial-delay})
 * @param maxDelay cap of the exponential backoff ({@code retry-max-delay})
 */
public record RetryConfig(Integer maxAttempts, Duration initialDelay, Duration maxDelay) {
  public static final RetryConfig DEFAULTS = new RetryConfig(null, null, null);
}
