package dev.postee.core.config;

import java.util.List;

/** A rule about several fields of an enabled action, beyond single mandatory fields. */
public sealed interface Requirement {
  /** At least one of the fields must be set (exec: exec-script or input-file). */
  record AtLeastOneOf(List<String> fields) implements Requirement {
    public AtLeastOneOf {
      fields = List.copyOf(fields);
    }
  }

  /** {@code field} must be set unless {@code unlessSet} is set (email: host unless use-mx). */
  record RequiredUnless(String field, String unlessSet) implements Requirement {}

  /** When both are set, {@code used} wins and {@code ignored} is ignored, as in Postee: a warning. */
  record PreferredOver(String used, String ignored) implements Requirement {}
}
