package dev.postee.rego.builtins;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;

/** Per-evaluation services available to builtins. One instance per query evaluation. */
public interface BuiltinContext {
  /** The current time, fixed for the whole evaluation (time.now_ns is stable within a query). */
  long nowNanos();

  /** Whether builtin errors abort the evaluation (strict) or make the call undefined. */
  boolean strictBuiltinErrors();

  /**
   * A cache that lives for one evaluation, for builtins whose result must be stable within a query
   * (rand.intn, uuid.rfc4122) or that are expensive (compiled regexes are cached globally).
   */
  Map<Object, Object> evaluationCache();

  /** Output of print(); one line per call. */
  void print(String line);

  /** Shared HTTP client for http.send (TLS certificates verified). */
  HttpClient httpClient();

  /** Upper bound for any network call made by a builtin. */
  Duration networkTimeout();

  /** Throws when the evaluation has exceeded its time or step budget; call it in long loops. */
  void checkLimits();
}
