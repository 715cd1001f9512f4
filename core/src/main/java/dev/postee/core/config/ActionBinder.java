package dev.postee.core.config;

import dev.postee.core.config.BoundSettings.Field;
import dev.postee.core.config.Requirement.AtLeastOneOf;
import dev.postee.core.config.Requirement.PreferredOver;
import dev.postee.core.config.Requirement.RequiredUnless;
import dev.postee.core.config.ValueReader.Block;
import dev.postee.core.config.YamlNode.Entry;
import dev.postee.core.config.YamlNode.Mapping;
import dev.postee.core.config.YamlNode.Scalar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Binds one action: common fields, then the type's fields from {@link ActionTypes}. */
final class ActionBinder {
  /** More attempts than this is a typo, not a policy. */
  private static final int MAX_ATTEMPTS_LIMIT = 1000;

  private final Problems problems;
  private final ValueReader reader;

  ActionBinder(Problems problems, ValueReader reader) {
    this.problems = problems;
    this.reader = reader;
  }

  ActionConfig bind(Mapping mapping, String context) {
    ActionType type = type(mapping, context);
    Collection<String> known = type == null
        ? mapping.entries().stream().map(Entry::normalizedKey).toList() // unknown type: its keys cannot be judged
        : knownKeys(type);
    Block block = reader.block(mapping, context, known);
    String name = block.requiredName("action");
    Boolean enable = block.bool("enable");
    if (!block.has("enable")) {
      problems.warning(mapping.location(), context + " has no 'enable', so it is disabled (as in Postee);"
          + " add 'enable: true' to use it");
    }
    boolean enabled = Boolean.TRUE.equals(enable);
    Duration timeout = block.duration("timeout");
    if (timeout != null && timeout.isZero()) {
      problems.error(block.entry("timeout").orElseThrow().value().location(), context
          + ": 'timeout' must be longer than zero; leave it out for the default");
      timeout = null;
    }
    BoundSettings settings = type == null
        ? new BoundSettings(Map.of(), mapping.location())
        : settings(block, type.fields(), context);
    if (enabled && type != null) {
      checkRequirements(block, type, settings, context);
    }
    return new ActionConfig(name, type == null ? null : type.name(), enabled, block.string("runs-on"), timeout,
        retry(block, context), settings, mapping.location());
  }

  private ActionType type(Mapping mapping, String context) {
    Optional<Entry> entry = mapping.entry("type");
    String written = entry.map(e -> reader.string(e, context, true)).orElse(null);
    if (written == null) {
      if (entry.isEmpty() || entry.get().value() instanceof Scalar) { // else reported as the wrong shape
        problems.error(entry.map(e -> e.key().location()).orElse(mapping.location()), context
            + " has no type; expected one of " + String.join(", ", ActionTypes.names()));
      }
      return null;
    }
    Optional<ActionType> type = ActionTypes.get(written);
    if (type.isEmpty()) {
      problems.error(entry.get().value().location(), context + ": unknown type '" + written + "'"
          + Messages.didYouMean(written, ActionTypes.names()) + "; known types: "
          + String.join(", ", ActionTypes.names()));
    }
    return type.orElse(null);
  }

  private static List<String> knownKeys(ActionType type) {
    List<String> keys = new ArrayList<>(ActionTypes.COMMON_FIELDS);
    type.fields().forEach(f -> keys.add(f.name()));
    return keys;
  }

  private RetryConfig retry(Block block, String context) {
    Long attempts = block.integer("max-attempts");
    if (attempts != null && (attempts < 1 || attempts > MAX_ATTEMPTS_LIMIT)) {
      problems.error(block.entry("max-attempts").orElseThrow().value().location(), context
          + ": 'max-attempts' must be between 1 and " + MAX_ATTEMPTS_LIMIT + " (1 = no retry), but found " + attempts);
      attempts = null;
    }
    Duration initialDelay = block.duration("retry-initial-delay");
    Duration maxDelay = block.duration("retry-max-delay");
    if (initialDelay != null && maxDelay != null && initialDelay.compareTo(maxDelay) > 0) {
      problems.error(block.entry("retry-initial-delay").orElseThrow().value().location(), context
          + ": 'retry-initial-delay' must not be longer than 'retry-max-delay'");
    }
    return new RetryConfig(attempts == null ? null : attempts.intValue(), initialDelay, maxDelay);
  }

  private BoundSettings settings(Block block, List<FieldSpec> specs, String context) {
    Map<String, Field> fields = new LinkedHashMap<>();
    for (FieldSpec spec : specs) {
      block.entry(spec.name()).ifPresent(entry -> {
        Field field = field(block, entry, spec, context);
        if (field != null) {
          fields.put(spec.name(), field);
        }
      });
    }
    return new BoundSettings(fields, block.location());
  }

