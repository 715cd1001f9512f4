package dev.postee.core.config;

import dev.postee.core.config.ConfigProblem.Severity;
import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one load; loading never stops at the first one. */
final class Problems {
  private final List<ConfigProblem> found = new ArrayList<>();
  private final boolean strict;

  Problems(boolean strict) {
    this.strict = strict;
  }

  void error(SourceLocation where, String message) {
    found.add(new ConfigProblem(Severity.ERROR, where, message));
  }

  void warning(SourceLocation where, String message) {
    found.add(new ConfigProblem(Severity.WARNING, where, message));
  }

  /** Unknown keys are warnings (Postee ignored them), errors in strict mode. */
  void unknownKey(SourceLocation where, String message) {
    found.add(new ConfigProblem(strict ? Severity.ERROR : Severity.WARNING, where, message));
  }

  boolean hasErrors() {
    return found.stream().anyMatch(ConfigProblem::isError);
  }

  List<ConfigProblem> all() {
    return List.copyOf(found);
  }
}
