package dev.postee.core.routing;

import dev.postee.core.action.Action;
import dev.postee.core.config.ActionConfig;
import dev.postee.core.config.PosteeConfig;
import dev.postee.core.template.TemplateSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a loaded configuration needs at run time, compiled once: routes with their filters,
 * templates, and action instances. Swapped atomically on reload; actions of a replaced config are
 * closed once the events that started under it have finished.
 */
public final class CompiledConfig {
  private static final Logger LOG = LoggerFactory.getLogger(CompiledConfig.class);

  private final PosteeConfig config;
  private final List<CompiledRoute> routes;
  private final Map<String, CompiledRoute> routesByName = new LinkedHashMap<>();
  private final TemplateSet templates;
  private final Map<String, Action> actions;
  private final Map<String, String> unavailableActions;
  private final AtomicInteger users = new AtomicInteger(1);

  public CompiledConfig(PosteeConfig config, List<CompiledRoute> routes, TemplateSet templates,
      Map<String, Action> actions, Map<String, String> unavailableActions) {
    this.config = config;
    this.routes = List.copyOf(routes);
    for (CompiledRoute r : this.routes) routesByName.put(r.name(), r);
    this.templates = templates;
    this.actions = Map.copyOf(actions);
    this.unavailableActions = Map.copyOf(unavailableActions);
  }

  public PosteeConfig config() { return config; }

  public List<CompiledRoute> routes() { return routes; }

  public CompiledRoute route(String name) { return routesByName.get(name); }

  public TemplateSet templates() { return templates; }

  /** The instance of an enabled action, or null when its type cannot run here (see {@link #unavailableReason}). */
  public Action action(String name) { return actions.get(name); }

  public String unavailableReason(String action) { return unavailableActions.get(action); }

  public ActionConfig actionConfig(String name) { return config.action(name).orElse(null); }

  /** Marks one more user (an event being processed); false when the config is already closed. */
  public boolean acquire() {
    while (true) {
      int n = users.get();
      if (n <= 0) return false;
      if (users.compareAndSet(n, n + 1)) return true;
    }
  }

  public void release() {
    if (users.decrementAndGet() == 0) closeActions();
  }

  /** Called once when this config is replaced: closes actions when the last user releases. */
  public void retire() { release(); }

  private void closeActions() {
    for (Action a : actions.values()) {
      try {
        a.close();
      } catch (RuntimeException e) {
        LOG.warn("closing action {} failed: {}", a.name(), e.toString());
      }
    }
  }
}
