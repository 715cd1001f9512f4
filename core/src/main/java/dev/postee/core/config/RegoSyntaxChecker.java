package dev.postee.core.config;

import java.util.Optional;

/**
 * Checks the Rego written in a config at load, so that a typo is reported with its file position
 * instead of failing when the first event arrives. The Rego engine plugs its parser in here; the
 * loader maps the positions it reports (relative to the text) to positions in the YAML file.
 */
public interface RegoSyntaxChecker {
  /** Checks nothing: for callers that compile the Rego themselves later. */
  RegoSyntaxChecker NONE = new RegoSyntaxChecker() {
    @Override
    public Optional<RegoSyntaxError> checkRouteInput(String body) {
      return Optional.empty();
    }

    @Override
    public Optional<RegoSyntaxError> checkModule(String module) {
      return Optional.empty();
    }
  };

  /**
   * Checks a route's {@code input}: a rule body (one or more expressions, one per line or separated
   * by {@code ;}) that becomes the body of {@code allow} in {@code package postee} (SPEC §6).
   */
  Optional<RegoSyntaxError> checkRouteInput(String body);

  /** Checks a complete module: a template's inline {@code body}. */
  Optional<RegoSyntaxError> checkModule(String module);

  /**
   * A syntax error in the checked text.
   *
   * @param line 1-based line within the checked text
   * @param column 1-based column within that line
   * @param message what the parser expected, without position
   */
  record RegoSyntaxError(int line, int column, String message) {}
}
