package dev.postee.rego.compile;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when modules or a query do not compile; lists every problem found. */
public final class CompileException extends RuntimeException {
  private final List<CompileError> errors;

  public CompileException(List<CompileError> errors) {
    super(errors.stream().map(CompileError::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public List<CompileError> errors() { return errors; }
}
