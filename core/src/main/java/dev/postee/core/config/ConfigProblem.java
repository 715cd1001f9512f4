package dev.postee.core.config;

import java.util.Comparator;
import java.util.Locale;

/**
 * One thing wrong with a config file: where, how bad, and a sentence saying what is wrong and what
 * is expected.
 */
public record ConfigProblem(Severity severity, SourceLocation location, String message) {
  public enum Severity { ERROR, WARNING }

  /** File order: by line, then column; problems without a position first. */
  static final Comparator<ConfigProblem> IN_FILE_ORDER =
      Comparator.comparingInt((ConfigProblem p) -> p.location().line())
          .thenComparingInt(p -> p.location().column());

  public static ConfigProblem error(SourceLocation where, String message) {
    return new ConfigProblem(Severity.ERROR, where == null ? SourceLocation.UNKNOWN : where, message);
  }

  public static ConfigProblem warning(SourceLocation where, String message) {
    return new ConfigProblem(Severity.WARNING, where == null ? SourceLocation.UNKNOWN : where, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** As compilers print it: {@code file:line:col: error: message}. */
  public String format() {
    return location + ": " + severity.name().toLowerCase(Locale.ROOT) + ": " + message;
  }

  @Override
  public String toString() {
    return format();
  }
}
