package dev.postee.core.config;

import java.util.List;

/**
 * One field an action type knows.
 *
 * @param name the key, lower-case
 * @param mandatory an enabled action must give it a non-empty value
 * @param verbatim a script or body text: no {@code $VAR} substitution (the shell needs its {@code $})
 * @param allowedValues the only values accepted, compared ignoring case; empty = any
 * @param nestedFields the fields of a {@link FieldKind#NESTED} block
 */
public record FieldSpec(
    String name, FieldKind kind, boolean mandatory, boolean verbatim, List<String> allowedValues,
    List<FieldSpec> nestedFields) {
  public FieldSpec {
    allowedValues = List.copyOf(allowedValues);
    nestedFields = List.copyOf(nestedFields);
  }

  public static FieldSpec optional(String name, FieldKind kind) {
    return new FieldSpec(name, kind, false, false, List.of(), List.of());
  }

  public static FieldSpec required(String name, FieldKind kind) {
    return new FieldSpec(name, kind, true, false, List.of(), List.of());
  }

  public FieldSpec asVerbatim() {
    return new FieldSpec(name, kind, mandatory, true, allowedValues, nestedFields);
  }

  public FieldSpec allowing(String... values) {
    return new FieldSpec(name, kind, mandatory, verbatim, List.of(values), nestedFields);
  }

  /** True when {@code value} is accepted: any value when no set is given, else one of it ignoring case. */
  public boolean allows(String value) {
    return allowedValues.isEmpty() || allowedValues.stream().anyMatch(value::equalsIgnoreCase);
  }

  public FieldSpec withFields(FieldSpec... fields) {
    return new FieldSpec(name, kind, mandatory, verbatim, allowedValues, List.of(fields));
  }
}
