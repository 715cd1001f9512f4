package dev.postee.rego.builtins;

import static dev.postee.rego.builtins.ArithmeticBuiltins.intOperand;

import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.Value;
import java.util.concurrent.ThreadLocalRandom;

/** {@code rand.intn}: a random integer in [0, |n|), the same for the same arguments within one evaluation. */
public final class RandBuiltins implements BuiltinRegistrar {
  /** Cache key, private to this builtin so it cannot collide with other cached values. */
  private record IntnKey(String key, long bound) {}

  @Override
  public void register(BuiltinRegistry r) {
    r.function("rand.intn", (ctx, a) -> intn(ctx, Args.string(a, 0), intOperand(a, 1)));
  }

  private static Value intn(BuiltinContext ctx, String key, long n) {
    if (n == 0) return NumberValue.ZERO;
    if (n == Long.MIN_VALUE) throw BuiltinException.error("invalid argument to Intn");
    long bound = Math.abs(n);
    return (Value) ctx.evaluationCache().computeIfAbsent(new IntnKey(key, bound),
        k -> NumberValue.of(ThreadLocalRandom.current().nextLong(bound)));
  }
}
