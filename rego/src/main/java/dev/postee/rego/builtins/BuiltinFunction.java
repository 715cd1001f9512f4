package dev.postee.rego.builtins;

import dev.postee.rego.value.Value;

/**
 * A builtin function. Arguments have already been checked against the declared top-level types
 * (so an argument declared {@code string} is a StringValue). Return null for "undefined".
 */
@FunctionalInterface
public interface BuiltinFunction {
  Value call(BuiltinContext ctx, Value[] args);
}
