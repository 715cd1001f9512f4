package dev.postee.cluster.runner;

import dev.postee.cluster.nats.BackplaneOptions;
import dev.postee.core.engine.EngineOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How a {@link Runner} runs.
 *
 * @param name the runner's name ({@code --runner-name}): its subjects, consumer and runs-on value
 * @param labels {@code --runner-label k=v}; {@code host=<hostname>} is added unless given
 * @param dataDir where the runner keeps its last good configuration, its database (by default)
 *     and the exec run directories
 * @param databaseFile the runner's SQLite file (PATH_TO_DB); null = {@code <dataDir>/postee.db}
 * @param backplane the NATS connection ({@link BackplaneOptions#forRunner})
 * @param webhookUrl the runner's own HTTP address for co-located producers (heartbeats, discovery
 *     file), or null
 * @param discoveryFile {@code --runner-discovery-file}: where to write the runner's identity, or null
 * @param version the product version reported in heartbeats
 * @param engineOptions the app's settings of the runner's engine (workers, queue size, shutdown
 *     timeout...); the runner then sets configuration paths, role, dispatcher and runs-here itself
 * @param timings intervals and limits
 * @param clock time source (delegation expiry, heartbeats, ledger expiry)
 */
public record RunnerOptions(
    String name,
    Map<String, String> labels,
    Path dataDir,
    Path databaseFile,
    BackplaneOptions backplane,
    String webhookUrl,
    Path discoveryFile,
    String version,
    UnaryOperator<EngineOptions> engineOptions,
    Timings timings,
    Clock clock) {

  public RunnerOptions {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("the runner needs a name (--runner-name)");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(backplane, "backplane");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(engineOptions, "engineOptions");
    Objects.requireNonNull(timings, "timings");
    Objects.requireNonNull(clock, "clock");
  }

  /**
   * Intervals and limits of a runner.
   *
   * @param heartbeatInterval how often the runner says it is alive (controllers count it offline after 15 s)
   * @param configRefreshInterval how often the runner asks whether its configuration is current
   *     (catches a missed push)
   * @param configRequestTimeout how long one configuration request waits for a controller
   * @param retryMin first wait before asking again while the runner has no confirmed configuration,
   *     and before re-sending an outbox entry
   * @param retryMax the longest such wait
   * @param inProgressInterval how often a running delegation tells NATS it is still being worked on;
   *     well below the consumer's ack wait
   * @param fetchWait how long one pull for delegations waits when there is none
   * @param delegationConcurrency delegations run at the same time
   * @param ledgerRetention how long a finished delegation is remembered (a redelivery within it is a no-op)
   */
  public record Timings(
      Duration heartbeatInterval,
      Duration configRefreshInterval,
      Duration configRequestTimeout,
      Duration retryMin,
      Duration retryMax,
      Duration inProgressInterval,
      Duration fetchWait,
      int delegationConcurrency,
      Duration ledgerRetention) {

    public Timings {
      Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
      Objects.requireNonNull(configRefreshInterval, "configRefreshInterval");
      Objects.requireNonNull(configRequestTimeout, "configRequestTimeout");
      Objects.requireNonNull(retryMin, "retryMin");
      Objects.requireNonNull(retryMax, "retryMax");
      Objects.requireNonNull(inProgressInterval, "inProgressInterval");
      Objects.requireNonNull(fetchWait, "fetchWait");
      Objects.requireNonNull(ledgerRetention, "ledgerRetention");
      if (delegationConcurrency < 1) throw new IllegalArgumentException("delegationConcurrency must be at least 1");
    }

    /** Heartbeat 5 s, refresh 30 s, request timeout 5 s, retries 0.5 s to 30 s, in-progress 15 s, 4 at a time, ledger 7 days. */
    public static Timings defaults() {
      return new Timings(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(500),
          Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(2), 4, Duration.ofDays(7));
    }

    public Timings withHeartbeatInterval(Duration d) {
      return new Timings(d, configRefreshInterval, configRequestTimeout, retryMin, retryMax, inProgressInterval, fetchWait,
          delegationConcurrency, ledgerRetention);
    }

    public Timings withConfigRefreshInterval(Duration d) {
      return new Timings(heartbeatInterval, d, configRequestTimeout, retryMin, retryMax, inProgressInterval, fetchWait,
          delegationConcurrency, ledgerRetention);
    }

    public Timings withConfigRequestTimeout(Duration d) {
      return new Timings(heartbeatInterval, configRefreshInterval, d, retryMin, retryMax, inProgressInterval, fetchWait,
          delegationConcurrency, ledgerRetention);
    }

    public Timings withRetry(Duration min, Duration max) {
      return new Timings(heartbeatInterval, configRefreshInterval, configRequestTimeout, min, max, inProgressInterval,
          fetchWait, delegationConcurrency, ledgerRetention);
    }

    public Timings withInProgressInterval(Duration d) {
      return new Timings(heartbeatInterval, configRefreshInterval, configRequestTimeout, retryMin, retryMax, d, fetchWait,
          delegationConcurrency, ledgerRetention);
    }

    public Timings withFetchWait(Duration d) {
      return new Timings(heartbeatInterval, configRefreshInterval, configRequestTimeout, retryMin, retryMax,
          inProgressInterval, d, delegationConcurrency, ledgerRetention);
    }

    public Timings withDelegationConcurrency(int n) {
      return new Timings(heartbeatInterval, configRefreshInterval, configRequestTimeout, retryMin, retryMax,
          inProgressInterval, fetchWait, n, ledgerRetention);
    }

    public Timings withLedgerRetention(Duration d) {
      return new Timings(heartbeatInterval, configRefreshInterval, configRequestTimeout, retryMin, retryMax,
          inProgressInterval, fetchWait, delegationConcurrency, d);
    }
  }

  /** A runner with default settings: no labels but the host, no webhook address, no discovery file. */
  public static RunnerOptions of(String name, Path dataDir, BackplaneOptions backplane) {
    return new RunnerOptions(name, Map.of(), dataDir, null, backplane, null, null, "dev", UnaryOperator.identity(),
        Timings.defaults(), Clock.systemUTC());
  }

  /** The database file in use: the one given, else {@code <dataDir>/postee.db}. */
  public Path effectiveDatabaseFile() {
    return databaseFile != null ? databaseFile : dataDir.resolve("postee.db");
  }

  /** The labels a runner reports: {@code host=<hostname>} unless given, then the given ones. */
  Map<String, String> effectiveLabels(String hostname) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("host", hostname);
    out.putAll(labels);
    return out;
  }

  public RunnerOptions withLabels(Map<String, String> l) {
    return new RunnerOptions(name, l, dataDir, databaseFile, backplane, webhookUrl, discoveryFile, version, engineOptions,
        timings, clock);
  }

  public RunnerOptions withDatabaseFile(Path p) {
    return new RunnerOptions(name, labels, dataDir, p, backplane, webhookUrl, discoveryFile, version, engineOptions,
        timings, clock);
  }

  public RunnerOptions withWebhookUrl(String url) {
    return new RunnerOptions(name, labels, dataDir, databaseFile, backplane, url, discoveryFile, version, engineOptions,
        timings, clock);
  }

  public RunnerOptions withDiscoveryFile(Path p) {
    return new RunnerOptions(name, labels, dataDir, databaseFile, backplane, webhookUrl, p, version, engineOptions,
        timings, clock);
  }

  public RunnerOptions withVersion(String v) {
    return new RunnerOptions(name, labels, dataDir, databaseFile, backplane, webhookUrl, discoveryFile, v, engineOptions,
        timings, clock);
  }

  public RunnerOptions withEngineOptions(UnaryOperator<EngineOptions> customize) {
    return new RunnerOptions(name, labels, dataDir, databaseFile, backplane, webhookUrl, discoveryFile, version, customize,
        timings, clock);
  }

  public RunnerOptions withTimings(Timings t) {
    return new RunnerOptions(name, labels, dataDir, databaseFile, backplane, webhookUrl, discoveryFile, version,
        engineOptions, t, clock);
  }

  public RunnerOptions withClock(Clock c) {
    return new RunnerOptions(name, labels, dataDir, databaseFile, backplane, webhookUrl, discoveryFile, version,
        engineOptions, timings, c);
  }
}
