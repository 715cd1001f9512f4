package dev.postee.rego.builtins;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** A plain context: wall clock captured at construction, no limits. Useful for tests and tools. */
public class DefaultBuiltinContext implements BuiltinContext {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  private final long now = currentTimeNanos();
  private final boolean strict;
  private final Map<Object, Object> cache = new HashMap<>();
  private final Consumer<String> printer;

  public DefaultBuiltinContext() { this(true, System.err::println); }

  public DefaultBuiltinContext(boolean strict, Consumer<String> printer) {
    this.strict = strict;
    this.printer = printer;
  }

  public static long currentTimeNanos() {
    java.time.Instant i = java.time.Instant.now();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  public static HttpClient sharedHttpClient() { return HTTP; }

  @Override public long nowNanos() { return now; }
  @Override public boolean strictBuiltinErrors() { return strict; }
  @Override public Map<Object, Object> evaluationCache() { return cache; }
  @Override public void print(String line) { printer.accept(line); }
  @Override public HttpClient httpClient() { return HTTP; }
  @Override public Duration networkTimeout() { return Duration.ofSeconds(30); }
  @Override public void checkLimits() {}
}
