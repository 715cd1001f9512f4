package dev.postee.core.config;

import dev.postee.core.config.ValueReader.Block;
import dev.postee.core.config.YamlNode.Entry;
import dev.postee.core.config.YamlNode.Mapping;
import dev.postee.core.config.YamlNode.Scalar;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Binds the YAML tree to the config model and validates it: shapes and values first, then the
 * references between routes, templates, actions and runners. Every problem is collected; the
 * caller hands out the model only when none is an error.
 */
final class ConfigBinder {
  private static final List<String> TOP_LEVEL_KEYS = List.of("name", "version", "type", "aqua-server", "max-db-size",
      "db-verify-interval", "routes", "templates", "actions", "outputs", "rules", "runners");
  private static final List<String> ROUTE_KEYS = List.of("name", "input", "input-files", "actions", "outputs",
      "template", "serialize-actions", "serialize-outputs", "runs-on", "plugins");
  private static final List<String> PLUGIN_KEYS = List.of("unique-message-props", "unique-message-timeout",
      "aggregate-message-number", "aggregate-message-timeout");
  private static final List<String> TEMPLATE_KEYS = List.of("name", "rego-package", "body", "url",
      "legacy-scan-renderer");
  private static final List<String> TEMPLATE_SOURCES = TEMPLATE_KEYS.subList(1, TEMPLATE_KEYS.size());
  private static final List<String> LEGACY_RENDERERS = List.of("html", "slack", "jira");
  private static final List<String> RUNNER_KEYS = List.of("name", "labels", "nkey");
  private static final List<String> RULE_KEYS = List.of("name");
  private static final List<String> CONFIG_TYPES = List.of("controller", "runner", "standalone");
  private static final Pattern REGO_PACKAGE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");
  private static final Pattern USER_NKEY = Pattern.compile("U[A-Z2-7]{55}");

  private final Problems problems;
  private final ValueReader reader;
  private final RegoSyntaxChecker regoChecker;
  private final RegoPositions regoPositions;
  private final ActionBinder actionBinder;
  private final String source;

  /** Names used by routes, resolved once every section is bound. */
  private record Reference(String name, SourceLocation location, String context) {}

  private final List<Reference> actionReferences = new ArrayList<>();
  private final List<Reference> templateReferences = new ArrayList<>();
  private final List<Reference> runnerReferences = new ArrayList<>();

  ConfigBinder(String source, String text, Problems problems, EnvSubstitution env, RegoSyntaxChecker regoChecker) {
    this.source = source;
    this.problems = problems;
    this.reader = new ValueReader(problems, env);
    this.regoChecker = regoChecker;
    this.regoPositions = new RegoPositions(text);
    this.actionBinder = new ActionBinder(problems, reader);
  }

  /** The model of {@code root}; complete only when no error was reported. */
  Optional<PosteeConfig> bind(YamlNode root) {
    if (!(root instanceof Mapping mapping)) {
      problems.error(root.location(), "the file must be a mapping with keys such as name, routes, templates and"
          + " actions, but found " + root.describe());
      return Optional.empty();
    }
    Block top = reader.block(mapping, "", TOP_LEVEL_KEYS);
    String type = top.string("type");
    if (type != null && !CONFIG_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
      problems.warning(top.entry("type").orElseThrow().value().location(), "'type' is '" + type
          + "', which this product does not use; expected one of " + Messages.list(CONFIG_TYPES)
          + " (the mode is chosen on the command line)");
    }

    List<RunnerConfig> runners = top.items("runners", "a list of runners (each '- name: ...')").stream()
        .map(this::runner).flatMap(Optional::stream).toList();
    List<TemplateConfig> templates = top.items("templates", "a list of templates (each '- name: ...')").stream()
        .map(this::template).flatMap(Optional::stream).toList();
    String actionsKey = alias(top, "actions", "outputs");
    List<ActionConfig> actions = top.items(actionsKey, "a list of actions (each '- name: ...')").stream()
        .map(this::action).flatMap(Optional::stream).toList();
    List<RouteConfig> routes = top.items("routes", "a list of routes (each '- name: ...')").stream()
        .map(this::route).flatMap(Optional::stream).toList();
    List<String> rules = top.items("rules", "a list of rules (each '- name: ...')").stream()
        .map(this::rule).flatMap(Optional::stream).toList();

    uniqueNames("runner", runners, RunnerConfig::name, RunnerConfig::location);
    uniqueNames("template", templates, TemplateConfig::name, TemplateConfig::location);
    uniqueNames("action", actions, ActionConfig::name, ActionConfig::location);
    uniqueNames("route", routes, RouteConfig::name, RouteConfig::location);
    checkActionReferences(actions);
    checkTemplateReferences(templates);
    boolean runnersDeclared = top.has("runners");
    if (runnersDeclared) {
      checkRunnerReferences(runners);
    }

    return Optional.of(new PosteeConfig(top.string("name"), top.string("version"), type, top.string("aqua-server"),
        maxDbSize(top), dbVerifyInterval(top), routes, templates, actions, rules, runners, runnersDeclared, source));
  }

