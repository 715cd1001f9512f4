package dev.postee.rego.value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Ordering, truthiness and conversions between Rego values and plain Java objects. */
public final class Values {
  private Values() {}

  /** OPA's total order over values. */
  public static int compare(Value a, Value b) {
    if (a == b) return 0;
    int ra = a.typeRank();
    int rb = b.typeRank();
    if (ra != rb) return Integer.compare(ra, rb);
    switch (a) {
      case NullValue n -> { return 0; }
      case BooleanValue x -> { return Boolean.compare(x.value(), ((BooleanValue) b).value()); }
      case NumberValue x -> { return x.compareNumber((NumberValue) b); }
      case StringValue x -> { return compareStrings(x.value(), ((StringValue) b).value()); }
      case ArrayValue x -> {
        ArrayValue y = (ArrayValue) b;
        int n = Math.min(x.size(), y.size());
        for (int i = 0; i < n; i++) {
          int c = compare(x.get(i), y.get(i));
          if (c != 0) return c;
        }
        return Integer.compare(x.size(), y.size());
      }
      case ObjectValue x -> {
        ObjectValue y = (ObjectValue) b;
        int n = Math.min(x.size(), y.size());
        for (int i = 0; i < n; i++) {
          int c = compare(x.keyAt(i), y.keyAt(i));
          if (c != 0) return c;
          c = compare(x.valueAt(i), y.valueAt(i));
          if (c != 0) return c;
        }
        return Integer.compare(x.size(), y.size());
      }
      case SetValue x -> {
        SetValue y = (SetValue) b;
        int n = Math.min(x.size(), y.size());
        for (int i = 0; i < n; i++) {
          int c = compare(x.get(i), y.get(i));
          if (c != 0) return c;
        }
        return Integer.compare(x.size(), y.size());
      }
    }
  }

  /** Compares by code point, which is the byte order of UTF-8 (what Go compares). */
  public static int compareStrings(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        if (Character.isSurrogate(ca) || Character.isSurrogate(cb)) {
          return Integer.compare(a.codePointAt(i), b.codePointAt(i));
        }
        return ca - cb;
      }
    }
    return a.length() - b.length();
  }

  /** An expression holds when its value is defined and not false. */
  public static boolean isTruthy(Value v) {
    return v != null && v != BooleanValue.FALSE;
  }

  public static StringValue str(String s) { return StringValue.of(s); }

  public static NumberValue num(long n) { return NumberValue.of(n); }

  public static BooleanValue bool(boolean b) { return BooleanValue.of(b); }

  /**
   * Converts plain Java data (Map, Collection, array, String, Number, Boolean, null, Value) to a
   * value. Sets of Java objects become arrays; use {@link SetValue} directly for Rego sets.
   */
  public static Value fromJava(Object o) {
    if (o == null) return NullValue.INSTANCE;
    if (o instanceof Value v) return v;
    if (o instanceof String s) return StringValue.of(s);
    if (o instanceof Boolean b) return BooleanValue.of(b);
    if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
      return NumberValue.of(((Number) o).longValue());
    }
    if (o instanceof BigInteger bi) return NumberValue.of(bi);
    if (o instanceof BigDecimal bd) return NumberValue.of(bd);
    if (o instanceof Number n) return NumberValue.of(n.doubleValue());
    if (o instanceof Map<?, ?> m) {
      ObjectValue.Builder b = ObjectValue.builder();
      m.forEach((k, v) -> b.put(k instanceof String s ? StringValue.of(s) : fromJava(k), fromJava(v)));
      return b.build();
    }
    if (o instanceof Collection<?> c) {
      Value[] arr = new Value[c.size()];
      int i = 0;
      for (Object e : c) arr[i++] = fromJava(e);
      return ArrayValue.wrap(arr);
    }
    if (o instanceof Object[] a) {
      Value[] arr = new Value[a.length];
      for (int i = 0; i < a.length; i++) arr[i] = fromJava(a[i]);
      return ArrayValue.wrap(arr);
    }
    throw new IllegalArgumentException("cannot convert " + o.getClass().getName() + " to a Rego value");
  }

  /**
   * Converts a value to plain Java data: LinkedHashMap (string keys; non-string keys as their
   * JSON text), ArrayList (sets sorted), String, BigDecimal/Long, Boolean, null.
   */
  public static Object toJava(Value v) {
    switch (v) {
      case NullValue n -> { return null; }
      case BooleanValue b -> { return b.value(); }
      case NumberValue n -> {
        if (n.isSmallInt()) return n.longValue();
        BigInteger bi = n.toBigInteger();
        return bi != null ? bi : n.toBigDecimal();
      }
      case StringValue s -> { return s.value(); }
      case ArrayValue a -> {
        List<Object> l = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) l.add(toJava(a.get(i)));
        return l;
      }
      case SetValue s -> {
        List<Object> l = new ArrayList<>(s.size());
        for (Value e : s.elements()) l.add(toJava(e));
        return l;
      }
      case ObjectValue o -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < o.size(); i++) {
          Value k = o.keyAt(i);
          m.put(k instanceof StringValue s ? s.value() : Json.write(k), toJava(o.valueAt(i)));
        }
        return m;
      }
    }
  }
}
