package dev.postee.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A loaded, fully valid configuration (SPEC §4). Immutable; a reload builds a new one.
 *
 * @param name tenant name, or null
 * @param version seed shape's {@code version}, or null
 * @param type seed shape's {@code type} ({@code controller}/{@code runner}), or null
 * @param aquaServer Aqua server URL for links in templates, or null
 * @param maxDbSizeBytes bound of the embedded database, or null for unlimited
 * @param dbVerifyInterval how often the database size is checked
 * @param rules names of the {@code rules:} catalogue (informational)
 * @param runners the top-level {@code runners:} list
 * @param runnersDeclared true when the file has a {@code runners:} key: every runs-on must then
 *     name a declared runner
 * @param source the file name used in locations
 */
public record PosteeConfig(
    String name,
    String version,
    String type,
    String aquaServer,
    Long maxDbSizeBytes,
    Duration dbVerifyInterval,
    List<RouteConfig> routes,
    List<TemplateConfig> templates,
    List<ActionConfig> actions,
    List<String> rules,
    List<RunnerConfig> runners,
    boolean runnersDeclared,
    String source) {
  public static final Duration DEFAULT_DB_VERIFY_INTERVAL = Duration.ofHours(1);

  public PosteeConfig {
    routes = List.copyOf(routes);
    templates = List.copyOf(templates);
    actions = List.copyOf(actions);
    rules = List.copyOf(rules);
    runners = List.copyOf(runners);
  }

  public Optional<RouteConfig> route(String routeName) {
    return routes.stream().filter(r -> r.name().equals(routeName)).findFirst();
  }

  public Optional<TemplateConfig> template(String templateName) {
    return templates.stream().filter(t -> t.name().equals(templateName)).findFirst();
  }

  public Optional<ActionConfig> action(String actionName) {
    return actions.stream().filter(a -> a.name().equals(actionName)).findFirst();
  }

  public Optional<RunnerConfig> runner(String runnerName) {
    return runners.stream().filter(r -> r.name().equals(runnerName)).findFirst();
  }
}
