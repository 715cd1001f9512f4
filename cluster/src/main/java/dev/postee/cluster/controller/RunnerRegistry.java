package dev.postee.cluster.controller;

import dev.postee.cluster.protocol.Heartbeat;
import dev.postee.core.config.PosteeConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The runners this controller has heard of: by heartbeat, by asking for their configuration, or by
 * being named in the configuration. Online means a heartbeat within the heartbeat timeout.
 */
final class RunnerRegistry {
  private record Seen(Heartbeat heartbeat, Instant at) {}

  private final Clock clock;
  private final Duration timeout;
  private final Map<String, Seen> heartbeats = new ConcurrentHashMap<>();
  private final Set<String> asked = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> pending = new ConcurrentHashMap<>();

  RunnerRegistry(Clock clock, Duration timeout) {
    this.clock = clock;
    this.timeout = timeout;
  }

  void heartbeat(Heartbeat hb) {
    heartbeats.put(hb.runner(), new Seen(hb, clock.instant()));
  }

  void askedForConfig(String runner) {
    asked.add(runner);
  }

  void pending(String runner, Long n) {
    if (n == null) pending.remove(runner);
    else pending.put(runner, n);
  }

  /** Every runner to push configurations to and to watch: heard of, or named by the configuration. */
  Set<String> known(PosteeConfig config) {
    Set<String> out = new LinkedHashSet<>(RunnerConfigs.namedRunners(config));
    out.addAll(heartbeats.keySet());
    out.addAll(asked);
    return out;
  }

  boolean online(String runner) {
    Seen s = heartbeats.get(runner);
    return s != null && Duration.between(s.at(), clock.instant()).compareTo(timeout) < 0;
  }

  /** By name. */
  List<RunnerStatus> snapshot(PosteeConfig config, Function<String, String> currentVersion) {
    Set<String> named = RunnerConfigs.namedRunners(config);
    List<RunnerStatus> out = new ArrayList<>();
    for (String name : known(config)) {
      Seen s = heartbeats.get(name);
      Heartbeat hb = s == null ? null : s.heartbeat();
      out.add(new RunnerStatus(name, online(name) ? "online" : "offline", s == null ? null : s.at(),
          hb == null ? null : hb.version(), hb == null ? Map.of() : hb.labels(), hb == null ? null : hb.hostname(),
          hb == null ? null : hb.webhookUrl(), hb == null ? null : hb.configVersion(), currentVersion.apply(name),
          hb == null || hb.startedAtMillis() <= 0 ? null : Instant.ofEpochMilli(hb.startedAtMillis()), pending.get(name),
          named.contains(name)));
    }
    out.sort(Comparator.comparing(RunnerStatus::name));
    return out;
  }
}
