package dev.postee.core.action;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The registry of action types: adding a type is one class and one line in {@link #builtIn()}. */
public final class ActionTypes {
  private final Map<String, ActionType> byName;

  public ActionTypes(Collection<? extends ActionType> types) {
    Map<String, ActionType> map = new TreeMap<>();
    for (ActionType t : types) {
      String key = normalise(t.type());
      if (map.putIfAbsent(key, t) != null) {
        throw new IllegalArgumentException("action type \"" + key + "\" is registered twice");
      }
    }
    this.byName = Collections.unmodifiableMap(map);
  }

  /** Every action type this build ships. */
  public static ActionTypes builtIn() {
    return new ActionTypes(List.of(
        ActionType.of(StdoutAction.TYPE, StdoutAction::new),
        ActionType.of(WebhookAction.TYPE, WebhookAction::new),
        ActionType.of(HttpAction.TYPE, HttpAction::new),
        ActionType.of(ExecAction.TYPE, ExecAction::new)));
  }

  /** Known type names, sorted. */
  public Set<String> names() {
    return byName.keySet();
  }

  /** The type with that name; names are matched case-insensitively. */
  public Optional<ActionType> find(String type) {
    return type == null ? Optional.empty() : Optional.ofNullable(byName.get(normalise(type)));
  }

  /**
   * Builds the action {@code spec} describes.
   *
   * @throws UnknownActionTypeException when no registered type has that name
   * @throws ActionConfigException when a field is missing or malformed
   */
  public Action create(ActionSpec spec, ActionEnvironment env) {
    ActionType type = find(spec.type()).orElseThrow(() -> new UnknownActionTypeException(
        spec.name(), spec.type(), spec.settings().locationOf("type"), names()));
    return type.create(spec, env);
  }

  private static String normalise(String type) {
    return type.trim().toLowerCase(Locale.ROOT);
  }
}
