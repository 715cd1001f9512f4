package dev.postee.core.action;

import dev.postee.core.config.SourceLocation;

/**
 * An action's configuration cannot be used: a missing or malformed field. A user mistake, so the
 * message says where and what is expected, and never repeats the offending value (it may be a
 * secret after {@code $VAR} substitution).
 */
public class ActionConfigException extends RuntimeException {
  private final String action;
  private final String key;
  private final SourceLocation location;

  public ActionConfigException(String action, String type, String key, SourceLocation location, String problem) {
    super(message(action, type, key, location, problem));
    this.action = action;
    this.key = key;
    this.location = location == null ? SourceLocation.UNKNOWN : location;
  }

  private static String message(String action, String type, String key, SourceLocation location, String problem) {
    StringBuilder sb = new StringBuilder();
    sb.append(location == null ? SourceLocation.UNKNOWN : location).append(": action \"").append(action).append('"');
    if (type != null && !type.isEmpty()) sb.append(" (type ").append(type).append(')');
    if (key != null) sb.append(", field \"").append(key).append('"');
    return sb.append(": ").append(problem).toString();
  }

  /** The action's name. */
  public String action() { return action; }

  /** The offending field, or null when the problem is not about one field. */
  public String key() { return key; }

  public SourceLocation location() { return location; }
}
