package dev.postee.cluster.controller;

import dev.postee.cluster.nats.JetStreamSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link Controller} runs.
 *
 * @param controllerId stable id written into every delegation; null = generated once and kept in the
 *     controller's store (its data directory), so it survives restarts
 * @param delegationTtl how long a runner may take to pick up a delegation before it is recorded as
 *     failed and removed ({@code --delegation-ttl}, default 1 h)
 * @param jetStream limits of the streams and consumers provisioned at start; their delegation max
 *     age follows {@code delegationTtl} (see {@link #withDelegationTtl})
 * @param templatesDir the controller's user templates, sent to runners that use them; null = the engine's
 * @param filtersDir the controller's route input-files, sent to runners that use them; null = the engine's
 * @param sweepInterval how often pending delegations are checked against their TTL
 * @param heartbeatTimeout a runner is online while its last heartbeat is younger than this
 * @param runnerInfoInterval how often each runner's pending deliveries are read from its consumer
 * @param legacyDedupWindow Go Postee runners forward an event once per route: an identical payload
 *     on {@code postee.events} within this window is dropped
 * @param connectWait how long {@link Controller#start} waits for the backplane before it starts
 *     anyway (delegations then wait, queued, until NATS is reachable)
 * @param retryWaitMax longest wait between attempts to reach NATS (publishing, consuming)
 * @param controllerKey the controller's public NKey ({@code --controller-seed-file}) when the controller
 *     runs its own nats-server with NKey authentication: the server's users then follow the
 *     configuration's runners ({@link RunnerAuthorization}); null = the controller does not manage them
 * @param legacyRunnerKeys public keys of Go Postee runners, allowed {@code postee.config} and
 *     {@code postee.events} when runners have keys of their own
 * @param clock time source
 */
public record ControllerOptions(
    String controllerId,
    Duration delegationTtl,
    JetStreamSettings jetStream,
    Path templatesDir,
    Path filtersDir,
    Duration sweepInterval,
    Duration heartbeatTimeout,
    Duration runnerInfoInterval,
    Duration legacyDedupWindow,
    Duration connectWait,
    Duration retryWaitMax,
    String controllerKey,
    List<String> legacyRunnerKeys,
    Clock clock) {

  public static final Duration DEFAULT_DELEGATION_TTL = Duration.ofHours(1);

  public ControllerOptions {
    Objects.requireNonNull(delegationTtl, "delegationTtl");
    Objects.requireNonNull(jetStream, "jetStream");
    Objects.requireNonNull(sweepInterval, "sweepInterval");
    Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
    Objects.requireNonNull(runnerInfoInterval, "runnerInfoInterval");
    Objects.requireNonNull(legacyDedupWindow, "legacyDedupWindow");
    Objects.requireNonNull(connectWait, "connectWait");
    Objects.requireNonNull(retryWaitMax, "retryWaitMax");
    Objects.requireNonNull(clock, "clock");
    legacyRunnerKeys = legacyRunnerKeys == null ? List.of() : List.copyOf(legacyRunnerKeys);
    if (delegationTtl.isNegative() || delegationTtl.isZero()) {
      throw new IllegalArgumentException("the delegation TTL must be positive, not " + delegationTtl);
    }
    if (controllerId != null && controllerId.isBlank()) controllerId = null;
  }

  /** TTL 1 h, sweep every 5 s, online within 15 s of a heartbeat, Go Postee duplicates within 60 s. */
  public static ControllerOptions defaults() {
    return new ControllerOptions(null, DEFAULT_DELEGATION_TTL, JetStreamSettings.forDelegationTtl(DEFAULT_DELEGATION_TTL),
        null, null, Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofSeconds(60),
        Duration.ofSeconds(10), Duration.ofSeconds(15), null, List.of(), Clock.systemUTC());
  }

  public ControllerOptions withControllerId(String id) {
    return new ControllerOptions(id, delegationTtl, jetStream, templatesDir, filtersDir, sweepInterval, heartbeatTimeout,
        runnerInfoInterval, legacyDedupWindow, connectWait, retryWaitMax, controllerKey, legacyRunnerKeys, clock);
  }

  /** The TTL, and the delegations stream's max age with it (TTL plus a margin). */
  public ControllerOptions withDelegationTtl(Duration ttl) {
    return new ControllerOptions(controllerId, ttl, jetStream.withDelegationTtl(ttl), templatesDir, filtersDir,
        sweepInterval, heartbeatTimeout, runnerInfoInterval, legacyDedupWindow, connectWait, retryWaitMax, controllerKey,
        legacyRunnerKeys, clock);
  }

  public ControllerOptions withJetStream(JetStreamSettings settings) {
    return new ControllerOptions(controllerId, delegationTtl, settings, templatesDir, filtersDir, sweepInterval,
        heartbeatTimeout, runnerInfoInterval, legacyDedupWindow, connectWait, retryWaitMax, controllerKey, legacyRunnerKeys, clock);
  }

  public ControllerOptions withTemplatesDir(Path dir) {
    return new ControllerOptions(controllerId, delegationTtl, jetStream, dir, filtersDir, sweepInterval, heartbeatTimeout,
        runnerInfoInterval, legacyDedupWindow, connectWait, retryWaitMax, controllerKey, legacyRunnerKeys, clock);
  }

  public ControllerOptions withFiltersDir(Path dir) {
    return new ControllerOptions(controllerId, delegationTtl, jetStream, templatesDir, dir, sweepInterval, heartbeatTimeout,
        runnerInfoInterval, legacyDedupWindow, connectWait, retryWaitMax, controllerKey, legacyRunnerKeys, clock);
  }

  public ControllerOptions withSweepInterval(Duration d) {
    return new ControllerOptions(controllerId, delegationTtl, jetStream, templatesDir, filtersDir, d, heartbeatTimeout,
        runnerInfoInterval, legacyDedupWindow, connectWait, retryWaitMax, controllerKey, legacyRunnerKeys, clock);
  }

  public ControllerOptions withHeartbeatTimeout(Duration d) {
    return new ControllerOptions(controllerId, delegationTtl, jetStream, templatesDir, filtersDir, sweepInterval, d,
        runnerInfoInterval, legacyDedupWindow, connectWait, retryWaitMax, controllerKey, legacyRunnerKeys, clock);
  }

  public ControllerOptions withRunnerInfoInterval(Duration d) {
    return new ControllerOptions(controllerId, delegationTtl, jetStream, templatesDir, filtersDir, sweepInterval,
        heartbeatTimeout, d, legacyDedupWindow, connectWait, retryWaitMax, controllerKey, legacyRunnerKeys, clock);
  }

  public ControllerOptions withLegacyDedupWindow(Duration d) {
    return new ControllerOptions(controllerId, delegationTtl, jetStream, templatesDir, filtersDir, sweepInterval,
        heartbeatTimeout, runnerInfoInterval, d, connectWait, retryWaitMax, controllerKey, legacyRunnerKeys, clock);
  }

  public ControllerOptions withConnectWait(Duration d) {
    return new ControllerOptions(controllerId, delegationTtl, jetStream, templatesDir, filtersDir, sweepInterval,
        heartbeatTimeout, runnerInfoInterval, legacyDedupWindow, d, retryWaitMax, controllerKey, legacyRunnerKeys, clock);
  }

  public ControllerOptions withRetryWaitMax(Duration d) {
    return new ControllerOptions(controllerId, delegationTtl, jetStream, templatesDir, filtersDir, sweepInterval,
        heartbeatTimeout, runnerInfoInterval, legacyDedupWindow, connectWait, d, controllerKey, legacyRunnerKeys, clock);
  }

  /** The controller's public NKey and Go Postee runners' keys: the controller manages its nats-server's users. */
  public ControllerOptions withNkeys(String controllerPublicKey, List<String> goRunnerKeys) {
    return new ControllerOptions(controllerId, delegationTtl, jetStream, templatesDir, filtersDir, sweepInterval,
        heartbeatTimeout, runnerInfoInterval, legacyDedupWindow, connectWait, retryWaitMax, controllerPublicKey,
        goRunnerKeys, clock);
  }

  public ControllerOptions withClock(Clock c) {
    return new ControllerOptions(controllerId, delegationTtl, jetStream, templatesDir, filtersDir, sweepInterval,
        heartbeatTimeout, runnerInfoInterval, legacyDedupWindow, connectWait, retryWaitMax, controllerKey, legacyRunnerKeys, c);
  }
}
