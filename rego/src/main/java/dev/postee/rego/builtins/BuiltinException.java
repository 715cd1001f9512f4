package dev.postee.rego.builtins;

import dev.postee.rego.value.Value;

/**
 * A failure inside a builtin. {@link #TYPE_ERROR} for operands of the wrong type, otherwise
 * {@link #BUILTIN_ERROR}. The evaluator prefixes the message with the builtin's name, as OPA does
 * ("sprintf: ..."), makes the call undefined in non-strict mode and reports it in strict mode.
 */
public class BuiltinException extends RuntimeException {
  public static final String TYPE_ERROR = "eval_type_error";
  public static final String BUILTIN_ERROR = "eval_builtin_error";

  private final String code;

  public BuiltinException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public BuiltinException(String code, String message, Throwable cause) {
    super(message, cause, false, false);
    this.code = code;
  }

  public String code() { return code; }

  public static BuiltinException error(String message) {
    return new BuiltinException(BUILTIN_ERROR, message);
  }

  public static BuiltinException typeError(String message) {
    return new BuiltinException(TYPE_ERROR, message);
  }

  /** "operand N must be EXPECTED but got TYPE" (N counts from 1). */
  public static BuiltinException operand(int index, String expected, Value got) {
    return typeError("operand " + (index + 1) + " must be " + expected + " but got " + got.typeName());
  }
}
