package dev.postee.app;

import dev.postee.rego.value.Json;
import dev.postee.rego.value.Value;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Writes the JSON the CLI and the HTTP API answer with, keeping the key order of the maps it is
 * given (insertion order reads better than the sorted order of Rego objects).
 */
public final class JsonText {
  private JsonText() {}

  /** Compact JSON. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, null, 0);
    return sb.toString();
  }

  /** JSON indented by two spaces per level, for people. */
  public static String writeIndented(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, "  ", 0);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v, String indent, int depth) {
    switch (v) {
      case null -> sb.append("null");
      case String s -> Json.quote(sb, s, false);
      case Boolean b -> sb.append(b);
      case Integer i -> sb.append(i);
      case Long l -> sb.append(l);
      case Number n -> sb.append(n);
      case Instant t -> Json.quote(sb, t.toString(), false);
      case Duration d -> sb.append(d.toMillis());
      case Enum<?> e -> Json.quote(sb, e.name().toLowerCase(java.util.Locale.ROOT), false);
      case Value value -> sb.append(Json.write(value));
      case Map<?, ?> m -> {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!first) sb.append(',');
          first = false;
          newline(sb, indent, depth + 1);
          Json.quote(sb, String.valueOf(e.getKey()), false);
          sb.append(indent == null ? ":" : ": ");
          write(sb, e.getValue(), indent, depth + 1);
        }
        if (!m.isEmpty()) newline(sb, indent, depth);
        sb.append('}');
      }
      case Collection<?> c -> {
        sb.append('[');
        boolean first = true;
        for (Object e : c) {
          if (!first) sb.append(',');
          first = false;
          newline(sb, indent, depth + 1);
          write(sb, e, indent, depth + 1);
        }
        if (!c.isEmpty()) newline(sb, indent, depth);
        sb.append(']');
      }
      default -> Json.quote(sb, v.toString(), false);
    }
  }

  private static void newline(StringBuilder sb, String indent, int depth) {
    if (indent == null) return;
    sb.append('\n');
    sb.append(indent.repeat(depth));
  }
}
