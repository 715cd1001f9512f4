package dev.postee.rego.ast;

import java.util.List;

/**
 * A rule as written. {@code ref} is the head reference relative to the package (first element a
 * Var, then string scalars for {@code .name} or any term for {@code [term]}).
 *
 * @param kind what the head declares
 * @param ref head reference (for partial sets/v0 {@code p[x]}, without the key)
 * @param args function parameters, or null when not a function
 * @param key the element of a partial set ({@code contains x}, v0 {@code p[x]}), else null
 * @param value the head value (true when omitted), null for partial sets
 * @param assign whether the head used {@code :=}
 * @param body the body (empty for rules without one)
 * @param elseRule the next else clause, or null
 * @param isDefault {@code default} rule
 */
public record Rule(
    Kind kind,
    List<Term> ref,
    List<Term> args,
    Term key,
    Term value,
    boolean assign,
    Body body,
    Rule elseRule,
    boolean isDefault,
    Location loc) {

  public enum Kind { SINGLE_VALUE, MULTI_VALUE, FUNCTION }

  public String name() { return ((Term.Var) ref.get(0)).name(); }
}
