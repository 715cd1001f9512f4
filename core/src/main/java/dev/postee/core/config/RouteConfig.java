package dev.postee.core.config;

import java.util.List;

/**
 * A route (SPEC §4.1): which events (filter), how they are rendered (template) and who receives
 * them (actions).
 *
 * @param input Rego rule body, or null to match every event (ignored when inputFiles is not empty)
 * @param inputFiles Rego files under REGO_FILTERS_PATH, OR-ed
 * @param actions action names, in order ({@code actions:} or {@code outputs:})
 * @param template template name, or null: the message is the event's raw JSON
 * @param serializeActions run the actions one after another, in order
 * @param runsOn runner for all of this route's actions that do not name their own, or null
 */
public record RouteConfig(
    String name,
    String input,
    List<String> inputFiles,
    List<String> actions,
    String template,
    boolean serializeActions,
    String runsOn,
    RoutePlugins plugins,
    SourceLocation location) {
  public RouteConfig {
    inputFiles = List.copyOf(inputFiles);
    actions = List.copyOf(actions);
  }

  /** Where {@code action} runs when this route triggers it: its own runs-on wins over the route's. */
  public String runsOnFor(ActionConfig action) {
    return action.runsOn() != null ? action.runsOn() : runsOn;
  }
}