  /** The field's value in the shape of its kind, or null when absent, empty or reported. */
  private Field field(Block block, Entry entry, FieldSpec spec, String context) {
    SourceLocation where = entry.value().location();
    if (spec.kind() == FieldKind.NESTED) {
      return block.mapping(spec.name()).map(mapping -> nestedField(mapping, spec, context, where)).orElse(null);
    }
    Object value = switch (spec.kind()) {
      case STRING -> spec.verbatim() ? block.verbatim(spec.name()) : block.string(spec.name());
      case INTEGER -> block.integer(spec.name());
      case BOOLEAN -> block.bool(spec.name());
      case STRING_LIST -> nullIfEmpty(block.strings(spec.name()));
      case STRING_MAP -> nullIfEmpty(block.stringMap(spec.name()));
      case STRING_LIST_MAP -> nullIfEmpty(reader.stringListMap(entry, context));
      case NESTED -> throw new AssertionError("handled above");
    };
    if (value instanceof String text && !spec.allows(text)) {
      problems.error(where, context + ": '" + spec.name() + "' must be one of "
          + String.join(", ", spec.allowedValues()) + ", but found '" + text + "'");
    }
    return value == null ? null : new Field(value, where, null);
  }

  private Field nestedField(Mapping mapping, FieldSpec spec, String context, SourceLocation where) {
    String nestedContext = context + ": '" + spec.name() + "'";
    List<String> nestedKeys = spec.nestedFields().stream().map(FieldSpec::name).toList();
    BoundSettings nested = settings(reader.block(mapping, nestedContext, nestedKeys), spec.nestedFields(),
        nestedContext);
    Map<String, Object> raw = new LinkedHashMap<>();
    nested.keys().forEach(key -> raw.put(key, nested.raw(key)));
    return new Field(raw, where, nested);
  }

  private static Object nullIfEmpty(Collection<?> values) {
    return values.isEmpty() ? null : values;
  }

  private static Object nullIfEmpty(Map<?, ?> values) {
    return values.isEmpty() ? null : values;
  }

  /** Mandatory fields and multi-field rules; only enabled actions must be complete. */
  private void checkRequirements(Block block, ActionType type, BoundSettings settings, String context) {
    String subject = context + " (" + type.name() + ")";
    for (FieldSpec spec : type.fields()) {
      if (spec.mandatory() && !given(block, settings, spec.name())) {
        missing(block, spec.name(), subject + " is enabled but its '" + spec.name() + "' is "
            + (block.has(spec.name()) ? "empty" : "missing") + "; " + type.name() + " actions need it");
      }
    }
    for (Requirement requirement : type.requirements()) {
      switch (requirement) {
        case AtLeastOneOf one when one.fields().stream().noneMatch(f -> given(block, settings, f)) ->
            missing(block, one.fields().get(0), subject + " is enabled but has none of "
                + String.join(", ", one.fields()) + "; give one of them");
        case RequiredUnless rule
            when !given(block, settings, rule.field()) && !given(block, settings, rule.unlessSet()) ->
            missing(block, rule.field(), subject + " is enabled but its '" + rule.field() + "' is "
                + (block.has(rule.field()) ? "empty" : "missing") + "; it is needed unless '" + rule.unlessSet()
                + "' is set");
        case PreferredOver rule when isSet(settings.raw(rule.used())) && isSet(settings.raw(rule.ignored())) ->
            problems.warning(settings.locationOf(rule.ignored()), context + ": '" + rule.ignored()
                + "' is ignored because '" + rule.used() + "' is given (as in Postee); keep one");
        default -> { }
      }
    }
  }

  private void missing(Block block, String key, String message) {
    problems.error(block.entry(key).map(e -> e.key().location()).orElse(block.location()), message);
  }

  /**
   * Whether the field has a value for requirement checks. A value that could not be read was already
   * reported as the wrong shape; it counts as given so it is not reported as missing too.
   */
  private static boolean given(Block block, BoundSettings settings, String key) {
    if (settings.has(key)) {
      return isSet(settings.raw(key));
    }
    return block.entry(key).map(Entry::value)
        .filter(value -> !(value instanceof Scalar scalar) || !scalar.isNull() && !scalar.text().isBlank())
        .isPresent();
  }

  /** Set = a value a user meant: not blank, not false, not a list of blanks. */
  private static boolean isSet(Object value) {
    return switch (value) {
      case null -> false;
      case String text -> !text.isBlank();
      case Boolean flag -> flag;
      case List<?> items -> items.stream().anyMatch(ActionBinder::isSet);
      case Map<?, ?> map -> !map.isEmpty();
      default -> true;
    };
  }
}
