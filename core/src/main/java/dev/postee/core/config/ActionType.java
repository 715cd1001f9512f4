package dev.postee.core.config;

import java.util.List;
import java.util.Optional;

/** An action type's known fields (beyond the common ones) and rules about them. */
public record ActionType(String name, List<FieldSpec> fields, List<Requirement> requirements) {
  public ActionType {
    fields = List.copyOf(fields);
    requirements = List.copyOf(requirements);
  }

  public Optional<FieldSpec> field(String key) {
    return fields.stream().filter(f -> f.name().equals(key)).findFirst();
  }
}
