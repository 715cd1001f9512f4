package dev.postee.cluster.protocol;

import java.util.Map;

/**
 * A runner's liveness signal and registration (every few seconds on {@link Subjects#heartbeat}).
 *
 * @param webhookUrl where co-located producers can post events to this runner, or null
 * @param configVersion version of the configuration the runner runs ("" before it has one)
 */
public record Heartbeat(
    String runner,
    String version,
    Map<String, String> labels,
    String hostname,
    long startedAtMillis,
    long sentAtMillis,
    String webhookUrl,
    String configVersion) {}
