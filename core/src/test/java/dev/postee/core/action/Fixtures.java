package dev.postee.core.action;

import dev.postee.core.template.RenderedMessage;
import dev.postee.rego.value.Value;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

final class Fixtures {
  private Fixtures() {}

  static ActionSpec spec(String name, String type, Duration timeout, Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
    return new ActionSpec(name, type, new MapSettings(m), timeout);
  }

  static ActionRequest request(String title, String result, Value event, Duration timeout) {
    return new ActionRequest("exec-1", "event-1", "route-1", new RenderedMessage(title, result, null, Map.of()),
        event, 1, Instant.now().plus(timeout));
  }

  /** A request as an action receives it from Delivery: deadline = now + the action's timeout. */
  static ActionRequest request(Action action, String result, Value event) {
    return request("Title", result, event, action.timeout());
  }

  /** Jitter that always picks the longest allowed delay, so backoff can be checked from below too. */
  static RandomGenerator longestJitter() {
    return new RandomGenerator() {
      @Override public long nextLong() { return Long.MAX_VALUE; }

      @Override public long nextLong(long bound) { return bound - 1; }
    };
  }

  /** Jitter that always picks no delay. */
  static RandomGenerator noJitter() {
    return new RandomGenerator() {
      @Override public long nextLong() { return 0; }

      @Override public long nextLong(long bound) { return 0; }
    };
  }
}
