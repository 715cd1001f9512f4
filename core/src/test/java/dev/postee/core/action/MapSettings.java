package dev.postee.core.action;

import dev.postee.core.config.Settings;
import dev.postee.core.config.SourceLocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Test-only {@link Settings} over plain Java data, keys matched case-insensitively. Each key's
 * location is line = its position in the map, so tests can check that errors point at the field.
 */
final class MapSettings implements Settings {
  static final String FILE = "test.yaml";

  private final Map<String, Object> values = new LinkedHashMap<>();
  private final Map<String, Integer> lines = new LinkedHashMap<>();

  MapSettings(Map<String, ?> values) {
    int line = 1;
    for (Map.Entry<String, ?> e : values.entrySet()) {
      String key = e.getKey().toLowerCase(Locale.ROOT);
      this.values.put(key, e.getValue());
      this.lines.put(key, ++line);
    }
  }

  static MapSettings of(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
    return new MapSettings(m);
  }

  private Object get(String key) {
    return values.get(key.toLowerCase(Locale.ROOT));
  }

  @Override public Set<String> keys() { return values.keySet(); }

  @Override
  public Map<String, String> stringMap(String key) {
    Object v = get(key);
    if (!(v instanceof Map<?, ?> m)) return Map.of();
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, val) -> out.put(String.valueOf(k), String.valueOf(val)));
    return out;
  }

  @Override public boolean has(String key) { return get(key) != null; }

  @Override
  public Optional<String> string(String key) {
    Object v = get(key);
    if (v == null) return Optional.empty();
    if (v instanceof List<?> || v instanceof Map<?, ?>) throw new IllegalStateException(key + " is not a scalar");
    return Optional.of(String.valueOf(v));
  }

  @Override
  public List<String> strings(String key) {
    Object v = get(key);
    if (v == null) return List.of();
    if (v instanceof List<?> l) return l.stream().map(String::valueOf).toList();
    return List.of(String.valueOf(v));
  }

  @Override
  public Optional<Boolean> bool(String key) {
    return Optional.ofNullable(get(key)).map(v -> v instanceof Boolean b ? b : Boolean.parseBoolean(v.toString()));
  }

  @Override
  public Optional<Long> integer(String key) {
    return Optional.ofNullable(get(key)).map(v -> v instanceof Number n ? n.longValue() : Long.parseLong(v.toString()));
  }

  @Override
  public Optional<Duration> duration(String key) {
    return string(key).map(MapSettings::parseDuration);
  }

  static Duration parseDuration(String s) {
    String t = s.trim();
    char unit = t.charAt(t.length() - 1);
    if (Character.isDigit(unit)) return Duration.ofSeconds(Long.parseLong(t));
    long n = Long.parseLong(t.substring(0, t.length() - 1));
    return switch (unit) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      case 'd' -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException("bad duration " + s);
    };
  }

  @Override
  public Map<String, List<String>> stringListMap(String key) {
    Object v = get(key);
    if (v == null) return Map.of();
    Map<String, List<String>> out = new LinkedHashMap<>();
    ((Map<?, ?>) v).forEach((k, val) -> out.put(String.valueOf(k),
        val instanceof List<?> l ? new ArrayList<>(l.stream().map(String::valueOf).toList()) : List.of(String.valueOf(val))));
    return out;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Optional<Settings> nested(String key) {
    Object v = get(key);
    return v instanceof Map<?, ?> m ? Optional.of(new MapSettings((Map<String, ?>) m)) : Optional.empty();
  }

  @Override
  public SourceLocation locationOf(String key) {
    Integer line = lines.get(key.toLowerCase(Locale.ROOT));
    return line == null ? new SourceLocation(FILE, 1, 1) : new SourceLocation(FILE, line, 3);
  }

  @Override
  public Object raw(String key) {
    return get(key);
  }
}
