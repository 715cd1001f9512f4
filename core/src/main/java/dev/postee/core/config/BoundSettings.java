package dev.postee.core.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link Settings} the loader builds: values already substituted and checked against the
 * field table, stored as plain Java data in the shape of their {@link FieldKind}.
 */
final class BoundSettings implements Settings {
  /** One field: its value (String, Long, Boolean, List, Map) and where it was written. */
  record Field(Object value, SourceLocation location, BoundSettings nested) {}

  private final Map<String, Field> fields;
  private final SourceLocation blockLocation;

  BoundSettings(Map<String, Field> fields, SourceLocation blockLocation) {
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    this.blockLocation = blockLocation;
  }

  @Override
  public Set<String> keys() {
    return fields.keySet();
  }

  @Override
  public boolean has(String key) {
    return fields.containsKey(key);
  }

  @Override
  public Optional<String> string(String key) {
    return value(key, String.class);
  }

  @Override
  public List<String> strings(String key) {
    Object value = raw(key);
    if (value == null) {
      return List.of();
    }
    if (value instanceof String single) {
      return List.of(single);
    }
    return castList(key, value);
  }

  @Override
  public Optional<Boolean> bool(String key) {
    return value(key, Boolean.class);
  }

  @Override
  public Optional<Long> integer(String key) {
    return value(key, Long.class);
  }

  @Override
  public Optional<Duration> duration(String key) {
    return value(key, String.class).map(Durations::parse);
  }

  @Override
  public Map<String, List<String>> stringListMap(String key) {
    Object value = raw(key);
    if (value == null) {
      return Map.of();
    }
    Map<String, List<String>> result = new LinkedHashMap<>();
    castMap(key, value).forEach((name, item) ->
        result.put(name, item instanceof String single ? List.of(single) : castList(key, item)));
    return Collections.unmodifiableMap(result);
  }

  @Override
  public Map<String, String> stringMap(String key) {
    Object value = raw(key);
    if (value == null) {
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    castMap(key, value).forEach((name, item) -> result.put(name, (String) item));
    return Collections.unmodifiableMap(result);
  }

  @Override
  public Optional<Settings> nested(String key) {
    Field field = fields.get(key);
    return field == null || field.nested() == null ? Optional.empty() : Optional.of(field.nested());
  }

  @Override
  public SourceLocation locationOf(String key) {
    Field field = fields.get(key);
    return field == null ? blockLocation : field.location();
  }

  @Override
  public Object raw(String key) {
    Field field = fields.get(key);
    return field == null ? null : field.value();
  }

  private <T> Optional<T> value(String key, Class<T> type) {
    Object value = raw(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!type.isInstance(value)) {
      throw wrongKind(key, type.getSimpleName());
    }
    return Optional.of(type.cast(value));
  }

  @SuppressWarnings("unchecked")
  private List<String> castList(String key, Object value) {
    if (!(value instanceof List<?>)) {
      throw wrongKind(key, "list");
    }
    return (List<String>) value;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> castMap(String key, Object value) {
    if (!(value instanceof Map<?, ?>)) {
      throw wrongKind(key, "map");
    }
    return (Map<String, Object>) value;
  }

  private IllegalStateException wrongKind(String key, String asked) {
    return new IllegalStateException("setting '" + key + "' holds a " + raw(key).getClass().getSimpleName()
        + ", not a " + asked + "; the field table of ActionTypes and the caller disagree");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BoundSettings that && fields.equals(that.fields);
  }

  @Override
  public int hashCode() {
    return fields.hashCode();
  }

  /** Keys only: values may be secrets, and records print their components. */
  @Override
  public String toString() {
    return "Settings" + fields.keySet();
  }
}