  /** The key in use among two names of one list (Postee's and the seed's); both at once is an error. */
  private String alias(Block block, String key, String alias) {
    if (block.has(key) && block.has(alias)) {
      problems.error(block.entry(alias).orElseThrow().key().location(), ValueReader.prefix(block.context()) + "'"
          + alias + "' and '" + key + "' are two names for the same thing (seed shape and Postee v2); keep one");
    }
    return block.has(alias) && !block.has(key) ? alias : key;
  }

  private Long maxDbSize(Block top) {
    Optional<Entry> entry = top.entry("max-db-size");
    if (entry.isEmpty()) {
      return null;
    }
    String text = reader.string(entry.get(), "", true);
    if (text == null) {
      return null;
    }
    try {
      long bytes = ByteSizes.parse(text);
      return bytes == 0 ? null : bytes;
    } catch (IllegalArgumentException e) {
      problems.error(entry.get().value().location(), "'max-db-size' must be " + ByteSizes.EXPECTED + ", but found '"
          + text.strip() + "'");
      return null;
    }
  }

  /** Hours as a bare number (Postee), or a duration with a unit; empty or 0 = the default. */
  private Duration dbVerifyInterval(Block top) {
    Optional<Entry> entry = top.entry("db-verify-interval");
    String text = entry.map(e -> reader.string(e, "", true)).orElse(null);
    if (text == null) {
      return PosteeConfig.DEFAULT_DB_VERIFY_INTERVAL;
    }
    try {
      Duration interval = text.strip().matches("\\d+(\\.\\d+)?")
          ? Durations.parse(text.strip() + "h")
          : Durations.parse(text);
      return interval.isZero() ? PosteeConfig.DEFAULT_DB_VERIFY_INTERVAL : interval;
    } catch (IllegalArgumentException e) {
      problems.error(entry.get().value().location(), "'db-verify-interval' must be a number of hours or "
          + Durations.EXPECTED + ", but found '" + text.strip() + "'");
      return PosteeConfig.DEFAULT_DB_VERIFY_INTERVAL;
    }
  }

  /** The item as a mapping, or a reported problem. */
  private Optional<Mapping> entryMapping(YamlNode item, String what) {
    if (item instanceof Mapping mapping) {
      return Optional.of(mapping);
    }
    problems.error(item.location(), "each " + what + " must be a mapping starting with '- name: ...', but found "
        + item.describe());
    return Optional.empty();
  }

  /** "route 'x'", or "route at line N" when the name is missing. */
  private String context(String kind, Mapping mapping) {
    return mapping.entry("name").map(Entry::value).orElse(null) instanceof Scalar name && !name.isNull()
        ? kind + " '" + name.text() + "'"
        : kind + " at line " + mapping.location().line();
  }

  private Optional<RouteConfig> route(YamlNode item) {
    return entryMapping(item, "route").map(mapping -> {
      Block block = reader.block(mapping, context("route", mapping), ROUTE_KEYS);
      String name = block.requiredName("route");
      String input = block.verbatim("input");
      List<String> inputFiles = block.strings("input-files");
      if (input != null && !inputFiles.isEmpty()) {
        problems.warning(block.entry("input").orElseThrow().key().location(), block.context()
            + ": 'input' is ignored because 'input-files' is given; keep one");
      } else if (input != null) {
        checkRegoInput(block, input);
      }
      String actionsKey = alias(block, "actions", "outputs");
      List<String> actionItems = block.strings(actionsKey);
      block.entry(actionsKey).ifPresent(entry -> referencedNames(entry, actionItems, actionReferences,
          block.context()));
      List<String> actions = actionItems.stream().filter(a -> !a.isEmpty()).toList();
      if (actions.isEmpty()) {
        problems.warning(block.location(), block.context() + " has no actions, so matching events go nowhere;"
            + " list action names under 'actions'");
      }
      String template = block.string("template");
      if (template != null) {
        templateReferences.add(new Reference(template, block.entry("template").orElseThrow().value().location(),
            block.context()));
      } else {
        problems.warning(block.location(), block.context() + " has no template, so its actions receive the event's"
            + " raw JSON; name a template under 'template' to format messages");
      }
      Boolean serialize = block.bool(alias(block, "serialize-actions", "serialize-outputs"));
      String runsOn = block.string("runs-on");
      if (runsOn != null) {
        runnerReferences.add(new Reference(runsOn, block.entry("runs-on").orElseThrow().value().location(),
            block.context()));
      }
      RoutePlugins plugins = block.mapping("plugins")
          .map(p -> plugins(reader.block(p, block.context() + " plugins", PLUGIN_KEYS)))
          .orElse(RoutePlugins.NONE);
      return new RouteConfig(name, input, inputFiles, actions, template, Boolean.TRUE.equals(serialize), runsOn,
          plugins, mapping.location());
    });
  }

