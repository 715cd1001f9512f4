package dev.postee.core.routing;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.List;

/**
 * The identity of a message for unique-message-props (SPEC §4.1): the values at the given dotted
 * paths of the event (the first element where a path meets an array), as one JSON array.
 */
public final class DedupKey {
  private DedupKey() {}

  /** The key, or null when none of the properties is present (such events are not deduplicated). */
  public static String of(Value event, List<String> props) {
    Value[] parts = new Value[props.size()];
    boolean any = false;
    for (int i = 0; i < parts.length; i++) {
      Value v = at(event, props.get(i));
      parts[i] = v == null ? NullValue.INSTANCE : v;
      any |= v != null;
    }
    return any ? ArrayValue.wrap(parts).toJson() : null;
  }

  static Value at(Value v, String dottedPath) {
    for (String seg : dottedPath.split("\\.")) {
      while (v instanceof ArrayValue a) {
        if (a.isEmpty()) return null;
        v = a.get(0);
      }
      if (!(v instanceof ObjectValue o)) return null;
      v = o.get(StringValue.of(seg));
      if (v == null) return null;
    }
    if (v instanceof ArrayValue a) return a.isEmpty() ? null : a.get(0);
    return v;
  }
}
