package dev.postee.core.config;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What loading a file produced: every problem found, in file order, and the config only when none
 * of them is an error. A config with errors is never handed out, not even partly.
 */
public record ConfigLoadResult(String source, Optional<PosteeConfig> config, List<ConfigProblem> problems) {
  public ConfigLoadResult {
    problems = problems.stream().sorted(ConfigProblem.IN_FILE_ORDER).toList();
    if (config.isPresent() && problems.stream().anyMatch(ConfigProblem::isError)) {
      throw new IllegalArgumentException("a config with errors must not be returned as loaded");
    }
  }

  public boolean isLoaded() {
    return config.isPresent();
  }

  public List<ConfigProblem> errors() {
    return problems.stream().filter(ConfigProblem::isError).toList();
  }

  public List<ConfigProblem> warnings() {
    return problems.stream().filter(p -> !p.isError()).toList();
  }

  /** The config, or an exception whose message lists every problem. */
  public PosteeConfig configOrThrow() {
    return config.orElseThrow(() -> new InvalidConfigException(this));
  }

  /** One line per problem: {@code file:line:col: error: message}; empty when there is none. */
  public String formatProblems() {
    return problems.stream().map(ConfigProblem::format).collect(Collectors.joining("\n"));
  }
}
