package dev.postee.core.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The parsed YAML as the binder needs it: values with their positions. Mapping keys are looked up
 * case-insensitively (Postee did; users rely on it).
 */
sealed interface YamlNode {
  SourceLocation location();

  /**
   * "a string", "a list (of 2 items)", ... for "expected X, but found Y" messages. Never the value
   * itself: it may be a secret.
   */
  String describe();

  enum ScalarType { NULL, BOOLEAN, INTEGER, FLOAT, STRING }

  enum ScalarStyle { PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED, LITERAL, FOLDED }

  /** A scalar: the text as written (quotes and escapes resolved) and what YAML resolved it to. */
  record Scalar(String text, ScalarType type, ScalarStyle style, SourceLocation location) implements YamlNode {
    boolean isNull() {
      return type == ScalarType.NULL;
    }

    @Override
    public String describe() {
      return switch (type) {
        case NULL -> "nothing";
        case BOOLEAN -> "a boolean";
        case INTEGER, FLOAT -> "a number";
        case STRING -> "a string";
      };
    }
  }

  record Sequence(List<YamlNode> items, SourceLocation location) implements YamlNode {
    @Override
    public String describe() {
      return items.size() == 1 ? "a list (of 1 item)" : "a list (of " + items.size() + " items)";
    }
  }

  record Entry(Scalar key, YamlNode value) {
    /** The key as matched against known keys: lower-case. */
    String normalizedKey() {
      return key.text().toLowerCase(Locale.ROOT);
    }
  }

  /** A mapping, entries in file order; keys are unique ignoring case (checked when read). */
  record Mapping(List<Entry> entries, SourceLocation location) implements YamlNode {
    Optional<Entry> entry(String normalizedKey) {
      return entries.stream().filter(e -> e.normalizedKey().equals(normalizedKey)).findFirst();
    }

    @Override
    public String describe() {
      return "a mapping";
    }
  }
}
