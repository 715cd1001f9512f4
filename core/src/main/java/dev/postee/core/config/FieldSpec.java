package dev.postee.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One field an action type knows.
 *
 * @param name the key, lower-case
 * @param mandatory an enabled action must give it a non-empty value
 * @param verbatim a script or body text: no {@code $VAR} substitution (the shell needs its {@code $})
 * @param allowedValues the only values accepted, lower-case (compared ignoring case); empty = any
 * @param nestedFields the fields of a {@link FieldKind#NESTED} block
 */
public record FieldSpec(
    String name, FieldKind kind, boolean mandatory, boolean verbatim, Set<String> allowedValues,
    List<FieldSpec> nestedFields) {
  public FieldSpec {
    allowedValues = Set.copyOf(allowedValues);
    nestedFields = List.copyOf(nestedFields);
  }

  public static FieldSpec optional(String name, FieldKind kind) {
    return new FieldSpec(name, kind, false, false, Set.of(), List.of());
  }

  public static FieldSpec required(String name, FieldKind kind) {
    return new FieldSpec(name, kind, true, false, Set.of(), List.of());
  }

  public FieldSpec asVerbatim() {
    return new FieldSpec(name, kind, mandatory, true, allowedValues, nestedFields);
  }

  public FieldSpec allowing(String... values) {
    Set<String> allowed = Arrays.stream(values).map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    return new FieldSpec(name, kind, mandatory, verbatim, allowed, nestedFields);
  }

  public FieldSpec withFields(FieldSpec... fields) {
    return new FieldSpec(name, kind, mandatory, verbatim, allowedValues, List.of(fields));
  }
}
