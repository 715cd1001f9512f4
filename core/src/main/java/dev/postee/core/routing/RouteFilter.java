package dev.postee.core.routing;

import dev.postee.core.config.ConfigProblem;
import dev.postee.core.config.RouteConfig;
import dev.postee.rego.PreparedPolicy;
import dev.postee.rego.Rego;
import dev.postee.rego.ast.Parser;
import dev.postee.rego.compile.CompileError;
import dev.postee.rego.compile.CompileException;
import dev.postee.rego.eval.EvalOptions;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's filter (SPEC §5, §6), compiled once per config load: the route's {@code input} wrapped
 * in {@code package postee} with {@code default allow = false}, or its {@code input-files} (each
 * defining {@code data.postee.allow}), OR-ed. No filter matches every event.
 */
public final class RouteFilter {
  private static final List<String> ALLOW = List.of("postee", "allow");
  /** Lines the wrapper adds before the route's input text. */
  static final int WRAPPER_LINES = 4;

  private final List<PreparedPolicy> policies;

  private RouteFilter(List<PreparedPolicy> policies) { this.policies = policies; }

  public static final RouteFilter MATCH_ALL = new RouteFilter(List.of());

  static String wrap(String input) {
    return "package postee\nimport future.keywords\ndefault allow = false\nallow {\n" + input + "\n}\n";
  }

  /** Compiles the filter; problems are reported with the route's location. */
  public static RouteFilter compile(RouteConfig route, Path filtersDir, List<ConfigProblem> problems) {
    List<PreparedPolicy> policies = new ArrayList<>();
    if (!route.inputFiles().isEmpty()) {
      for (String name : route.inputFiles()) {
        Path file = resolve(filtersDir, name);
        if (file == null) {
          problems.add(ConfigProblem.error(route.location(), "route '" + route.name() + "': input file '" + name
              + "' not found in " + filtersDir.toAbsolutePath() + " (set REGO_FILTERS_PATH to the directory of the filter files)"));
          continue;
        }
        try {
          PreparedPolicy p = Rego.builder().module(file.toString(), Files.readString(file, StandardCharsets.UTF_8)).compile();
          if (p.policy().root().child(dev.postee.rego.value.StringValue.of("postee")) == null) {
            problems.add(ConfigProblem.error(route.location(), "route '" + route.name() + "': " + file
                + " must define allow in package postee"));
            continue;
          }
          policies.add(p);
        } catch (CompileException e) {
          for (CompileError ce : e.errors()) problems.add(ConfigProblem.error(route.location(), "route '" + route.name() + "': " + ce));
        } catch (IOException e) {
          problems.add(ConfigProblem.error(route.location(), "route '" + route.name() + "': cannot read " + file + ": " + e.getMessage()));
        }
      }
      return new RouteFilter(List.copyOf(policies));
    }
    if (route.input() == null || route.input().isBlank()) return MATCH_ALL;
    try {
      policies.add(Rego.builder().syntax(Parser.Syntax.V0).module("route " + route.name(), wrap(route.input())).compile());
    } catch (CompileException e) {
      for (CompileError ce : e.errors()) {
        String at = ce.location() == null ? "" : " (line " + Math.max(1, ce.location().line() - WRAPPER_LINES)
            + ", column " + ce.location().column() + " of input)";
        problems.add(ConfigProblem.error(route.location(), "route '" + route.name() + "': input " + ce.code() + ": " + ce.message() + at));
      }
    }
    return new RouteFilter(List.copyOf(policies));
  }

  private static Path resolve(Path dir, String name) {
    Path p = dir.resolve(name);
    if (Files.isRegularFile(p)) return p;
    Path withExt = dir.resolve(name + ".rego");
    return Files.isRegularFile(withExt) ? withExt : null;
  }

  /** Whether the event passes the filter; evaluation errors count as no match (and are thrown). */
  public boolean matches(Value event, EvalOptions options) {
    if (policies.isEmpty()) return true;
    for (PreparedPolicy p : policies) {
      if (p.valueAt(ALLOW, event, options) == BooleanValue.TRUE) return true;
    }
    return false;
  }
}
