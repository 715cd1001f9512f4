package dev.postee.rego.eval;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Per-evaluation settings. Limits end a runaway evaluation with a clear error instead of hanging
 * or exhausting the heap.
 *
 * @param strictBuiltinErrors builtin errors abort the evaluation instead of making the call undefined
 * @param timeout wall-clock budget for one evaluation (null = none)
 * @param maxSteps budget of evaluated expressions (0 = unlimited)
 * @param maxCollectionSize largest array/set/object a comprehension or rule may build (0 = unlimited)
 * @param printer receives print() output lines (null = discard)
 * @param nowNanos fixed time for time.now_ns (null = the wall clock when the evaluation starts)
 */
public record EvalOptions(
    boolean strictBuiltinErrors,
    Duration timeout,
    long maxSteps,
    int maxCollectionSize,
    Consumer<String> printer,
    Long nowNanos) {

  public static final EvalOptions DEFAULT = new EvalOptions(false, Duration.ofSeconds(10), 50_000_000L, 5_000_000, null, null);

  public EvalOptions withStrict(boolean strict) {
    return new EvalOptions(strict, timeout, maxSteps, maxCollectionSize, printer, nowNanos);
  }

  public EvalOptions withTimeout(Duration t) {
    return new EvalOptions(strictBuiltinErrors, t, maxSteps, maxCollectionSize, printer, nowNanos);
  }

  public EvalOptions withMaxSteps(long steps) {
    return new EvalOptions(strictBuiltinErrors, timeout, steps, maxCollectionSize, printer, nowNanos);
  }

  public EvalOptions withMaxCollectionSize(int n) {
    return new EvalOptions(strictBuiltinErrors, timeout, maxSteps, n, printer, nowNanos);
  }

  public EvalOptions withPrinter(Consumer<String> p) {
    return new EvalOptions(strictBuiltinErrors, timeout, maxSteps, maxCollectionSize, p, nowNanos);
  }

  public EvalOptions withNow(Long now) {
    return new EvalOptions(strictBuiltinErrors, timeout, maxSteps, maxCollectionSize, printer, now);
  }
}
