package dev.postee.core.engine;

import dev.postee.core.action.ActionTypes;
import dev.postee.core.config.ActionConfig;
import dev.postee.core.routing.ActionDispatcher;
import dev.postee.core.routing.LocalDispatcher;
import dev.postee.core.store.Store;
import dev.postee.core.store.StoreOptions;
import dev.postee.rego.eval.EvalOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/**
 * How an {@link Engine} runs.
 *
 * @param configFile the YAML configuration (watched for changes)
 * @param databaseFile the embedded SQLite file (PATH_TO_DB)
 * @param templatesDir user Rego templates (--rego-templates, default ./rego-templates)
 * @param filtersDir route input-files (REGO_FILTERS_PATH, default ./rego-filters)
 * @param workDir scratch directory for actions (exec scripts)
 * @param environment variables for $VAR substitution in the config
 * @param strictConfig unknown keys are errors instead of warnings
 * @param role "standalone", "controller" or "runner" (logged where actions ran)
 * @param workers events processed concurrently
 * @param maxQueuedEvents accepted-but-unfinished events before ingest answers 503
 * @param configPollInterval how often the config file is checked for changes (null = never)
 * @param shutdownTimeout how long close() waits for in-flight events
 * @param aggregationTick how often time-window aggregation buffers are checked
 * @param filterEval limits for route filters; templates use their own
 * @param actionTypes the action implementations available
 * @param runsHere which enabled actions this process instantiates (standalone: all)
 * @param dispatcher wraps the local dispatcher (a controller delegates runs-on actions); null = local only
 * @param clock time source
 */
