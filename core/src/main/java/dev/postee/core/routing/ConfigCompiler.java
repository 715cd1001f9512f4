package dev.postee.core.routing;

import dev.postee.core.action.Action;
import dev.postee.core.action.ActionConfigException;
import dev.postee.core.action.ActionEnvironment;
import dev.postee.core.action.ActionSpec;
import dev.postee.core.action.ActionTypes;
import dev.postee.core.config.ActionConfig;
import dev.postee.core.config.ConfigProblem;
import dev.postee.core.config.PosteeConfig;
import dev.postee.core.config.RouteConfig;
import dev.postee.core.template.TemplateSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Turns a validated {@link PosteeConfig} into a {@link CompiledConfig}: compiles route filters and
 * templates once, and creates the action instances this process runs. Any error leaves nothing
 * half-built (created actions are closed) so a bad reload never replaces a good configuration.
 */
public final class ConfigCompiler {
  private ConfigCompiler() {}

  /**
   * @param filtersDir REGO_FILTERS_PATH (route input-files)
   * @param runsHere which actions this process runs itself (all, for standalone)
   * @param role "standalone", "controller" or "runner": standalone warns that runs-on is ignored
   */
  public record Options(Path filtersDir, TemplateSet.Options templates, ActionTypes actionTypes,
      ActionEnvironment actionEnvironment, Predicate<ActionConfig> runsHere, String role) {}

  public record Result(CompiledConfig compiled, List<ConfigProblem> problems) {
    public boolean ok() { return compiled != null; }
  }

  public static Result compile(PosteeConfig config, Options o) {
    List<ConfigProblem> problems = new ArrayList<>();
    Set<String> usedTemplates = new HashSet<>();
    Set<String> usedActions = new HashSet<>();
    for (RouteConfig r : config.routes()) {
      if (r.template() != null) usedTemplates.add(r.template());
      usedActions.addAll(r.actions());
    }
    TemplateSet.Result templates = TemplateSet.compile(config.templates(), usedTemplates, o.templates());
    problems.addAll(templates.problems());

    List<CompiledRoute> routes = new ArrayList<>();
    for (RouteConfig r : config.routes()) {
      RouteFilter filter = RouteFilter.compile(r, o.filtersDir(), problems);
      List<ActionConfig> actions = new ArrayList<>();
      for (String name : r.actions()) {
        config.action(name).filter(ActionConfig::enabled).ifPresent(actions::add);
      }
      if (actions.isEmpty()) {
        problems.add(ConfigProblem.warning(r.location(), "route '" + r.name() + "' has no enabled action: matching events are only logged"));
      }
      if ("standalone".equals(o.role())) {
        for (ActionConfig a : actions) {
          String runsOn = r.runsOnFor(a);
          if (runsOn != null) {
            problems.add(ConfigProblem.warning(a.location(), "action '" + a.name() + "' has runs-on '" + runsOn
                + "' but this instance is standalone: it runs here (start a controller to delegate it)"));
          }
        }
      }
      routes.add(new CompiledRoute(r, filter, r.template(), actions));
    }

    Map<String, Action> instances = new LinkedHashMap<>();
    Map<String, String> unavailable = new LinkedHashMap<>();
    for (ActionConfig a : config.actions()) {
      if (!a.enabled() || !usedActions.contains(a.name()) || !o.runsHere().test(a)) continue;
      if (o.actionTypes().find(a.type()).isEmpty()) {
        String why = "action '" + a.name() + "': type '" + a.type() + "' is not implemented in this version (available: "
            + String.join(", ", o.actionTypes().names()) + ")";
        unavailable.put(a.name(), why);
        problems.add(ConfigProblem.warning(a.location(), why + "; its executions will be recorded as failed"));
        continue;
      }
      try {
        instances.put(a.name(), o.actionTypes().create(new ActionSpec(a.name(), a.type(), a.settings(), a.timeout()),
            o.actionEnvironment()));
      } catch (ActionConfigException e) {
        problems.add(ConfigProblem.error(a.location(), e.getMessage()));
      }
    }
    boolean fatal = templates.templates() == null || problems.stream().anyMatch(ConfigProblem::isError);
    if (fatal) {
      instances.values().forEach(Action::close);
      return new Result(null, problems);
    }
    return new Result(new CompiledConfig(config, routes, templates.templates(), instances, unavailable), problems);
  }
}
