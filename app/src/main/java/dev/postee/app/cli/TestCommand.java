package dev.postee.app.cli;

import dev.postee.app.JsonText;
import dev.postee.core.config.ConfigProblem;
import dev.postee.core.engine.DryRun;
import dev.postee.core.routing.CompiledConfig;
import dev.postee.core.routing.CompiledRoute;
import dev.postee.rego.eval.EvalOptions;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code postee test}: a dry run of one event through a configuration, with no side effects. */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = {"Dry-runs an event through a configuration, with no side effects.", "",
        "Shows which routes match, the rendered title and result per route, and which actions would",
        "run where. Nothing is stored, sent or executed.", "",
        "Exit codes: 0 dry run done, 1 configuration errors or a template/filter error on a route,",
        "2 usage error (unreadable or invalid event file, unknown --route)."})
final class TestCommand implements Callable<Integer> {
  enum Format { text, json }

  private final Cli cli;

  @Mixin
  ConfigFileOptions config = new ConfigFileOptions();

  @Option(names = "--event", paramLabel = "FILE", required = true, description = "The event, a JSON file ('-' reads standard input).")
  String event;

  @Option(names = "--route", paramLabel = "NAME", description = "Only this route (as POST /tenant/NAME).")
  String route;

  @Option(names = "--format", paramLabel = "text|json", defaultValue = "text", description = "Output format (default ${DEFAULT-VALUE}).")
  Format format;

  TestCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws UsageException {
    Value input = readEvent();
    Path file = config.configFile(cli.env());
    try (ConfigCheck check = config.check(cli.env(), false)) {
      CompiledConfig compiled = check.compiled();
      if (compiled == null) {
        for (ConfigProblem p : check.errors()) cli.err().println(p.format());
        cli.err().println("postee test: " + file + " has " + ValidateCommand.count(check.errors().size(), "error")
            + "; fix them first (postee validate --cfgfile " + file + " lists warnings too)");
        return ExitCodes.CONFIG_ERROR;
      }
      if (route != null && compiled.route(route) == null) {
        throw new UsageException("--route: no route named '" + route + "' in " + file + " (routes: "
            + compiled.routes().stream().map(CompiledRoute::name).collect(Collectors.joining(", ")) + ")");
      }
      List<DryRun.RoutePlan> plans = DryRun.run(compiled, input, route, EvalOptions.DEFAULT.withTimeout(Duration.ofSeconds(5)));
      if (format == Format.json) {
        cli.out().println(JsonText.writeIndented(json(plans)));
      } else {
        printText(plans);
      }
      return plans.stream().anyMatch(p -> p.error() != null) ? ExitCodes.CONFIG_ERROR : ExitCodes.OK;
    }
  }

  private Value readEvent() throws UsageException {
    byte[] bytes;
    try {
      bytes = event.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(event));
    } catch (NoSuchFileException e) {
      throw new UsageException("--event: " + event + " does not exist");
    } catch (IOException e) {
      throw new UsageException("--event: cannot read " + event + ": " + e.getMessage());
    }
    try {
      return Json.parse(bytes);
    } catch (Json.ParseException e) {
      throw new UsageException("--event: " + event + " is not valid JSON: " + e.getMessage());
    }
  }

  /** The documented shape: {"routes": [{route, matched, template, title, result, actions: [{action, runs_on}]}]}. */
  static Map<String, Object> json(List<DryRun.RoutePlan> plans) {
    List<Map<String, Object>> routes = new ArrayList<>();
    for (DryRun.RoutePlan p : plans) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("route", p.route());
      r.put("matched", p.matched());
      r.put("template", p.template());
      r.put("title", p.title());
      r.put("result", p.result());
      if (p.url() != null) r.put("url", p.url());
      if (p.error() != null) r.put("error", p.error());
      if (p.dedupKey() != null) r.put("dedup_key", p.dedupKey());
      if (p.aggregation() != null) r.put("aggregation", p.aggregation());
      List<Map<String, Object>> actions = new ArrayList<>();
      for (DryRun.ActionPlan a : p.actions()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", a.action());
        m.put("type", a.type());
        m.put("runs_on", a.runsOn());
        actions.add(m);
      }
      r.put("actions", actions);
      routes.add(r);
    }
    return Map.of("routes", routes);
  }

  private void printText(List<DryRun.RoutePlan> plans) {
    int matched = 0;
    for (DryRun.RoutePlan p : plans) {
      if (!p.matched()) {
        cli.out().println("route '" + p.route() + "': not matched" + (p.error() == null ? "" : " (" + p.error() + ")"));
        continue;
      }
      matched++;
      cli.out().println("route '" + p.route() + "': matched");
      cli.out().println("  template: " + p.template());
      if (p.error() != null) {
        cli.out().println("  error: " + p.error());
      } else {
        cli.out().println("  title: " + p.title());
        cli.out().println("  result:");
        for (String line : String.valueOf(p.result()).split("\n", -1)) cli.out().println("    " + line);
        if (p.url() != null) cli.out().println("  url: " + p.url());
      }
      if (p.dedupKey() != null) cli.out().println("  dedup key: " + p.dedupKey());
      if (p.aggregation() != null) cli.out().println("  aggregation: " + p.aggregation());
      if (p.actions().isEmpty()) {
        cli.out().println("  actions: none");
      } else {
        cli.out().println("  actions:");
        for (DryRun.ActionPlan a : p.actions()) {
          cli.out().println("    " + a.action() + " (" + a.type() + ") runs on " + a.runsOn());
        }
      }
    }
    cli.out().println(matched + " of " + ValidateCommand.count(plans.size(), "route") + " matched");
  }
}