public record EngineOptions(
    Path configFile,
    Path databaseFile,
    Path templatesDir,
    Path filtersDir,
    Path workDir,
    Map<String, String> environment,
    boolean strictConfig,
    String role,
    int workers,
    int maxQueuedEvents,
    Duration configPollInterval,
    Duration shutdownTimeout,
    Duration aggregationTick,
    EvalOptions filterEval,
    ActionTypes actionTypes,
    Predicate<ActionConfig> runsHere,
    DispatcherFactory dispatcher,
    StoreOptions storeOptions,
    Clock clock) {

  /** Builds the dispatcher the pipeline uses from the local one (cluster modes wrap it). */
  @FunctionalInterface
  public interface DispatcherFactory {
    ActionDispatcher create(LocalDispatcher local, Store store);
  }

  public static EngineOptions standalone(Path configFile, Path databaseFile) {
    return new EngineOptions(configFile, databaseFile, Path.of("rego-templates"), Path.of("rego-filters"),
        databaseFile.toAbsolutePath().getParent().resolve("work"), System.getenv(), false, "standalone", 32, 10_000,
        Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(1),
        EvalOptions.DEFAULT.withTimeout(Duration.ofSeconds(5)), ActionTypes.builtIn(), a -> true, null,
        StoreOptions.defaults(), Clock.systemUTC());
  }

  public EngineOptions withTemplatesDir(Path p) {
    return new EngineOptions(configFile, databaseFile, p, filtersDir, workDir, environment, strictConfig, role, workers,
        maxQueuedEvents, configPollInterval, shutdownTimeout, aggregationTick, filterEval, actionTypes, runsHere, dispatcher,
        storeOptions, clock);
  }

  public EngineOptions withFiltersDir(Path p) {
    return new EngineOptions(configFile, databaseFile, templatesDir, p, workDir, environment, strictConfig, role, workers,
        maxQueuedEvents, configPollInterval, shutdownTimeout, aggregationTick, filterEval, actionTypes, runsHere, dispatcher,
        storeOptions, clock);
  }

  public EngineOptions withEnvironment(Map<String, String> env) {
    return new EngineOptions(configFile, databaseFile, templatesDir, filtersDir, workDir, env, strictConfig, role, workers,
        maxQueuedEvents, configPollInterval, shutdownTimeout, aggregationTick, filterEval, actionTypes, runsHere, dispatcher,
        storeOptions, clock);
  }

  public EngineOptions withStrictConfig(boolean strict) {
    return new EngineOptions(configFile, databaseFile, templatesDir, filtersDir, workDir, environment, strict, role, workers,
        maxQueuedEvents, configPollInterval, shutdownTimeout, aggregationTick, filterEval, actionTypes, runsHere, dispatcher,
        storeOptions, clock);
  }

  public EngineOptions withRole(String r) {
    return new EngineOptions(configFile, databaseFile, templatesDir, filtersDir, workDir, environment, strictConfig, r, workers,
        maxQueuedEvents, configPollInterval, shutdownTimeout, aggregationTick, filterEval, actionTypes, runsHere, dispatcher,
        storeOptions, clock);
  }

  public EngineOptions withWorkers(int n) {
    return new EngineOptions(configFile, databaseFile, templatesDir, filtersDir, workDir, environment, strictConfig, role, n,
        maxQueuedEvents, configPollInterval, shutdownTimeout, aggregationTick, filterEval, actionTypes, runsHere, dispatcher,
        storeOptions, clock);
  }

  public EngineOptions withMaxQueuedEvents(int n) {
    return new EngineOptions(configFile, databaseFile, templatesDir, filtersDir, workDir, environment, strictConfig, role, workers,
        n, configPollInterval, shutdownTimeout, aggregationTick, filterEval, actionTypes, runsHere, dispatcher,
        storeOptions, clock);
  }

  public EngineOptions withConfigPollInterval(Duration d) {
    return new EngineOptions(configFile, databaseFile, templatesDir, filtersDir, workDir, environment, strictConfig, role, workers,
        maxQueuedEvents, d, shutdownTimeout, aggregationTick, filterEval, actionTypes, runsHere, dispatcher,
        storeOptions, clock);
  }

  public EngineOptions withShutdownTimeout(Duration d) {
    return new EngineOptions(configFile, databaseFile, templatesDir, filtersDir, workDir, environment, strictConfig, role, workers,
        maxQueuedEvents, configPollInterval, d, aggregationTick, filterEval, actionTypes, runsHere, dispatcher,
        storeOptions, clock);
  }

  public EngineOptions withAggregationTick(Duration d) {
    return new EngineOptions(configFile, databaseFile, templatesDir, filtersDir, workDir, environment, strictConfig, role, workers,
        maxQueuedEvents, configPollInterval, shutdownTimeout, d, filterEval, actionTypes, runsHere, dispatcher,
        storeOptions, clock);
  }

  public EngineOptions withActionTypes(ActionTypes types) {
    return new EngineOptions(configFile, databaseFile, templatesDir, filtersDir, workDir, environment, strictConfig, role, workers,
        maxQueuedEvents, configPollInterval, shutdownTimeout, aggregationTick, filterEval, types, runsHere, dispatcher,
        storeOptions, clock);
  }

  public EngineOptions withRunsHere(Predicate<ActionConfig> p) {
    return new EngineOptions(configFile, databaseFile, templatesDir, filtersDir, workDir, environment, strictConfig, role, workers,
        maxQueuedEvents, configPollInterval, shutdownTimeout, aggregationTick, filterEval, actionTypes, p, dispatcher,
        storeOptions, clock);
  }

  public EngineOptions withDispatcher(DispatcherFactory f) {
    return new EngineOptions(configFile, databaseFile, templatesDir, filtersDir, workDir, environment, strictConfig, role, workers,
        maxQueuedEvents, configPollInterval, shutdownTimeout, aggregationTick, filterEval, actionTypes, runsHere, f,
        storeOptions, clock);
  }

  public EngineOptions withStoreOptions(StoreOptions s) {
    return new EngineOptions(configFile, databaseFile, templatesDir, filtersDir, workDir, environment, strictConfig, role, workers,
        maxQueuedEvents, configPollInterval, shutdownTimeout, aggregationTick, filterEval, actionTypes, runsHere, dispatcher,
        s, clock);
  }

  public EngineOptions withWorkDir(Path p) {
    return new EngineOptions(configFile, databaseFile, templatesDir, filtersDir, p, environment, strictConfig, role, workers,
        maxQueuedEvents, configPollInterval, shutdownTimeout, aggregationTick, filterEval, actionTypes, runsHere, dispatcher,
        storeOptions, clock);
  }
}
