package dev.postee.rego.builtins;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.Value;
import dev.postee.rego.value.Values;
import java.util.List;

/**
 * Objects: {@code object.get}, {@code object.keys}, {@code object.remove}, {@code object.filter},
 * {@code object.union}, {@code object.union_n}, {@code object.subset}.
 */
public final class ObjectBuiltins implements BuiltinRegistrar {
  @Override
  public void register(BuiltinRegistry r) {
    r.function("object.get", (ctx, a) -> get(Args.object(a, 0), a[1], a[2]));
    r.function("object.keys", (ctx, a) -> SetValue.of(Args.object(a, 0).keys()));
    r.function("object.remove", (ctx, a) -> remove(Args.object(a, 0), keySet(a[1])));
    r.function("object.filter", (ctx, a) -> filter(Args.object(a, 0), keySet(a[1])));
    r.function("object.union", (ctx, a) -> union(Args.object(a, 0), Args.object(a, 1)));
    r.function("object.union_n", (ctx, a) -> unionN(Args.array(a, 0)));
    r.function("object.subset", (ctx, a) -> BooleanValue.of(subset(a[0], a[1])));
  }

  /** A key looks up one entry; an array key is a path through objects, arrays and sets. */
  private static Value get(ObjectValue obj, Value key, Value fallback) {
    if (!(key instanceof ArrayValue path)) {
      Value v = obj.get(key);
      return v == null ? fallback : v;
    }
    Value current = obj;
    for (Value step : path.asList()) {
      current = child(current, step);
      if (current == null) return fallback;
    }
    return current;
  }

  /** One step of OPA's Value.Find: array indexes must be integer literals within bounds. */
  private static Value child(Value node, Value step) {
    switch (node) {
      case ObjectValue o -> {
        return o.get(step);
      }
      case ArrayValue a -> {
        if (!(step instanceof NumberValue n) || !n.isSmallInt()) return null;
        long i = n.longValue();
        return i >= 0 && i < a.size() ? a.get((int) i) : null;
      }
      case SetValue s -> {
        return s.contains(step) ? step : null;
      }
      default -> {
        return null;
      }
    }
  }

  /** The keys named by an array, a set or an object (its keys). */
  private static SetValue keySet(Value keys) {
    return switch (keys) {
      case ArrayValue a -> SetValue.of(a.asList());
      case SetValue s -> s;
      case ObjectValue o -> SetValue.of(o.keys());
      default -> throw BuiltinException.typeError(
          "operand 2 must be one of {object, set, array} but got " + keys.typeName());
    };
  }

  private static Value remove(ObjectValue obj, SetValue keys) {
    if (keys.isEmpty()) return obj;
    ObjectValue.Builder b = ObjectValue.builder();
    for (int i = 0; i < obj.size(); i++) {
      if (!keys.contains(obj.keyAt(i))) b.put(obj.keyAt(i), obj.valueAt(i));
    }
    return b.size() == obj.size() ? obj : b.build();
  }

  /**
   * Keeps the entries whose keys are listed. Like OPA, the smaller side is iterated and supplies
   * the key, which only shows when keys are equal but spelled differently (1 and 1.0).
   */
  private static Value filter(ObjectValue obj, SetValue keys) {
    ObjectValue.Builder b = ObjectValue.builder();
    if (obj.size() < keys.size()) {
      for (Value k : keys.elements()) {
        Value v = obj.get(k);
        if (v != null) b.put(k, v);
      }
    } else {
      for (int i = 0; i < obj.size(); i++) {
        if (keys.contains(obj.keyAt(i))) b.put(obj.keyAt(i), obj.valueAt(i));
      }
    }
    return b.build();
  }

  /** Deep merge: where both sides hold objects they merge, otherwise the right side wins. */
  private static ObjectValue union(ObjectValue left, ObjectValue right) {
    if (Values.compare(left, right) == 0) return left;
    return merge(left, right);
  }

  private static ObjectValue merge(ObjectValue left, ObjectValue right) {
    if (right.isEmpty()) return left;
    if (left.isEmpty()) return right;
    ObjectValue.Builder b = left.toBuilder();
    for (int i = 0; i < right.size(); i++) {
      Value k = right.keyAt(i);
      Value v = right.valueAt(i);
      Value existing = left.get(k);
      if (existing instanceof ObjectValue lo && v instanceof ObjectValue ro) {
        b.put(k, merge(lo, ro));
      } else {
        b.put(k, v);
      }
    }
    return b.build();
  }

  /** Left-to-right deep merge; OPA reports the last non-object element. */
  private static Value unionN(ArrayValue objects) {
    for (int i = objects.size() - 1; i >= 0; i--) {
      Value v = objects.get(i);
      if (!(v instanceof ObjectValue)) {
        throw BuiltinException.typeError(
            "operand 1 must be array of objects but got array containing " + v.typeName());
      }
    }
    ObjectValue result = ObjectValue.EMPTY;
    for (Value v : objects.asList()) result = merge(result, (ObjectValue) v);
    return result;
  }

  private static boolean subset(Value sup, Value sub) {
    if (sup instanceof ObjectValue a && sub instanceof ObjectValue b) return objectSubset(a, b);
    if (sup instanceof SetValue a && sub instanceof SetValue b) return setSubset(a, b);
    if (sup instanceof ArrayValue a && sub instanceof ArrayValue b) return arraySubset(a, b);
    if (sup instanceof ArrayValue a && sub instanceof SetValue b) return arraySetSubset(a, b);
    throw BuiltinException.typeError("both arguments object.subset must be of the same type or array and set");
  }

  /** Every key of sub is in sup with an equal value, or with a value that is (recursively) a subset. */
  private static boolean objectSubset(ObjectValue sup, ObjectValue sub) {
    for (int i = 0; i < sub.size(); i++) {
      Value supValue = sup.get(sub.keyAt(i));
      Value subValue = sub.valueAt(i);
      if (supValue == null) return false;
      if (Values.compare(subValue, supValue) == 0) continue;
      boolean nested;
      if (supValue instanceof ObjectValue a && subValue instanceof ObjectValue b) nested = objectSubset(a, b);
      else if (supValue instanceof SetValue a && subValue instanceof SetValue b) nested = setSubset(a, b);
      else if (supValue instanceof ArrayValue a && subValue instanceof ArrayValue b) nested = arraySubset(a, b);
      else nested = false;
      if (!nested) return false;
    }
    return true;
  }

  private static boolean setSubset(SetValue sup, SetValue sub) {
    for (Value v : sub.elements()) {
      if (!sup.contains(v)) return false;
    }
    return true;
  }

  /** sub appears as a contiguous run inside sup. */
  private static boolean arraySubset(ArrayValue sup, ArrayValue sub) {
    if (sub.size() > sup.size()) return false;
    List<Value> a = sup.asList();
    List<Value> b = sub.asList();
    outer:
    for (int start = 0; start + b.size() <= a.size(); start++) {
      for (int j = 0; j < b.size(); j++) {
        if (Values.compare(a.get(start + j), b.get(j)) != 0) continue outer;
      }
      return true;
    }
    return false;
  }

  /**
   * Whether the array holds every member of the set. As in OPA, matches are counted per array
   * element (a repeated element counts again) and an empty array never qualifies.
   */
  private static boolean arraySetSubset(ArrayValue sup, SetValue sub) {
    int unmatched = sub.size();
    for (Value v : sup.asList()) {
      if (sub.contains(v)) unmatched--;
      if (unmatched == 0) return true;
    }
    return false;
  }
}
