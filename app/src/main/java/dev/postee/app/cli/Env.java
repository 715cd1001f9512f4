package dev.postee.app.cli;

import java.util.Locale;
import java.util.Map;

/** Reads the process environment the way Postee does: an empty variable counts as unset. */
record Env(Map<String, String> variables) {
  /** The first of {@code names} that is set and not empty, or null. */
  String first(String... names) {
    for (String n : names) {
      String v = variables.get(n);
      if (v != null && !v.isEmpty()) return v;
    }
    return null;
  }

  /** The first non-empty variable's name among {@code names}, or null. */
  String firstName(String... names) {
    for (String n : names) {
      String v = variables.get(n);
      if (v != null && !v.isEmpty()) return n;
    }
    return null;
  }

  /** true, 1, yes, on (any case). */
  boolean isTrue(String name) {
    String v = variables.get(name);
    if (v == null) return false;
    return switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      default -> false;
    };
  }
}
