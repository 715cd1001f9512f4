package dev.postee.rego.ast;

import java.util.List;

/** A body literal. */
public sealed interface Expr {
  Location loc();

  List<With> withs();

  /** Returns a copy with the given with-modifiers. */
  Expr withWiths(List<With> w);

  /** A term that must be defined and not false (calls included: `count(x) > 1`). */
  record TermExpr(Term term, List<With> withs, Location loc) implements Expr {
    public Expr withWiths(List<With> w) { return new TermExpr(term, w, loc); }
  }

  /** lhs = rhs (unification) or lhs := rhs (assignment with declaration). */
  record Unify(Term lhs, Term rhs, boolean assign, List<With> withs, Location loc) implements Expr {
    public Expr withWiths(List<With> w) { return new Unify(lhs, rhs, assign, w, loc); }
  }

  /** not expr */
  record Not(Expr expr, List<With> withs, Location loc) implements Expr {
    public Expr withWiths(List<With> w) { return new Not(expr, w, loc); }
  }

  /** not { body } (negation of a whole body, OPA's future.keywords.not). */
  record NotBody(Body body, List<With> withs, Location loc) implements Expr {
    public Expr withWiths(List<With> w) { return new NotBody(body, w, loc); }
  }

  /** some x, y (declaration only). */
  record SomeDecl(List<Term.Var> vars, List<With> withs, Location loc) implements Expr {
    public Expr withWiths(List<With> w) { return new SomeDecl(vars, w, loc); }
  }

  /** some [key,] value in collection. key may be null. key/value may be patterns. */
  record SomeIn(Term key, Term value, Term collection, List<With> withs, Location loc) implements Expr {
    public Expr withWiths(List<With> w) { return new SomeIn(key, value, collection, w, loc); }
  }

  /** every [key,] value in domain { body } */
  record Every(Term key, Term value, Term domain, Body body, List<With> withs, Location loc) implements Expr {
    public Expr withWiths(List<With> w) { return new Every(key, value, domain, body, w, loc); }
  }

  /**
   * {@code lhs and rhs} / {@code lhs or rhs}, OPA's experimental logic keywords. Each operand is a
   * body of its own (an explicit {@code {...}} or a single expression) that is only tested for a
   * solution: operands bind nothing outside, and the expression succeeds at most once.
   */
  record Logic(boolean and, Body lhs, Body rhs, boolean explicitLhs, boolean explicitRhs, List<With> withs, Location loc)
      implements Expr {
    public Expr withWiths(List<With> w) { return new Logic(and, lhs, rhs, explicitLhs, explicitRhs, w, loc); }
  }

  /** with target as value */
  record With(Term target, Term value, Location loc) {}
}
