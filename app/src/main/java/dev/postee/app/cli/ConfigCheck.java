package dev.postee.app.cli;

import dev.postee.app.ConfigProblems;
import dev.postee.core.action.ActionEnvironment;
import dev.postee.core.action.ActionTypes;
import dev.postee.core.config.ConfigLoadResult;
import dev.postee.core.config.ConfigLoader;
import dev.postee.core.config.ConfigProblem;
import dev.postee.core.config.PosteeConfig;
import dev.postee.core.config.RouteConfig;
import dev.postee.core.config.TemplateConfig;
import dev.postee.core.routing.CompiledConfig;
import dev.postee.core.routing.ConfigCompiler;
import dev.postee.core.routing.RegoChecker;
import dev.postee.core.template.TemplateSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads and compiles a configuration the way the server would, without starting anything: every
 * problem from the loader (YAML, keys, types, references, Rego syntax) and from compiling filters,
 * templates and actions. Action instances are created in a throw-away work directory and closed.
 *
 * <p>For {@code validate}, references to files outside the config (route {@code input-files} under
 * REGO_FILTERS_PATH, user template packages under --rego-templates) can only be checked where those
 * directories exist. When a directory is absent here, its references become warnings naming each
 * unchecked file or package, and the rest of the config is still compiled.
 */
final class ConfigCheck implements AutoCloseable {
  private final List<ConfigProblem> problems;
  private final CompiledConfig compiled;
  private final List<Path> scratch;

  private ConfigCheck(List<ConfigProblem> problems, CompiledConfig compiled, List<Path> scratch) {
    this.problems = problems;
    this.compiled = compiled;
    this.scratch = scratch;
  }

  /**
   * @param uncheckableAsWarnings validate: references into absent directories are warnings
   */
  static ConfigCheck run(Path configFile, Map<String, String> environment, boolean strict, Path templatesDir,
      Path filtersDir, boolean uncheckableAsWarnings) {
    ConfigLoadResult loaded = ConfigLoader.defaults().withEnvironment(environment).strict(strict)
        .withRegoSyntaxChecker(RegoChecker.INSTANCE).load(configFile);
    List<ConfigProblem> problems = new ArrayList<>(loaded.problems());
    if (!loaded.isLoaded()) return new ConfigCheck(inFileOrder(problems), null, List.of());
    PosteeConfig config = loaded.configOrThrow();
    List<Path> scratch = new ArrayList<>();
    try {
      if (uncheckableAsWarnings) {
        filtersDir = stubMissingFilters(config, filtersDir, problems, scratch);
        templatesDir = stubMissingTemplates(config, templatesDir, problems, scratch);
      }
      Path work = Files.createTempDirectory("postee-check-");
      scratch.add(work);
      ConfigCompiler.Result result;
      try (ActionEnvironment env = ActionEnvironment.create(work.resolve("work"))) {
        result = ConfigCompiler.compile(config, new ConfigCompiler.Options(filtersDir, TemplateSet.Options.defaults(templatesDir),
            ActionTypes.builtIn(), env, a -> true, "standalone"));
      }
      problems.addAll(result.problems());
      return new ConfigCheck(inFileOrder(problems.stream().map(p -> ConfigProblems.located(p, configFile)).toList()),
          result.compiled(), scratch);
    } catch (IOException e) {
      scratch.forEach(ConfigCheck::deleteTree);
      throw new UncheckedIOException("cannot create a temporary directory for checking the configuration", e);
    }
  }

  /** Problems in file order, each once (an action shared by routes is reported once). */
  private static List<ConfigProblem> inFileOrder(List<ConfigProblem> all) {
    Map<String, ConfigProblem> unique = new LinkedHashMap<>();
    for (ConfigProblem p : all) unique.putIfAbsent(p.format(), p);
    return unique.values().stream()
        .sorted(Comparator.comparingInt((ConfigProblem p) -> p.location().line()).thenComparingInt(p -> p.location().column()))
        .toList();
  }

  private static Path stubMissingFilters(PosteeConfig config, Path filtersDir, List<ConfigProblem> problems, List<Path> scratch)
      throws IOException {
    if (Files.isDirectory(filtersDir)) return filtersDir;
    Path stubs = null;
    for (RouteConfig r : config.routes()) {
      if (r.inputFiles().isEmpty()) continue;
      if (stubs == null) {
        stubs = Files.createTempDirectory("postee-filters-");
        scratch.add(stubs);
      }
      for (String name : r.inputFiles()) {
        Path stub = stubs.resolve(name).normalize();
        if (!stub.startsWith(stubs)) continue; // leaves the directory: the compiler reports it
        Files.createDirectories(stub.getParent());
        Files.writeString(stub, "package postee\n\ndefault allow := false\n");
      }
      problems.add(ConfigProblem.warning(r.location(), "route '" + r.name() + "': input files " + r.inputFiles()
          + " not checked: the filters directory " + filtersDir.toAbsolutePath().normalize() + " does not exist here"
          + " (set REGO_FILTERS_PATH to check them; the server needs them there)"));
    }
    return stubs == null ? filtersDir : stubs;
  }

  private static Path stubMissingTemplates(PosteeConfig config, Path templatesDir, List<ConfigProblem> problems,
      List<Path> scratch) throws IOException {
    if (Files.isDirectory(templatesDir)) return templatesDir;
    List<TemplateConfig> byPackage = config.templates().stream().filter(t -> t.regoPackage() != null).toList();
    if (byPackage.isEmpty()) return templatesDir;
    TemplateSet builtIn = TemplateSet.compile(byPackage, Set.of(), TemplateSet.Options.defaults(null)).templates();
    Path stubs = null;
    for (TemplateConfig t : byPackage) {
      if (builtIn != null && builtIn.has(t.name())) continue;
      if (!t.regoPackage().matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*")) continue; // the compiler reports it
      if (stubs == null) {
        stubs = Files.createTempDirectory("postee-templates-");
        scratch.add(stubs);
      }
      Files.writeString(stubs.resolve(t.name().replaceAll("[^A-Za-z0-9_-]", "_") + "-" + Math.abs(t.name().hashCode()) + ".rego"),
          "package " + t.regoPackage() + "\n\ntitle := \"\"\n\nresult := \"\"\n");
      problems.add(ConfigProblem.warning(t.location(), "template '" + t.name() + "': package " + t.regoPackage()
          + " is not built in and was not checked: the templates directory " + templatesDir.toAbsolutePath().normalize()
          + " does not exist here (give --rego-templates to check it; the server needs the package there)"));
    }
    return stubs == null ? templatesDir : stubs;
  }

  List<ConfigProblem> problems() { return problems; }

  List<ConfigProblem> errors() { return problems.stream().filter(ConfigProblem::isError).toList(); }

  List<ConfigProblem> warnings() { return problems.stream().filter(p -> !p.isError()).toList(); }

  /** The compiled configuration, or null when there are errors. */
  CompiledConfig compiled() { return compiled; }

  @Override
  public void close() {
    if (compiled != null) compiled.retire();
    scratch.forEach(ConfigCheck::deleteTree);
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) return;
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // a temporary file left behind is harmless
        }
      });
    } catch (IOException e) {
      // same
    }
  }
}
