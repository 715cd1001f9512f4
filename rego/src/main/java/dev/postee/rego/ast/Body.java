package dev.postee.rego.ast;

import java.util.List;

/** A conjunction of expressions. */
public record Body(List<Expr> exprs, Location loc) {
  public boolean isEmpty() { return exprs.isEmpty(); }
}
