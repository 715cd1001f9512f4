package dev.postee.rego.builtins;

import dev.postee.rego.builtins.ArithmeticBuiltins.GoFloat;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import dev.postee.rego.value.Values;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

/** Aggregates: {@code count}, {@code sum}, {@code product}, {@code max}, {@code min}, {@code sort}, {@code all}, {@code any}. */
public final class AggregateBuiltins implements BuiltinRegistrar {
  /** Go's big.NewFloat(1): the product's float accumulator keeps float64 precision. */
  private static final GoFloat FLOAT64_ONE = GoFloat.exact(BigInteger.ONE, 0, 53);

  @Override
  public void register(BuiltinRegistry r) {
    r.function("count", (ctx, a) -> count(a[0]));
    r.function("sum", (ctx, a) -> sum(a[0]));
    r.function("product", (ctx, a) -> product(a[0]));
    r.function("max", (ctx, a) -> max(a[0]));
    r.function("min", (ctx, a) -> min(a[0]));
    r.function("sort", (ctx, a) -> sort(a[0]));
    r.function("all", (ctx, a) -> all(elements(a[0], "array, set")));
    r.function("any", (ctx, a) -> any(a[0], elements(a[0], "array, set")));
  }

  private static Value count(Value v) {
    return switch (v) {
      case ArrayValue a -> NumberValue.of(a.size());
      case ObjectValue o -> NumberValue.of(o.size());
      case SetValue s -> NumberValue.of(s.size());
      case StringValue s -> NumberValue.of(s.codePointLength());
      default -> throw BuiltinException.typeError(
          "operand 1 must be one of {array, object, set, string} but got " + v.typeName());
    };
  }

  /** The elements of an array or a set (sets in OPA's order); OPA lists the kinds in 'expected'. */
  private static List<Value> elements(Value v, String expected) {
    if (v instanceof ArrayValue a) return a.asList();
    if (v instanceof SetValue s) return s.elements();
    throw BuiltinException.typeError("operand 1 must be one of {" + expected + "} but got " + v.typeName());
  }

  /** Integers add exactly (whatever their size); any non-integer sends the sum through big.Float. */
  private static Value sum(Value collection) {
    List<Value> elems = elements(collection, "set, array");
    BigInteger exact = exactIntegers(elems, false);
    if (exact != null) return NumberValue.of(exact);
    GoFloat total = GoFloat.ofIntRounded(BigInteger.ZERO, 0);
    for (Value e : elems) total = total.add(GoFloat.of(number(collection, e)));
    return total.toNumber();
  }

  private static Value product(Value collection) {
    List<Value> elems = elements(collection, "set, array");
    BigInteger exact = exactIntegers(elems, true);
    if (exact != null) return NumberValue.of(exact);
    GoFloat total = FLOAT64_ONE;
    for (Value e : elems) total = total.mulKeepingPrecision(GoFloat.of(number(collection, e)));
    return total.toNumber();
  }

  /** The exact sum or product when every element is an integer-valued number, else null. */
  private static BigInteger exactIntegers(List<Value> elems, boolean multiply) {
    long small = multiply ? 1 : 0;
    BigInteger big = null; // set once the running result leaves the long range
    for (Value e : elems) {
      if (!(e instanceof NumberValue n)) return null;
      if (big == null && n.isSmallInt()) {
        long x = n.longValue();
        try {
          small = multiply ? Math.multiplyExact(small, x) : Math.addExact(small, x);
          continue;
        } catch (ArithmeticException overflow) {
          big = BigInteger.valueOf(small);
        }
      }
      BigInteger x = ArithmeticBuiltins.exactInteger(n);
      if (x == null) return null;
      if (big == null) big = BigInteger.valueOf(small);
      big = multiply ? big.multiply(x) : big.add(x);
    }
    return big == null ? BigInteger.valueOf(small) : big;
  }

  private static NumberValue number(Value collection, Value e) {
    if (e instanceof NumberValue n) return n;
    String kind = collection.typeName();
    throw BuiltinException.typeError(
        "operand 1 must be " + kind + " of numbers but got " + kind + " containing " + e.typeName());
  }

  /** OPA keeps the last of equal maxima in arrays (1 and 1.0 compare equal but print apart). */
  private static Value max(Value v) {
    if (v instanceof ArrayValue a) {
      if (a.isEmpty()) return null;
      Value best = a.get(0);
      for (int i = 1; i < a.size(); i++) {
        if (Values.compare(best, a.get(i)) <= 0) best = a.get(i);
      }
      return best;
    }
    if (v instanceof SetValue s) return s.isEmpty() ? null : s.get(s.size() - 1);
    throw BuiltinException.typeError("operand 1 must be one of {set, array} but got " + v.typeName());
  }

  private static Value min(Value v) {
    if (v instanceof ArrayValue a) {
      if (a.isEmpty()) return null;
      Value best = a.get(0);
      for (int i = 1; i < a.size(); i++) {
        if (Values.compare(best, a.get(i)) >= 0) best = a.get(i);
      }
      return best;
    }
    if (v instanceof SetValue s) return s.isEmpty() ? null : s.get(0);
    throw BuiltinException.typeError("operand 1 must be one of {set, array} but got " + v.typeName());
  }

  private static Value sort(Value v) {
    if (v instanceof ArrayValue a) {
      Value[] sorted = a.toArray();
      Arrays.sort(sorted, Values::compare);
      return ArrayValue.wrap(sorted);
    }
    if (v instanceof SetValue s) return ArrayValue.of(s.elements());
    throw BuiltinException.typeError("operand 1 must be one of {set, array} but got " + v.typeName());
  }

  private static Value all(List<Value> elems) {
    for (Value e : elems) {
      if (e != BooleanValue.TRUE) return BooleanValue.FALSE;
    }
    return BooleanValue.TRUE;
  }

  private static Value any(Value collection, List<Value> elems) {
    if (collection instanceof SetValue s) return BooleanValue.of(s.contains(BooleanValue.TRUE));
    for (Value e : elems) {
      if (e == BooleanValue.TRUE) return BooleanValue.TRUE;
    }
    return BooleanValue.FALSE;
  }
}
