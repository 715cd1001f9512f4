package dev.postee.rego.eval;

import dev.postee.rego.ast.Location;

/** An evaluation stopped because it exceeded a limit (time, steps, depth, output size) or was cancelled. */
public final class EvalLimitException extends RegoException {
  public EvalLimitException(String detail, Location location) {
    super(CANCEL, detail, location);
  }
}
