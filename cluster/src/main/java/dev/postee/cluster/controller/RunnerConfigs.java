package dev.postee.cluster.controller;

import dev.postee.cluster.protocol.RunnerConfig;
import dev.postee.core.config.ActionConfig;
import dev.postee.core.config.ActionType;
import dev.postee.core.config.ActionTypes;
import dev.postee.core.config.FieldSpec;
import dev.postee.core.config.PosteeConfig;
import dev.postee.core.config.RouteConfig;
import dev.postee.core.config.RoutePlugins;
import dev.postee.core.config.Settings;
import dev.postee.core.config.TemplateConfig;
import dev.postee.rego.ast.Module;
import dev.postee.rego.ast.ParseException;
import dev.postee.rego.ast.Parser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Builds the configuration each runner receives: only the routes that have actions on that runner,
 * narrowed to those actions, the templates they use and the files they need. Another action's
 * fields (and secrets) never appear in a runner's configuration.
 *
 * <p>An action runs on runner R when its effective {@code runs-on} (its own, else its route's) is
 * R, or is an {@code event.input.} selector (the runner is chosen per event, so every runner gets
 * such an action).
 */
public final class RunnerConfigs {
  private RunnerConfigs() {}

  /** Runners named statically by runs-on anywhere in the configuration, plus declared runners. */
  public static Set<String> namedRunners(PosteeConfig config) {
    Set<String> out = new LinkedHashSet<>();
    config.runners().forEach(r -> out.add(r.name()));
    for (RouteConfig route : config.routes()) {
      for (String name : route.actions()) {
        config.action(name).ifPresent(a -> {
          String runsOn = route.runsOnFor(a);
          if (runsOn != null && !isSelector(runsOn)) out.add(runsOn);
        });
      }
    }
    return out;
  }

  static boolean isSelector(String runsOn) {
    return runsOn.startsWith("event.input.");
  }

  /** Whether action a of route r runs on runner: statically named, or chosen per event. */
  public static boolean runsOn(RouteConfig r, ActionConfig a, String runner) {
    String runsOn = r.runsOnFor(a);
    return runsOn != null && (runsOn.equals(runner) || isSelector(runsOn));
  }

  /**
   * The configuration of one runner.
   *
   * @param templatesDir the controller's user templates directory (packages the runner needs are sent along)
   * @param filtersDir the controller's REGO_FILTERS_PATH (input-files the runner needs are sent along)
   */
  public static RunnerConfig forRunner(PosteeConfig config, String runner, Path templatesDir, Path filtersDir, long nowMillis) {
    Map<String, String> files = new TreeMap<>();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("name", config.name() == null ? runner : config.name());
    if (config.aquaServer() != null) root.put("aqua-server", escape(config.aquaServer()));
    root.put("db-verify-interval", Math.max(1, config.dbVerifyInterval().toHours()));

    List<Map<String, Object>> routes = new ArrayList<>();
    Set<String> actionNames = new LinkedHashSet<>();
    Set<String> templateNames = new LinkedHashSet<>();
    for (RouteConfig r : config.routes()) {
      List<String> mine = new ArrayList<>();
      for (String name : r.actions()) {
        ActionConfig a = config.action(name).orElse(null);
        if (a != null && a.enabled() && runsOn(r, a, runner)) mine.add(name);
      }
      if (mine.isEmpty()) continue;
      Map<String, Object> route = new LinkedHashMap<>();
      route.put("name", r.name());
      if (!r.inputFiles().isEmpty()) {
        route.put("input-files", r.inputFiles());
        for (String f : r.inputFiles()) addFilterFile(files, filtersDir, f);
      } else if (r.input() != null) {
        route.put("input", r.input());
      }
      route.put("actions", mine);
      if (r.template() != null) {
        route.put("template", r.template());
        templateNames.add(r.template());
      }
      if (r.serializeActions()) route.put("serialize-actions", true);
      Map<String, Object> plugins = plugins(r.plugins());
      if (!plugins.isEmpty()) route.put("plugins", plugins);
      routes.add(route);
      actionNames.addAll(mine);
    }
    root.put("routes", routes);

    List<Map<String, Object>> templates = new ArrayList<>();
    Set<String> packagesNeeded = new LinkedHashSet<>();
    for (String t : templateNames) {
      TemplateConfig tc = config.template(t).orElse(null);
      if (tc == null) continue;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", tc.name());
      if (tc.regoPackage() != null) {
        m.put("rego-package", tc.regoPackage());
        packagesNeeded.add(tc.regoPackage());
      } else if (tc.body() != null) {
        m.put("body", tc.body());
      } else if (tc.url() != null) {
        m.put("url", escape(tc.url()));
      } else if (tc.legacyScanRenderer() != null) {
        m.put("legacy-scan-renderer", tc.legacyScanRenderer());
      }
      templates.add(m);
    }
    root.put("templates", templates);
    addTemplateFiles(files, templatesDir, packagesNeeded);

    List<Map<String, Object>> actions = new ArrayList<>();
    for (String name : actionNames) {
      ActionConfig a = config.action(name).orElseThrow();
      actions.add(action(config, a, runner));
    }
    root.put("actions", actions);

    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    o.setDefaultScalarStyle(DumperOptions.ScalarStyle.PLAIN);
    o.setIndicatorIndent(0);
    o.setWidth(Integer.MAX_VALUE);
    String yaml = "# Configuration of runner " + runner + ", issued by the Postee controller. Do not edit: it is replaced\n"
        + "# whenever the controller's configuration changes.\n" + new Yaml(o).dump(root);
    return new RunnerConfig(runner, version(yaml, files), yaml, files, nowMillis, null);
  }

  private static Map<String, Object> action(PosteeConfig config, ActionConfig a, String runner) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", a.name());
    m.put("type", a.type());
    m.put("enable", true);
    String runsOn = effectiveRunsOn(config, a, runner);
    if (runsOn != null) m.put("runs-on", runsOn);
    if (a.timeout() != null) m.put("timeout", a.timeout().toMillis() + "ms");
    if (a.retry() != null) {
      if (a.retry().maxAttempts() != null) m.put("max-attempts", a.retry().maxAttempts());
      if (a.retry().initialDelay() != null) m.put("retry-initial-delay", a.retry().initialDelay().toMillis() + "ms");
      if (a.retry().maxDelay() != null) m.put("retry-max-delay", a.retry().maxDelay().toMillis() + "ms");
    }
    ActionType type = ActionTypes.get(a.type()).orElse(null);
    for (String key : a.settings().keys()) {
      boolean verbatim = type != null && type.field(key).map(FieldSpec::verbatim).orElse(false);
      m.put(key, plain(a.settings().raw(key), verbatim));
    }
    return m;
  }

  /** The runs-on an action has for this runner (selectors kept: the runner compares them with events). */
  private static String effectiveRunsOn(PosteeConfig config, ActionConfig a, String runner) {
    for (RouteConfig r : config.routes()) {
      if (r.actions().contains(a.name())) {
        String runsOn = r.runsOnFor(a);
        if (runsOn != null && (runsOn.equals(runner) || isSelector(runsOn))) return runsOn;
      }
    }
    return a.runsOn();
  }

  /** Plain YAML data for a settings value; '$' escaped so the runner's loader does not substitute again. */
  private static Object plain(Object v, boolean verbatim) {
    if (v instanceof String s) return verbatim ? s : escape(s);
    if (v instanceof Settings nested) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (String k : nested.keys()) m.put(k, plain(nested.raw(k), false));
      return m;
    }
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> m = new LinkedHashMap<>();
      map.forEach((k, x) -> m.put(String.valueOf(k), plain(x, verbatim)));
      return m;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object x : l) out.add(plain(x, verbatim));
      return out;
    }
    return v;
  }

  private static String escape(String s) {
    return s.replace("$", "$$");
  }

  private static Map<String, Object> plugins(RoutePlugins p) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!p.uniqueMessageProps().isEmpty()) m.put("unique-message-props", p.uniqueMessageProps());
    if (p.uniqueMessageTimeout() != null) m.put("unique-message-timeout", seconds(p.uniqueMessageTimeout()));
    if (p.aggregateMessageNumber() != null) m.put("aggregate-message-number", p.aggregateMessageNumber());
    if (p.aggregateMessageTimeout() != null) m.put("aggregate-message-timeout", seconds(p.aggregateMessageTimeout()));
    return m;
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + "s";
  }

  private static void addFilterFile(Map<String, String> files, Path dir, String name) {
    if (dir == null) return;
    Path p = dir.resolve(name);
    if (!Files.isRegularFile(p)) p = dir.resolve(name + ".rego");
    if (!Files.isRegularFile(p)) return;
    try {
      files.put("filters/" + p.getFileName(), Files.readString(p, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read filter " + p + ": " + e.getMessage(), e);
    }
  }

  /** User template modules the runner needs: the packages used, and the shared helpers (package postee). */
  private static void addTemplateFiles(Map<String, String> files, Path dir, Set<String> packages) {
    if (dir == null || !Files.isDirectory(dir) || packages.isEmpty()) return;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".rego") && Files.isRegularFile(f)).sorted().toList()) {
        String src = Files.readString(p, StandardCharsets.UTF_8);
        String pkg;
        try {
          Module m = Parser.parseModule(p.toString(), src);
          pkg = m.packageName();
        } catch (ParseException e) {
          continue;
        }
        if (pkg.equals("postee") || packages.contains(pkg)) {
          files.put("templates/" + dir.relativize(p).toString().replace('\\', '/'), src);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read templates directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String version(String yaml, Map<String, String> files) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(yaml.getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, String> e : files.entrySet()) {
        d.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        d.update(e.getValue().getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(d.digest(), 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
