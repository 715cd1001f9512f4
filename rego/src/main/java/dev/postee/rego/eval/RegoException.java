package dev.postee.rego.eval;

import dev.postee.rego.ast.Location;

/**
 * An evaluation error with OPA's code (eval_conflict_error, eval_type_error, eval_builtin_error,
 * eval_cancel_error, ...) and where it happened. The message reads "file:line: code: message".
 */
public class RegoException extends RuntimeException {
  public static final String CONFLICT = "eval_conflict_error";
  public static final String TYPE = "eval_type_error";
  public static final String BUILTIN = "eval_builtin_error";
  public static final String CANCEL = "eval_cancel_error";
  public static final String RECURSION = "eval_recursion_error";
  public static final String INTERNAL = "eval_internal_error";

  private final String code;
  private final Location location;
  private final String detail;

  public RegoException(String code, String detail, Location location) {
    super(format(code, detail, location), null, false, false);
    this.code = code;
    this.detail = detail;
    this.location = location;
  }

  private static String format(String code, String detail, Location loc) {
    if (loc == null || loc.line() == 0) return code + ": " + detail;
    return loc.file() + ":" + loc.line() + ": " + code + ": " + detail;
  }

  public String code() { return code; }

  public Location location() { return location; }

  /** The message without location and code. */
  public String detail() { return detail; }
}
