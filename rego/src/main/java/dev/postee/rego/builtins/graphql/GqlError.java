package dev.postee.rego.builtins.graphql;

import java.util.List;

/**
 * A gqlparser error: a message and, when known, the line and column it refers to. {@link
 * #text(List)} renders a list the way gqlparser's {@code gqlerror.List.Error()} does.
 */
final class GqlError {
  final String message;
  final int line;
  final int column;

  GqlError(String message, int line, int column) {
    this.message = message;
    this.line = line;
    this.column = column;
  }

  static GqlError at(Ast.Position pos, String message) {
    return pos == null ? new GqlError(message, -1, -1) : new GqlError(message, pos.line(), pos.column());
  }

  boolean hasLocation() { return line >= 0; }

  /** gqlerror.Error.Error(): "input:LINE:COL: message" (no location part when unknown). */
  String text() {
    return hasLocation() ? "input:" + line + ":" + column + ": " + message : "input: " + message;
  }

  static String text(List<GqlError> errors) {
    StringBuilder sb = new StringBuilder();
    for (GqlError e : errors) sb.append(e.text()).append('\n');
    return sb.toString();
  }

  /** Thrown for failures that abort processing (parse errors, schema errors, bad AST objects). */
  static final class Failure extends RuntimeException {
    final transient List<GqlError> errors;
    final String rendered;

    Failure(GqlError error) {
      super(error.message, null, false, false);
      this.errors = List.of(error);
      this.rendered = error.text();
    }

    /** A failure whose text is not a gqlparser error (e.g. a JSON decoding problem). */
    Failure(String rendered) {
      super(rendered, null, false, false);
      this.errors = List.of();
      this.rendered = rendered;
    }
  }
}
