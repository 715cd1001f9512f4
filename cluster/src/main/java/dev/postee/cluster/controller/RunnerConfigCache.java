package dev.postee.cluster.controller;

import dev.postee.cluster.protocol.RunnerConfig;
import dev.postee.core.config.PosteeConfig;
import dev.postee.core.routing.CompiledConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Each runner's configuration for the controller's current configuration, built once per
 * configuration and runner (config requests every few seconds per runner, delegations that carry
 * the version) and dropped when the configuration is replaced.
 */
final class RunnerConfigCache {
  private record Generation(CompiledConfig config, Map<String, RunnerConfig> byRunner) {}

  private final Path templatesDir;
  private final Path filtersDir;
  private final Clock clock;
  private final AtomicReference<Generation> current = new AtomicReference<>();

  RunnerConfigCache(Path templatesDir, Path filtersDir, Clock clock) {
    this.templatesDir = templatesDir;
    this.filtersDir = filtersDir;
    this.clock = clock;
  }

  /** The runner's configuration; {@link RunnerConfig#error} says why when it cannot have one. */
  RunnerConfig forRunner(CompiledConfig config, String runner) {
    Generation g = current.get();
    if (g == null || g.config() != config) {
      Generation fresh = new Generation(config, new ConcurrentHashMap<>());
      g = current.compareAndSet(g, fresh) ? fresh : current.get();
      if (g.config() != config) g = fresh; // an older config raced with a newer one: build without caching
    }
    return g.byRunner().computeIfAbsent(runner, r -> build(config.config(), r));
  }

  private RunnerConfig build(PosteeConfig config, String runner) {
    long now = clock.millis();
    if (!config.runners().isEmpty() && config.runner(runner).isEmpty()) {
      String declared = config.runners().stream().map(r -> r.name()).collect(Collectors.joining(", "));
      return new RunnerConfig(runner, "", null, Map.of(), now, "runner '" + runner
          + "' is not declared in the controller's configuration (runners: " + declared
          + "); add it to 'runners:' there, or start this runner with one of those names");
    }
    try {
      return RunnerConfigs.forRunner(config, runner, templatesDir, filtersDir, now);
    } catch (RuntimeException e) {
      return new RunnerConfig(runner, "", null, Map.of(), now, "the controller cannot build the configuration of runner '"
          + runner + "': " + e.getMessage());
    }
  }
}
