package dev.postee.core.routing;

import dev.postee.core.action.ActionResult;
import dev.postee.core.action.DeliveryOutcome;
import dev.postee.core.action.ExecutionRecord;
import dev.postee.core.action.ExecutionRecorder;
import dev.postee.core.config.ActionConfig;
import dev.postee.core.config.RoutePlugins;
import dev.postee.core.store.AggregationBatch;
import dev.postee.core.store.BufferedMessage;
import dev.postee.core.store.RouteAction;
import dev.postee.core.store.Store;
import dev.postee.core.store.StoredEvent;
import dev.postee.core.template.RenderedMessage;
import dev.postee.core.template.TemplateException;
import dev.postee.core.template.TemplateSet;
import dev.postee.rego.eval.EvalOptions;
import dev.postee.rego.eval.RegoException;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing pipeline of SPEC §5 for one event: every route's filter, then per matching route
 * dedup, one template rendering, aggregation or delivery to each action. Progress is recorded in
 * the store after each step, so after a crash finished routes and actions are not repeated and the
 * event is removed only when every route has handled it.
 */
public final class Pipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  /** Notified of what happens to events (metrics, the recent-events view). */
  public interface Listener {
    default void routeMatched(String route) {}
    default void duplicateDropped(String route) {}
    default void templateFailed(String route, String template) {}
    default void filterFailed(String route) {}
  }

  /** What processing one event did. */
  public record Outcome(List<String> matchedRoutes, boolean completed) {}

  /**
   * Origin of events forwarded by a runner that does not say which runner it is (Go Postee's
   * postee.events): every action with a runs-on is taken to have run there.
   */
  public static final String ANY_RUNNER = "*";

  private final Store store;
  private final ActionDispatcher dispatcher;
  private final ExecutionRecorder recorder;
  private final Clock clock;
  private final EvalOptions filterOptions;
  private final Listener listener;
  private final String where;
  private final ExecutorService actionThreads = Executors.newVirtualThreadPerTaskExecutor();

  public Pipeline(Store store, ActionDispatcher dispatcher, ExecutionRecorder recorder, Clock clock,
      EvalOptions filterOptions, Listener listener, String where) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.recorder = recorder;
    this.clock = clock;
    this.filterOptions = filterOptions;
    this.listener = listener;
    this.where = where;
  }

  /**
   * Routes one stored event. Returns with completed=false when interrupted (it will be redone).
   *
   * @param resumed the event may have progress from before a restart (read it); false for an
   *     event fresh from ingest
   */
  public Outcome process(CompiledConfig cfg, StoredEvent ev, Value event, boolean resumed) throws InterruptedException {
    Set<String> doneRoutes = resumed ? store.doneRoutes(ev.id()) : Set.of();
    Set<RouteAction> doneActions = resumed ? store.doneActions(ev.id()) : Set.of();
    List<String> matched = new ArrayList<>();
    for (CompiledRoute route : cfg.routes()) {
      if (ev.targetRoute() != null && !route.name().equals(ev.targetRoute())) continue;
      if (doneRoutes.contains(route.name())) continue;
      if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
      // a filter has no side effects: after a restart it is simply evaluated again
      if (!matches(route, event, ev.id())) continue;
      matched.add(route.name());
      listener.routeMatched(route.name());
      if (!handleMatch(cfg, route, ev, event, doneActions)) return new Outcome(matched, false);
    }
    store.completeSoon(ev.id());
    return new Outcome(matched, true);
  }

  private boolean matches(CompiledRoute route, Value event, String eventId) {
    try {
      return route.filter().matches(event, filterOptions);
    } catch (RegoException e) {
      listener.filterFailed(route.name());
      LOG.warn("route '{}': filter failed for event {}: {}", route.name(), eventId, e.getMessage());
      return false;
    }
  }

  /** Dedup, render, aggregate or deliver. False when interrupted before the route finished. */
  private boolean handleMatch(CompiledConfig cfg, CompiledRoute route, StoredEvent ev, Value event,
      Set<RouteAction> doneActions) throws InterruptedException {
    RoutePlugins plugins = route.config().plugins();
    if (!plugins.uniqueMessageProps().isEmpty()) {
      String key = DedupKey.of(event, plugins.uniqueMessageProps());
      if (key != null) {
        Instant now = clock.instant();
        Instant expires = plugins.uniqueMessageTimeout() == null ? null : now.plus(plugins.uniqueMessageTimeout());
        if (!store.firstSeen(route.name(), key, ev.id(), expires, now)) {
          LOG.debug("route '{}': event {} is a duplicate of an earlier message (key {})", route.name(), ev.id(), key);
          listener.duplicateDropped(route.name());
          store.markRouteDone(ev.id(), route.name());
          return true;
        }
      }
    }
    RenderedMessage message;
    String template = route.template() == null ? TemplateSet.RAW_JSON : route.template();
    try {
      message = cfg.templates().render(template, event, ev.id(), cfg.config().aquaServer());
    } catch (TemplateException e) {
      listener.templateFailed(route.name(), template);
      LOG.error("route '{}': {}", route.name(), e.getMessage());
      recordFailure(route, ev.id(), e.getMessage());
      store.markRouteDone(ev.id(), route.name());
      return true;
    }
    if (plugins.aggregateMessageNumber() != null || plugins.aggregateMessageTimeout() != null) {
      store.appendToBuffer(route.name(), ev.id(), message, clock.instant());
      if (plugins.aggregateMessageNumber() != null) {
        while (true) {
          var batch = store.takeBatchIfSize(route.name(), plugins.aggregateMessageNumber());
          if (batch.isEmpty()) break;
          if (!deliverBatch(cfg, batch.get())) return false;
        }
      }
      return true;
    }
    // each finished action is marked: after a restart the route re-renders and skips them all
    return runActions(cfg, route, ev.id(), message, event, doneActions, ev.origin());
  }

  /** Renders and delivers an aggregated batch, then removes it from the store. */
  public boolean deliverBatch(CompiledConfig cfg, AggregationBatch batch) throws InterruptedException {
    CompiledRoute route = cfg.route(batch.route());
    if (route == null) {
      LOG.error("aggregated batch {} of {} messages belongs to route '{}', which is no longer configured; dropping it",
          batch.batchId(), batch.messages().size(), batch.route());
      store.completeBatch(batch.batchId());
      return true;
    }
    List<RenderedMessage> messages = batch.messages().stream().map(BufferedMessage::message).toList();
    String template = route.template() == null ? TemplateSet.RAW_JSON : route.template();
    RenderedMessage message;
    try {
      message = cfg.templates().renderBatch(template, messages, batch.batchId());
    } catch (TemplateException e) {
      listener.templateFailed(route.name(), template);
      LOG.error("route '{}': {}", route.name(), e.getMessage());
      recordFailure(route, batch.batchId(), e.getMessage());
      store.completeBatch(batch.batchId());
      return true;
    }
    if (!runActions(cfg, route, batch.batchId(), message, null, store.doneActions(batch.batchId()), null)) return false;
    store.completeBatch(batch.batchId());
    return true;
  }

  private void recordFailure(CompiledRoute route, String eventId, String error) {
    for (ActionConfig a : route.actions()) {
      recorder.record(new ExecutionRecord(executionId(eventId, route.name(), a.name()), route.name(), a.name(), a.type(),
          eventId, where, 1, ActionResult.Outcome.FAILED, null, null, clock.instant(), Duration.ZERO, error, null));
    }
  }

  /** Delivers to the route's actions (in order when serialized, else concurrently). False if interrupted. */
  private boolean runActions(CompiledConfig cfg, CompiledRoute route, String eventId, RenderedMessage message,
      Value event, Set<RouteAction> doneActions, String origin) throws InterruptedException {
    List<ActionConfig> todo = new ArrayList<>();
    for (ActionConfig a : route.actions()) {
      if (!doneActions.contains(new RouteAction(route.name(), a.name()))) todo.add(a);
    }
    if (route.config().serializeActions() || todo.size() <= 1) {
      for (ActionConfig a : todo) {
        if (!runOne(cfg, route, a, eventId, message, event, origin)) return false;
      }
      return true;
    }
    List<Future<Boolean>> running = new ArrayList<>();
    for (ActionConfig a : todo) running.add(actionThreads.submit(() -> runOne(cfg, route, a, eventId, message, event, origin)));
    boolean all = true;
    try {
      for (Future<Boolean> f : running) all &= f.get();
    } catch (InterruptedException e) {
      for (Future<Boolean> f : running) f.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw new IllegalStateException("action delivery failed unexpectedly", e.getCause());
    }
    return all;
  }

  private boolean runOne(CompiledConfig cfg, CompiledRoute route, ActionConfig action, String eventId,
      RenderedMessage message, Value event, String origin) {
    String runsOn = resolveRunsOn(route.config().runsOnFor(action), event);
    if (origin != null && runsOn != null && (origin.equals(runsOn) || origin.equals(ANY_RUNNER))) {
      // the runner that reported this event ran its own actions before reporting it
      store.markActionDoneSoon(eventId, route.name(), action.name());
      return true;
    }
    DeliveryOutcome outcome = dispatcher.dispatch(new ActionDispatcher.Dispatch(
        executionId(eventId, route.name(), action.name()), eventId, cfg, route, action, runsOn, message, event));
    if (outcome.status() == DeliveryOutcome.Status.INTERRUPTED) return false;
    store.markActionDoneSoon(eventId, route.name(), action.name());
    return true;
  }

  /**
   * The runner an action must run on: a runner name as written, or for {@code event.input.<path>}
   * the string at that path of the event (null when absent: the action runs here).
   */
  public static String resolveRunsOn(String runsOn, Value event) {
    if (runsOn == null || runsOn.isBlank()) return null;
    if (!runsOn.startsWith("event.input.")) return runsOn;
    Value v = event;
    for (String seg : runsOn.substring("event.input.".length()).split("\\.")) {
      if (!(v instanceof ObjectValue o)) return null;
      v = o.get(StringValue.of(seg));
    }
    return v instanceof StringValue s && !s.value().isBlank() ? s.value() : null;
  }

  /** Stable id of one action execution: the same event, route and action always give the same id. */
  public static String executionId(String eventId, String route, String action) {
    return UUID.nameUUIDFromBytes((eventId + "\u0000" + route + "\u0000" + action).getBytes(StandardCharsets.UTF_8)).toString();
  }

  @Override
  public void close() {
    actionThreads.shutdownNow();
  }
}
