package dev.postee.cluster.controller;

import dev.postee.cluster.nats.NatsAuth;
import dev.postee.core.config.PosteeConfig;
import dev.postee.core.config.RunnerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The NKey users the controller's own nats-server accepts, from the controller's key and the
 * configuration: with no runner declaring an {@code nkey}, Go Postee's model (one shared seed, every
 * permission); once runners declare theirs ({@code runners: [{name, nkey: U...}]}), each runner key
 * may only use its own subjects ({@link NatsAuth#runnerPermissions}), so runner A can neither read
 * B's configuration nor take B's work. Go Postee runners' keys get {@code postee.config} and
 * {@code postee.events} only — and since the legacy subjects are not among a runner's own, a runner
 * with a per-runner key cannot use them.
 */
public final class RunnerAuthorization {
  private RunnerAuthorization() {}

  /**
   * @param controllerKey the controller's public user key ({@code --controller-seed-file}); null = no NKey
   *     authentication
   * @param legacyRunnerKeys public keys of unmodified Go Postee runners (per-runner mode only)
   */
  public static NatsAuth.Authorization forConfig(PosteeConfig config, String controllerKey, List<String> legacyRunnerKeys) {
    if (controllerKey == null) return NatsAuth.Authorization.NONE;
    Map<String, String> runnerKeys = new LinkedHashMap<>();
    for (RunnerConfig r : config.runners()) {
      if (r.nkey() != null && !r.nkey().isBlank()) runnerKeys.put(r.name(), r.nkey().strip());
    }
    if (runnerKeys.isEmpty() && legacyRunnerKeys.isEmpty()) return NatsAuth.Authorization.sharedSeed(controllerKey);
    return NatsAuth.Authorization.perRunner(controllerKey, runnerKeys, legacyRunnerKeys);
  }

  /** Declared runners without a key of their own: with per-runner keys they can only use the controller's seed. */
  static List<String> runnersWithoutKey(PosteeConfig config) {
    return config.runners().stream().filter(r -> r.nkey() == null || r.nkey().isBlank()).map(RunnerConfig::name).toList();
  }
}
