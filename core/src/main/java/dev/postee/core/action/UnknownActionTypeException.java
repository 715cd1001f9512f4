package dev.postee.core.action;

import dev.postee.core.config.SourceLocation;
import java.util.Set;

/** An action names a type no registered {@link ActionType} implements. */
public final class UnknownActionTypeException extends ActionConfigException {
  private final Set<String> knownTypes;

  public UnknownActionTypeException(String action, String type, SourceLocation location, Set<String> knownTypes) {
    super(action, null, "type", location,
        "unknown action type \"" + type + "\"; known types are: " + String.join(", ", knownTypes));
    this.knownTypes = Set.copyOf(knownTypes);
  }

  public Set<String> knownTypes() { return knownTypes; }
}
