package dev.postee.cluster.controller;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the controller knows about one runner ({@code GET /api/runners}).
 *
 * @param state "online" (a heartbeat within the heartbeat timeout) or "offline" (none since, or never)
 * @param lastSeen when its last heartbeat arrived (controller's clock), or null when none ever did
 * @param version the runner's Postee version, from its heartbeat
 * @param labels its labels ({@code --runner-label k=v}; host=&lt;hostname&gt; by default)
 * @param webhookUrl where co-located producers post events to it, or null
 * @param configVersion the configuration version it runs ("" before it has one)
 * @param currentConfigVersion the version the controller would give it now (null when it cannot have one)
 * @param pending delegations waiting for it or being run by it (its consumer's pending plus
 *     unacknowledged), or null when not known (NATS unreachable, no consumer yet)
 * @param declared whether the controller's configuration names it (runners: or a static runs-on)
 */
public record RunnerStatus(
    String name,
    String state,
    Instant lastSeen,
    String version,
    Map<String, String> labels,
    String hostname,
    String webhookUrl,
    String configVersion,
    String currentConfigVersion,
    Instant startedAt,
    Long pending,
    boolean declared) {

  public RunnerStatus {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public boolean online() {
    return "online".equals(state);
  }

  /** Plain JSON-ready values (timestamps as ISO-8601 text), keys in snake_case as the HTTP API uses. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("state", state);
    m.put("last_seen", lastSeen == null ? null : lastSeen.toString());
    m.put("version", version);
    m.put("labels", labels);
    m.put("hostname", hostname);
    m.put("webhook_url", webhookUrl);
    m.put("config_version", configVersion);
    m.put("config_current", currentConfigVersion != null && currentConfigVersion.equals(configVersion));
    m.put("started_at", startedAt == null ? null : startedAt.toString());
    m.put("pending", pending);
    m.put("declared", declared);
    return m;
  }
}
