package dev.postee.core.routing;

import dev.postee.core.config.RegoSyntaxChecker;
import dev.postee.rego.ast.ParseException;
import dev.postee.rego.ast.Parser;
import java.util.Optional;

/** Checks config Rego with the engine's parser, so the loader reports syntax errors at load. */
public final class RegoChecker implements RegoSyntaxChecker {
  public static final RegoChecker INSTANCE = new RegoChecker();

  @Override
  public Optional<RegoSyntaxError> checkRouteInput(String body) {
    try {
      Parser.parseModule("input", RouteFilter.wrap(body), Parser.Syntax.V0);
      return Optional.empty();
    } catch (ParseException e) {
      int line = Math.max(1, e.location().line() - RouteFilter.WRAPPER_LINES);
      return Optional.of(new RegoSyntaxError(line, e.location().column(), e.detail()));
    }
  }

  @Override
  public Optional<RegoSyntaxError> checkModule(String module) {
    try {
      Parser.parseModule("body", module);
      return Optional.empty();
    } catch (ParseException e) {
      return Optional.of(new RegoSyntaxError(e.location().line(), e.location().column(), e.detail()));
    }
  }
}
