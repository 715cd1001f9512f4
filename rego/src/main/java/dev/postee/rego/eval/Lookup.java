package dev.postee.rego.eval;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.Value;

/** Dereferencing one level of a value: object key, array index, set member. */
public final class Lookup {
  private Lookup() {}

  /** The child of coll at key, or null when undefined. */
  public static Value get(Value coll, Value key) {
    switch (coll) {
      case ObjectValue o -> { return o.get(key); }
      case ArrayValue a -> {
        if (key instanceof NumberValue n && n.isSmallInt()) {
          long i = n.longValue();
          return i >= 0 && i < a.size() ? a.get((int) i) : null;
        }
        if (key instanceof NumberValue n && n.isInteger()) {
          Integer i = n.intValueExact();
          return i != null && i >= 0 && i < a.size() ? a.get(i) : null;
        }
        return null;
      }
      case SetValue s -> { return s.contains(key) ? key : null; }
      default -> { return null; }
    }
  }
}
