package dev.postee.rego.builtins;

import dev.postee.rego.ast.AstJson;
import dev.postee.rego.ast.ParseException;
import dev.postee.rego.ast.Parser;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;

/**
 * Language-level builtins: membership ({@code in}), trace, opa.runtime, rego.parse_module. print,
 * template strings and rego.metadata are compiled by the compiler itself.
 */
public final class RegoBuiltins implements BuiltinRegistrar {
  @Override
  public void register(BuiltinRegistry r) {
    r.function("internal.member_2", (ctx, a) -> BooleanValue.of(member(a[0], a[1])));
    r.function("internal.member_3", (ctx, a) -> BooleanValue.of(member(a[0], a[1], a[2])));
    r.function("trace", (ctx, a) -> {
      Args.string(a, 0);
      return BooleanValue.TRUE;
    });
    // OPA returns {} when no runtime information is configured; we never expose the environment.
    r.function("opa.runtime", (ctx, a) -> ObjectValue.EMPTY);
    r.function("rego.parse_module", (ctx, a) -> parseModule(Args.string(a, 0), Args.string(a, 1)));
  }

  /** OPA's AST of a module written in Rego v1, as JSON; a syntax error is the builtin's error. */
  private static Value parseModule(String file, String source) {
    try {
      return AstJson.module(Parser.parseModule(file, source, Parser.Syntax.V1));
    } catch (ParseException e) {
      throw BuiltinException.error(e.getMessage());
    }
  }

  static boolean member(Value x, Value coll) {
    switch (coll) {
      case ArrayValue arr -> {
        for (int i = 0; i < arr.size(); i++) if (arr.get(i).equals(x)) return true;
        return false;
      }
      case SetValue s -> { return s.contains(x); }
      case ObjectValue o -> {
        for (int i = 0; i < o.size(); i++) if (o.valueAt(i).equals(x)) return true;
        return false;
      }
      default -> { return false; }
    }
  }

  static boolean member(Value key, Value value, Value coll) {
    switch (coll) {
      case ArrayValue arr -> {
        if (!(key instanceof NumberValue n) || !n.isInteger()) return false;
        Integer i = n.intValueExact();
        return i != null && i >= 0 && i < arr.size() && arr.get(i).equals(value);
      }
      case ObjectValue o -> {
        Value v = o.get(key);
        return v != null && v.equals(value);
      }
      case SetValue s -> { return key.equals(value) && s.contains(key); }
      default -> { return false; }
    }
  }
}
