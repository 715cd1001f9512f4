package dev.postee.rego.builtins;

import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.Value;

/** Sets: {@code and} (&amp;), {@code or} (|), {@code intersection}, {@code union}, {@code set_diff}. */
public final class SetBuiltins implements BuiltinRegistrar {
  @Override
  public void register(BuiltinRegistry r) {
    r.function("and", (ctx, a) -> Args.set(a, 0).intersect(Args.set(a, 1)));
    r.function("or", (ctx, a) -> Args.set(a, 0).union(Args.set(a, 1)));
    r.function("set_diff", (ctx, a) -> Args.set(a, 0).minus(Args.set(a, 1)));
    r.function("intersection", (ctx, a) -> intersection(Args.set(a, 0)));
    r.function("union", (ctx, a) -> union(Args.set(a, 0)));
  }

  private static Value intersection(SetValue sets) {
    SetValue result = null;
    for (Value v : sets.elements()) {
      SetValue s = memberSet(v);
      result = result == null ? s : result.intersect(s);
    }
    return result == null ? SetValue.EMPTY : result;
  }

  private static Value union(SetValue sets) {
    SetValue.Builder result = SetValue.builder();
    for (Value v : sets.elements()) {
      for (Value e : memberSet(v).elements()) result.add(e);
    }
    return result.build();
  }

  /** Every member of the operand must itself be a set (OPA reports it against operand 1). */
  private static SetValue memberSet(Value v) {
    if (v instanceof SetValue s) return s;
    throw BuiltinException.operand(0, "set", v);
  }
}
