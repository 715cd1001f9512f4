package dev.postee.core.routing;

import dev.postee.core.config.ActionConfig;
import dev.postee.core.config.RouteConfig;
import java.util.List;

/**
 * A route ready to run: compiled filter, template (null = the event's raw JSON), and its enabled
 * actions in order.
 */
public record CompiledRoute(RouteConfig config, RouteFilter filter, String template, List<ActionConfig> actions) {
  public CompiledRoute {
    actions = List.copyOf(actions);
  }

  public String name() { return config.name(); }
}
