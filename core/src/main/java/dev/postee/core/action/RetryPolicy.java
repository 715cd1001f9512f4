package dev.postee.core.action;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often and how patiently {@link Delivery} retries transient failures: exponential backoff
 * with full jitter (the delay before retry n is uniform in [0, min(maxDelay, initialDelay * 2^(n-1))]),
 * or the delay the remote asked for with Retry-After, capped by {@code maxDelay}.
 *
 * @param maxAttempts attempts in total, the first one included (1 = no retries)
 * @param initialDelay the backoff ceiling before the first retry
 * @param maxDelay the largest delay between two attempts
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(60);
  public static final RetryPolicy DEFAULT = new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY);

  public RetryPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    if (initialDelay.isNegative()) throw new IllegalArgumentException("initialDelay must not be negative");
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("maxDelay (" + maxDelay + ") must not be shorter than initialDelay (" + initialDelay + ")");
    }
  }

  /**
   * A policy from optional settings; each null takes its default. A default maximum delay grows to
   * an explicitly longer initial delay rather than rejecting it.
   */
  public static RetryPolicy of(Integer maxAttempts, Duration initialDelay, Duration maxDelay) {
    Duration initial = initialDelay == null ? DEFAULT_INITIAL_DELAY : initialDelay;
    Duration max = maxDelay != null ? maxDelay
        : initial.compareTo(DEFAULT_MAX_DELAY) > 0 ? initial : DEFAULT_MAX_DELAY;
    return new RetryPolicy(maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : maxAttempts, initial, max);
  }

  /**
   * The wait before attempt {@code nextAttempt} (2 for the first retry).
   *
   * @param retryAfter what the remote asked for, or null
   */
  public Duration delayBefore(int nextAttempt, Duration retryAfter, RandomGenerator random) {
    if (retryAfter != null) {
      if (retryAfter.isNegative()) return Duration.ZERO;
      return retryAfter.compareTo(maxDelay) > 0 ? maxDelay : retryAfter;
    }
    long ceiling = ceilingNanos(nextAttempt - 1);
    return ceiling == 0 ? Duration.ZERO : Duration.ofNanos(random.nextLong(ceiling + 1));
  }

  /** min(maxDelay, initialDelay * 2^(retry-1)) in nanoseconds, without overflow. */
  private long ceilingNanos(int retry) {
    long max = saturatedNanos(maxDelay);
    long value = saturatedNanos(initialDelay);
    for (int i = 1; i < retry && value < max; i++) {
      value = value > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : value * 2;
    }
    return Math.min(value, max);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}
