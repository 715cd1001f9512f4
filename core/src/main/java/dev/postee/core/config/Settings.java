package dev.postee.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The type-specific fields of a config block (an action's {@code url}, {@code headers}, ...), read
 * case-insensitively, after {@code $VAR} substitution. Values were validated against the action
 * type's field spec at load, so typed getters only fail for programming errors.
 */
public interface Settings {
  /** Keys as written in the file, lower-cased. */
  Set<String> keys();

  boolean has(String key);

  Optional<String> string(String key);

  /** A list of strings; a single string is read as a one-element list. Empty when absent. */
  List<String> strings(String key);

  Optional<Boolean> bool(String key);

  Optional<Long> integer(String key);

  /** A duration written as "30s", "10m", "1h", "2d" or bare seconds. */
  Optional<Duration> duration(String key);

  /**
   * A map of string to list of strings (http headers); single strings become one-element lists.
   * Names keep their case. Empty when absent.
   */
  Map<String, List<String>> stringListMap(String key);

  /**
   * A map of string to string (docker-volume-mounts, kubernetes labels); names keep their case.
   * Empty when absent.
   */
  Map<String, String> stringMap(String key);

  /** A nested block (e.g. kubernetes kube-actions), or empty. */
  Optional<Settings> nested(String key);

  /** Where the key's value was written, for messages. */
  SourceLocation locationOf(String key);

  /** The raw value as plain Java data (String, Long, Double, Boolean, List, Map), or null. */
  Object raw(String key);
}