  /** Records where each name of a list (route actions) was written, for reference checks. */
  private void referencedNames(Entry entry, List<String> names, List<Reference> into, String context) {
    List<SourceLocation> locations = entry.value() instanceof YamlNode.Sequence sequence
        ? sequence.items().stream().map(YamlNode::location).toList()
        : List.of(entry.value().location());
    for (int i = 0; i < names.size(); i++) {
      if (!names.get(i).isEmpty()) {
        into.add(new Reference(names.get(i), locations.get(Math.min(i, locations.size() - 1)), context));
      }
    }
  }

  private void checkRegoInput(Block block, String input) {
    Scalar scalar = (Scalar) block.entry("input").orElseThrow().value();
    regoChecker.checkRouteInput(input).ifPresent(error -> problems.error(
        regoPositions.locate(scalar, error.line(), error.column()),
        block.context() + ": 'input' is not valid Rego: " + error.message()
            + "; expected a Rego rule body such as contains(input.image, \"alpine\")"));
  }

  private RoutePlugins plugins(Block block) {
    Integer aggregateNumber = null;
    Long number = block.integer("aggregate-message-number");
    if (number != null && (number < 0 || number > Integer.MAX_VALUE)) {
      problems.error(block.entry("aggregate-message-number").orElseThrow().value().location(), block.context()
          + ": 'aggregate-message-number' must be a positive whole number (0 or empty = off), but found " + number);
    } else if (number != null && number > 0) {
      aggregateNumber = number.intValue();
    }
    return new RoutePlugins(block.strings("unique-message-props").stream().filter(s -> !s.isEmpty()).toList(),
        zeroIsOff(block.duration("unique-message-timeout")), aggregateNumber,
        zeroIsOff(block.duration("aggregate-message-timeout")));
  }

  private static Duration zeroIsOff(Duration duration) {
    return duration == null || duration.isZero() ? null : duration;
  }

