package dev.postee.core.engine;

import dev.postee.core.config.ActionConfig;
import dev.postee.core.routing.CompiledConfig;
import dev.postee.core.routing.CompiledRoute;
import dev.postee.core.routing.DedupKey;
import dev.postee.core.routing.Pipeline;
import dev.postee.core.template.RenderedMessage;
import dev.postee.core.template.TemplateException;
import dev.postee.core.template.TemplateSet;
import dev.postee.rego.eval.EvalOptions;
import dev.postee.rego.eval.RegoException;
import dev.postee.rego.value.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code postee test}: what a configuration would do with one event — which routes match, the
 * rendered title and result, which actions would run and where — with no side effects.
 */
public final class DryRun {
  private DryRun() {}

  public record ActionPlan(String action, String type, String runsOn) {}

  /**
   * @param error the template or filter error, or null
   * @param dedupKey the unique-message-props key (null when the route does not deduplicate)
   * @param aggregation "number N", "timeout D" or null
   */
  public record RoutePlan(String route, boolean matched, String template, String title, String result, String url,
      String error, String dedupKey, String aggregation, List<ActionPlan> actions) {}

  public static List<RoutePlan> run(CompiledConfig cfg, Value event, String targetRoute, EvalOptions options) {
    List<RoutePlan> out = new ArrayList<>();
    for (CompiledRoute route : cfg.routes()) {
      if (targetRoute != null && !route.name().equals(targetRoute)) continue;
      String template = route.template() == null ? TemplateSet.RAW_JSON : route.template();
      boolean matched;
      try {
        matched = route.filter().matches(event, options);
      } catch (RegoException e) {
        out.add(new RoutePlan(route.name(), false, template, null, null, null, "filter failed: " + e.getMessage(), null, null, List.of()));
        continue;
      }
      if (!matched) {
        out.add(new RoutePlan(route.name(), false, template, null, null, null, null, null, null, List.of()));
        continue;
      }
      String title = null;
      String result = null;
      String url = null;
      String error = null;
      try {
        RenderedMessage m = cfg.templates().render(template, event, "dry-run", cfg.config().aquaServer());
        title = m.title();
        result = m.result();
        url = m.url();
      } catch (TemplateException e) {
        error = e.getMessage();
      }
      var plugins = route.config().plugins();
      String dedup = plugins.uniqueMessageProps().isEmpty() ? null : DedupKey.of(event, plugins.uniqueMessageProps());
      String aggregation = plugins.aggregateMessageNumber() != null ? "number " + plugins.aggregateMessageNumber()
          : plugins.aggregateMessageTimeout() != null ? "timeout " + plugins.aggregateMessageTimeout() : null;
      List<ActionPlan> actions = new ArrayList<>();
      for (ActionConfig a : route.actions()) {
        String runsOn = Pipeline.resolveRunsOn(route.config().runsOnFor(a), event);
        actions.add(new ActionPlan(a.name(), a.type(), runsOn == null ? "controller" : runsOn));
      }
      out.add(new RoutePlan(route.name(), true, template, title, result, url, error, dedup, aggregation, actions));
    }
    return out;
  }
}
