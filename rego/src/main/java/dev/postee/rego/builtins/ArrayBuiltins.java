package dev.postee.rego.builtins;

import static dev.postee.rego.builtins.ArithmeticBuiltins.intOperand;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.Value;
import java.util.ArrayList;
import java.util.List;

/** Arrays: {@code array.concat}, {@code array.slice}, {@code array.reverse}, {@code array.flatten}. */
public final class ArrayBuiltins implements BuiltinRegistrar {
  @Override
  public void register(BuiltinRegistry r) {
    r.function("array.concat", (ctx, a) -> concat(Args.array(a, 0), Args.array(a, 1)));
    r.function("array.slice", (ctx, a) -> slice(Args.array(a, 0), intOperand(a, 1), intOperand(a, 2)));
    r.function("array.reverse", (ctx, a) -> reverse(Args.array(a, 0)));
    r.function("array.flatten", (ctx, a) -> flatten(Args.array(a, 0)));
  }

  private static Value concat(ArrayValue x, ArrayValue y) {
    if (y.isEmpty()) return x;
    if (x.isEmpty()) return y;
    Value[] out = new Value[x.size() + y.size()];
    for (int i = 0; i < x.size(); i++) out[i] = x.get(i);
    for (int i = 0; i < y.size(); i++) out[x.size() + i] = y.get(i);
    return ArrayValue.wrap(out);
  }

  /** Indexes are clamped into the array, and a start past the stop gives an empty array. */
  private static Value slice(ArrayValue arr, long start, long stop) {
    long end = Math.max(0, Math.min(stop, arr.size()));
    long begin = Math.max(0, Math.min(start, end));
    Value[] out = new Value[(int) (end - begin)];
    for (int i = 0; i < out.length; i++) out[i] = arr.get((int) begin + i);
    return ArrayValue.wrap(out);
  }

  private static Value reverse(ArrayValue arr) {
    int n = arr.size();
    Value[] out = new Value[n];
    for (int i = 0; i < n; i++) out[i] = arr.get(n - 1 - i);
    return ArrayValue.wrap(out);
  }

  /** Flattens one level: nested arrays are spliced in, everything else is kept as is. */
  private static Value flatten(ArrayValue arr) {
    List<Value> out = new ArrayList<>(arr.size());
    for (Value v : arr.asList()) {
      if (v instanceof ArrayValue inner) out.addAll(inner.asList());
      else out.add(v);
    }
    return ArrayValue.of(out);
  }
}