  private Optional<TemplateConfig> template(YamlNode item) {
    return entryMapping(item, "template").map(mapping -> {
      Block block = reader.block(mapping, context("template", mapping), TEMPLATE_KEYS);
      String name = block.requiredName("template");
      String regoPackage = block.string("rego-package");
      if (regoPackage != null && !REGO_PACKAGE.matcher(regoPackage).matches()) {
        problems.error(block.entry("rego-package").orElseThrow().value().location(), block.context()
            + ": 'rego-package' must be a dotted package name such as postee.vuls.html, but found '"
            + regoPackage + "'");
      }
      String body = block.verbatim("body");
      if (body != null) {
        Scalar scalar = (Scalar) block.entry("body").orElseThrow().value();
        regoChecker.checkModule(body).ifPresent(error -> problems.error(
            regoPositions.locate(scalar, error.line(), error.column()),
            block.context() + ": 'body' is not a valid Rego module: " + error.message()));
      }
      String url = block.string("url");
      if (url != null && !isHttpUrl(url)) {
        problems.error(block.entry("url").orElseThrow().value().location(), block.context()
            + ": 'url' must be an http or https URL to fetch the Rego module from");
      }
      String legacy = block.string("legacy-scan-renderer");
      if (legacy != null && !LEGACY_RENDERERS.contains(legacy.toLowerCase(Locale.ROOT))) {
        problems.error(block.entry("legacy-scan-renderer").orElseThrow().value().location(), block.context()
            + ": 'legacy-scan-renderer' must be one of " + Messages.list(LEGACY_RENDERERS) + ", but found '"
            + legacy + "'");
      }
      List<String> sources = new ArrayList<>();
      for (String key : TEMPLATE_SOURCES) {
        if (block.entry(key).map(Entry::value).orElse(null) instanceof Scalar scalar && !scalar.text().isBlank()) {
          sources.add(key);
        }
      }
      if (sources.size() > 1) {
        problems.error(mapping.location(), block.context() + " has several sources (" + Messages.list(sources)
            + "); give exactly one of " + Messages.list(TEMPLATE_SOURCES));
      }
      return new TemplateConfig(name, regoPackage, body, url, legacy == null ? null : legacy.toLowerCase(Locale.ROOT),
          mapping.location());
    });
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      return uri.getHost() != null && ("http".equalsIgnoreCase(uri.getScheme())
          || "https".equalsIgnoreCase(uri.getScheme()));
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private Optional<ActionConfig> action(YamlNode item) {
    return entryMapping(item, "action").map(mapping -> {
      ActionConfig action = actionBinder.bind(mapping, context("action", mapping));
      if (action.runsOn() != null) {
        runnerReferences.add(new Reference(action.runsOn(), mapping.entry("runs-on").orElseThrow().value().location(),
            context("action", mapping)));
      }
      return action;
    });
  }

  private Optional<RunnerConfig> runner(YamlNode item) {
    return entryMapping(item, "runner").map(mapping -> {
      Block block = reader.block(mapping, context("runner", mapping), RUNNER_KEYS);
      String name = block.requiredName("runner");
      String nkey = block.string("nkey");
      if (nkey != null && !USER_NKEY.matcher(nkey).matches()) {
        problems.error(block.entry("nkey").orElseThrow().value().location(), block.context()
            + ": 'nkey' must be the runner's public user NKey (56 characters starting with 'U'; never the seed)");
      }
      return new RunnerConfig(name, block.stringMap("labels"), nkey, mapping.location());
    });
  }

  /** A rule is written '- name: X' (Postee) or just '- X'. */
  private Optional<String> rule(YamlNode item) {
    if (item instanceof Scalar scalar) {
      return Optional.ofNullable(reader.text(scalar, "rule", true));
    }
    return entryMapping(item, "rule").map(mapping -> reader.block(mapping, context("rule", mapping), RULE_KEYS)
        .requiredName("rule"));
  }

  private <T> void uniqueNames(String kind, List<T> items, Function<T, String> name,
      Function<T, SourceLocation> location) {
    Map<String, T> seen = new LinkedHashMap<>();
    for (T item : items) {
      String itemName = name.apply(item);
      T first = itemName == null ? null : seen.putIfAbsent(itemName, item);
      if (first != null) {
        problems.error(location.apply(item), "there is already a " + kind + " named '" + itemName + "' (line "
            + location.apply(first).line() + "); " + kind + " names must be unique");
      }
    }
  }

  private void checkActionReferences(List<ActionConfig> actions) {
    Map<String, ActionConfig> byName = new LinkedHashMap<>();
    actions.stream().filter(a -> a.name() != null).forEach(a -> byName.putIfAbsent(a.name(), a));
    for (Reference reference : actionReferences) {
      ActionConfig action = byName.get(reference.name());
      if (action == null) {
        problems.error(reference.location(), reference.context() + ": action '" + reference.name()
            + "' is not defined" + Messages.didYouMean(reference.name(), byName.keySet())
            + "; defined actions: " + Messages.list(byName.keySet()));
      } else if (!action.enabled()) {
        problems.warning(reference.location(), reference.context() + ": action '" + reference.name()
            + "' is disabled (line " + action.location().line() + "), so this route does not run it;"
            + " set 'enable: true' on the action to use it");
      }
    }
  }

  private void checkTemplateReferences(List<TemplateConfig> templates) {
    Map<String, TemplateConfig> byName = new LinkedHashMap<>();
    templates.stream().filter(t -> t.name() != null).forEach(t -> byName.putIfAbsent(t.name(), t));
    for (Reference reference : templateReferences) {
      TemplateConfig template = byName.get(reference.name());
      if (template == null) {
        problems.error(reference.location(), reference.context() + ": template '" + reference.name()
            + "' is not defined" + Messages.didYouMean(reference.name(), byName.keySet())
            + "; defined templates: " + Messages.list(byName.keySet()));
      } else if (template.hasNoSource()) {
        problems.error(reference.location(), reference.context() + ": template '" + reference.name() + "' (line "
            + template.location().line() + ") has no source; give it one of " + Messages.list(TEMPLATE_SOURCES));
      }
    }
    Set<String> used = templateReferences.stream().map(Reference::name).collect(Collectors.toSet());
    templates.stream()
        .filter(t -> t.hasNoSource() && (t.name() == null || !used.contains(t.name())))
        .forEach(t -> problems.warning(t.location(), "template " + (t.name() == null ? "at line "
            + t.location().line() : "'" + t.name() + "'") + " has no source, so no route can use it; give it one of "
            + Messages.list(TEMPLATE_SOURCES)));
  }

  private void checkRunnerReferences(List<RunnerConfig> runners) {
    List<String> names = runners.stream().map(RunnerConfig::name).filter(n -> n != null).toList();
    for (Reference reference : runnerReferences) {
      if (!RunnerConfig.isEventSelector(reference.name()) && !names.contains(reference.name())) {
        problems.error(reference.location(), reference.context() + ": 'runs-on' names runner '" + reference.name()
            + "', which is not declared under 'runners'" + Messages.didYouMean(reference.name(), names)
            + "; declared runners: " + Messages.list(names) + " (or use an event.input. selector)");
      }
    }
  }
}
