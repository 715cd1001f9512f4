package dev.postee.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A runner declared in the top-level {@code runners:} list. When a config declares runners, every
 * {@code runs-on} must name one of them (or be an {@code event.input.} selector).
 *
 * @param name the name the runner registers with ({@code --runner-name})
 * @param labels labels to select runners by
 * @param nkey the runner's public user NKey (starts with U), or null when not pinned
 */
public record RunnerConfig(String name, Map<String, String> labels, String nkey, SourceLocation location) {
  /** A {@code runs-on} starting with this picks the runner from the event at dispatch time. */
  public static final String EVENT_SELECTOR_PREFIX = "event.input.";

  public RunnerConfig {
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
  }

  /** True when {@code runsOn} is resolved from the event (e.g. {@code event.input.Context.hostName}). */
  public static boolean isEventSelector(String runsOn) {
    return runsOn != null && runsOn.startsWith(EVENT_SELECTOR_PREFIX);
  }
}
