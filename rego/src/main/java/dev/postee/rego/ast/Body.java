package dev.postee.rego.ast;

import java.util.List;

/** A conjunction of expressions. */
public record Body(List<Expr> exprs, Location loc) {
  public boolean isEmpty() { return exprs.isEmpty(); }

  /** A body of one expression. */
  public static Body of(Expr e) { return new Body(List.of(e), e.loc()); }
}
