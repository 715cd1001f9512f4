package dev.postee.core.action;

import java.util.Objects;
import java.util.function.BiFunction;

/** A kind of action ({@code webhook}, {@code exec}, ...): builds configured actions of that kind. */
public interface ActionType {
  /** The name used in configuration files, lower case. */
  String type();

  /**
   * Builds an action from its configuration. Validates every field it reads and throws
   * {@link ActionConfigException} for a user mistake; performs no network or process call.
   */
  Action create(ActionSpec spec, ActionEnvironment env);

  /** An action type whose actions are built by {@code factory}, usually a constructor reference. */
  static ActionType of(String type, BiFunction<ActionSpec, ActionEnvironment, ? extends Action> factory) {
    return new Registered(type, factory);
  }

  /** The usual implementation: a name and a factory. */
  record Registered(String type, BiFunction<ActionSpec, ActionEnvironment, ? extends Action> factory)
      implements ActionType {
    public Registered {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(factory, "factory");
    }

    @Override
    public Action create(ActionSpec spec, ActionEnvironment env) {
      return factory.apply(spec, env);
    }
  }
}
