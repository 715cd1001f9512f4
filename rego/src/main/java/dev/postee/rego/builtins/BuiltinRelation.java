package dev.postee.rego.builtins;

import dev.postee.rego.value.Value;
import java.util.function.Predicate;

/** A builtin that yields several results (OPA's relations, e.g. {@code walk}). */
@FunctionalInterface
public interface BuiltinRelation {
  /** Calls out.test(result) for each result; stops early when it returns false. */
  void call(BuiltinContext ctx, Value[] args, Predicate<Value> out);
}
