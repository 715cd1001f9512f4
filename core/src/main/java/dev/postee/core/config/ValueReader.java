package dev.postee.core.config;

import dev.postee.core.config.YamlNode.Entry;
import dev.postee.core.config.YamlNode.Mapping;
import dev.postee.core.config.YamlNode.Scalar;
import dev.postee.core.config.YamlNode.ScalarType;
import dev.postee.core.config.YamlNode.Sequence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads typed values out of YAML entries. A value of the wrong shape is reported ("'x' must be a
 * string, but found a list") and read as absent, so binding goes on and finds the next problem.
 * Blank strings read as absent, as Postee treated empty fields.
 */
final class ValueReader {
  private final Problems problems;
  private final EnvSubstitution env;

  ValueReader(Problems problems, EnvSubstitution env) {
    this.problems = problems;
    this.env = env;
  }

  /** The mapping's entries after reporting keys not in {@code known} ({@code context}: "route 'x'"). */
  Block block(Mapping mapping, String context, Collection<String> known) {
    for (Entry entry : mapping.entries()) {
      if (!known.contains(entry.normalizedKey())) {
        problems.unknownKey(entry.key().location(), prefix(context) + "unknown key '" + entry.key().text() + "'"
            + Messages.didYouMean(entry.normalizedKey(), known) + "; known keys: " + Messages.list(known));
      }
    }
    return new Block(mapping, context);
  }

  /** A mapping whose keys were checked: typed access by (lower-case) key. */
  final class Block {
    private final Mapping mapping;
    private final String context;

    private Block(Mapping mapping, String context) {
      this.mapping = mapping;
      this.context = context;
    }

    String context() {
      return context;
    }

    SourceLocation location() {
      return mapping.location();
    }

    Optional<Entry> entry(String key) {
      return mapping.entry(key);
    }

    boolean has(String key) {
      return mapping.entry(key).isPresent();
    }

    /** The 'name' every route, template, action and runner needs; reported when missing or empty. */
    String requiredName(String kind) {
      String name = string("name");
      if (name == null && !has("name")) {
        problems.error(location(), context + " has no name; every " + kind + " needs a unique 'name'");
      } else if (name == null && entry("name").orElseThrow().value() instanceof Scalar) {
        problems.error(entry("name").orElseThrow().key().location(), context + ": 'name' is empty; every " + kind
            + " needs a unique name");
      }
      return name;
    }

    /** A string with $VAR substitution, or null when absent, blank or of the wrong shape. */
    String string(String key) {
      return entry(key).map(e -> ValueReader.this.string(e, context, true)).orElse(null);
    }

    /** A script or Rego text: no substitution. */
    String verbatim(String key) {
      return entry(key).map(e -> ValueReader.this.string(e, context, false)).orElse(null);
    }

    Boolean bool(String key) {
      return entry(key).map(e -> ValueReader.this.bool(e, context)).orElse(null);
    }

    Long integer(String key) {
      return entry(key).map(e -> ValueReader.this.integer(e, context)).orElse(null);
    }

    Duration duration(String key) {
      return entry(key).map(e -> ValueReader.this.duration(e, context)).orElse(null);
    }

    /** A list of strings (a single string is a one-element list); empty when absent. */
    List<String> strings(String key) {
      return entry(key).map(e -> ValueReader.this.strings(e, context, true)).orElse(List.of());
    }

    Map<String, String> stringMap(String key) {
      return entry(key).map(e -> ValueReader.this.stringMap(e, context)).orElse(Map.of());
    }

    /** The value of {@code key} when it is a mapping; reported and empty when it is not. */
    Optional<Mapping> mapping(String key) {
      return entry(key).flatMap(e -> ValueReader.this.mapping(e, context));
    }

    /** The items of a list-valued {@code key}; absent or empty value = no items. */
    List<YamlNode> items(String key, String expected) {
      Optional<Entry> entry = entry(key);
      if (entry.isEmpty() || isNull(entry.get().value())) {
        return List.of();
      }
      if (entry.get().value() instanceof Sequence sequence) {
        return sequence.items();
      }
      wrongShape(entry.get(), context, expected);
      return List.of();
    }
  }

  String string(Entry entry, String context, boolean substitute) {
    if (!(entry.value() instanceof Scalar scalar)) {
      wrongShape(entry, context, FieldKind.STRING.expected());
      return null;
    }
    return text(scalar, field(context, entry), substitute);
  }

  /** The scalar's text (substituted unless verbatim); null for YAML null and blank text. */
  String text(Scalar scalar, String what, boolean substitute) {
    if (scalar.isNull()) {
      return null;
    }
    String text = substitute ? env.apply(scalar.text(), scalar.location(), what) : scalar.text();
    return text.isBlank() ? null : text;
  }

  Boolean bool(Entry entry, String context) {
    if (!(entry.value() instanceof Scalar scalar)) {
      wrongShape(entry, context, FieldKind.BOOLEAN.expected());
      return null;
    }
    String text = text(scalar, field(context, entry), true);
    if (text == null) {
      return null;
    }
    if (scalar.type() == ScalarType.BOOLEAN || text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return scalar.type() == ScalarType.BOOLEAN ? parseYamlBoolean(text) : Boolean.parseBoolean(text);
    }
    wrongShape(entry, context, FieldKind.BOOLEAN.expected());
    return null;
  }

  /** YAML 1.1 booleans, as the parser resolved them: true/false, yes/no, on/off, y/n. */
  private static boolean parseYamlBoolean(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "y" -> true;
      default -> false;
    };
  }

  Long integer(Entry entry, String context) {
    if (!(entry.value() instanceof Scalar scalar)) {
      wrongShape(entry, context, FieldKind.INTEGER.expected());
      return null;
    }
    String text = text(scalar, field(context, entry), true);
    if (text == null) {
      return null;
    }
    try {
      return Long.parseLong(text.strip().replace("_", ""));
    } catch (NumberFormatException e) {
      wrongShape(entry, context, FieldKind.INTEGER.expected());
      return null;
    }
  }

  Duration duration(Entry entry, String context) {
    if (!(entry.value() instanceof Scalar scalar)) {
      wrongShape(entry, context, Durations.EXPECTED);
      return null;
    }
    String text = text(scalar, field(context, entry), true);
    if (text == null) {
      return null;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      problems.error(entry.value().location(), prefix(context) + "'" + entry.key().text() + "' must be "
          + Durations.EXPECTED + ", but found '" + text.strip() + "'");
      return null;
    }
  }

  List<String> strings(Entry entry, String context, boolean substitute) {
    String what = field(context, entry);
    if (entry.value() instanceof Scalar scalar) {
      String single = text(scalar, what, substitute);
      return single == null ? List.of() : List.of(single);
    }
    if (!(entry.value() instanceof Sequence sequence)) {
      wrongShape(entry, context, FieldKind.STRING_LIST.expected());
      return List.of();
    }
    List<String> result = new ArrayList<>();
    for (YamlNode item : sequence.items()) {
      if (item instanceof Scalar scalar) {
        String text = text(scalar, what, substitute);
        result.add(text == null ? "" : text);
      } else {
        problems.error(item.location(), prefix(context) + "each item of '" + entry.key().text()
            + "' must be a string, but found " + item.describe());
      }
    }
    return List.copyOf(result);
  }

  Map<String, String> stringMap(Entry entry, String context) {
    Map<String, String> result = new LinkedHashMap<>();
    mapping(entry, context).ifPresent(mapping -> {
      for (Entry item : mapping.entries()) {
        String itemContext = field(context, entry);
        if (item.value() instanceof Scalar scalar) {
          String text = text(scalar, itemContext + " '" + item.key().text() + "'", true);
          result.put(item.key().text(), text == null ? "" : text);
        } else {
          wrongShape(item, itemContext, FieldKind.STRING.expected());
        }
      }
    });
    return result;
  }

  Map<String, List<String>> stringListMap(Entry entry, String context) {
    Map<String, List<String>> result = new LinkedHashMap<>();
    mapping(entry, context).ifPresent(mapping -> {
      for (Entry item : mapping.entries()) {
        result.put(item.key().text(), strings(item, field(context, entry), true));
      }
    });
    return result;
  }

  Optional<Mapping> mapping(Entry entry, String context) {
    if (entry.value() instanceof Mapping mapping) {
      return Optional.of(mapping);
    }
    if (!isNull(entry.value())) {
      wrongShape(entry, context, "a mapping");
    }
    return Optional.empty();
  }

  static boolean isNull(YamlNode node) {
    return node instanceof Scalar scalar && scalar.isNull();
  }

  /**
   * Reports "'key' must be X, but found Y". When a block sits where a single value belongs, it was
   * most likely indented one level too deep (Postee's own cfg.yaml does that): the message says so.
   */
  void wrongShape(Entry entry, String context, String expected) {
    YamlNode value = entry.value();
    String message = prefix(context) + "'" + entry.key().text() + "' must be " + expected + ", but found "
        + value.describe();
    boolean scalarExpected = !expected.startsWith("a list") && !expected.startsWith("a mapping");
    if (scalarExpected && !(value instanceof Scalar) && value.location().line() > entry.key().location().line()) {
      message += "; the block at line " + value.location().line() + firstName(value) + " is indented under '"
          + entry.key().text() + "': if it is a separate entry, indent it like the entries around it";
    }
    problems.error(entry.key().location(), message);
  }

  /** " ('- name: x')" when the block is a list whose first item has a name. */
  private static String firstName(YamlNode block) {
    if (block instanceof Sequence sequence && !sequence.items().isEmpty()
        && sequence.items().get(0) instanceof Mapping first
        && first.entry("name").map(Entry::value).orElse(null) instanceof Scalar name && !name.isNull()) {
      return " ('- name: " + name.text() + "')";
    }
    return "";
  }

  /** "route 'x': 'template'", naming a field in messages. */
  static String field(String context, Entry entry) {
    return prefix(context) + "'" + entry.key().text() + "'";
  }

  static String prefix(String context) {
    return context.isEmpty() ? "" : context + ": ";
  }
}
