package dev.postee.core.config;

import java.time.Duration;

/**
 * An action (SPEC §8): the common fields, plus the type-specific ones in {@link #settings()}.
 *
 * @param type lower-case type name, one of {@link ActionTypes#names()}
 * @param enabled {@code enable: true}; disabled actions are never run
 * @param runsOn runner name or {@code event.input.} selector, or null (the route's, else local)
 * @param timeout per-attempt timeout, or null for the delivery layer's default
 * @param settings the type-specific fields, validated against {@link ActionTypes#get(String)}
 */
public record ActionConfig(
    String name,
    String type,
    boolean enabled,
    String runsOn,
    Duration timeout,
    RetryConfig retry,
    Settings settings,
    SourceLocation location) {}
