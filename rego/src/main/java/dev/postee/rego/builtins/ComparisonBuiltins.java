package dev.postee.rego.builtins;

import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Values;

/**
 * Comparisons over OPA's total order of values (null &lt; booleans &lt; numbers &lt; strings &lt;
 * arrays &lt; objects &lt; sets). Numbers compare by value, so {@code 1 == 1.0}.
 */
public final class ComparisonBuiltins implements BuiltinRegistrar {
  @Override
  public void register(BuiltinRegistry r) {
    r.function("equal", (ctx, a) -> BooleanValue.of(Values.compare(a[0], a[1]) == 0));
    r.function("neq", (ctx, a) -> BooleanValue.of(Values.compare(a[0], a[1]) != 0));
    r.function("lt", (ctx, a) -> BooleanValue.of(Values.compare(a[0], a[1]) < 0));
    r.function("lte", (ctx, a) -> BooleanValue.of(Values.compare(a[0], a[1]) <= 0));
    r.function("gt", (ctx, a) -> BooleanValue.of(Values.compare(a[0], a[1]) > 0));
    r.function("gte", (ctx, a) -> BooleanValue.of(Values.compare(a[0], a[1]) >= 0));
  }
}
