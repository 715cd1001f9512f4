package dev.postee.rego.ast;

import dev.postee.rego.value.Value;
import java.util.List;

/** A term of the Rego AST as written (before compilation resolves names). */
public sealed interface Term {
  Location loc();

  /** A literal scalar (null, boolean, number, string). */
  record Scalar(Value value, Location loc) implements Term {
    @Override public String toString() { return value.toRego(); }
  }

  /** A variable or a name; {@code _} is replaced by a unique wildcard name by the parser. */
  record Var(String name, Location loc) implements Term {
    public boolean isWildcard() { return name.startsWith("$"); }
    @Override public String toString() { return name; }
  }

  /** head.path[0][path[1]]... ; {@code .name} segments are string scalars. */
  record Ref(Term head, List<Term> path, Location loc) implements Term {
    @Override public String toString() {
      StringBuilder sb = new StringBuilder(head.toString());
      for (Term t : path) {
        if (t instanceof Scalar s && s.value() instanceof dev.postee.rego.value.StringValue sv
            && sv.value().matches("[A-Za-z_][A-Za-z0-9_]*")) {
          sb.append('.').append(sv.value());
        } else {
          sb.append('[').append(t).append(']');
        }
      }
      return sb.toString();
    }
  }

  /** A call: operator is a name or ref (count, strings.replace_n, data.pkg.f, pkg.f). */
  record Call(Term operator, List<Term> args, Location loc) implements Term {
    @Override public String toString() { return operator + "(" + String.join(", ", args.stream().map(Object::toString).toList()) + ")"; }
  }

  record ArrayLit(List<Term> items, Location loc) implements Term {
    @Override public String toString() { return items.toString(); }
  }

  record SetLit(List<Term> items, Location loc) implements Term {
    @Override public String toString() { return items.isEmpty() ? "set()" : "{" + String.join(", ", items.stream().map(Object::toString).toList()) + "}"; }
  }

  record ObjectLit(List<Term> keys, List<Term> values, Location loc) implements Term {
    @Override public String toString() { return "{object}"; }
  }

  record ArrayCompr(Term head, Body body, Location loc) implements Term {
    @Override public String toString() { return "[" + head + " | ...]"; }
  }

  record SetCompr(Term head, Body body, Location loc) implements Term {
    @Override public String toString() { return "{" + head + " | ...}"; }
  }

  record ObjectCompr(Term key, Term value, Body body, Location loc) implements Term {
    @Override public String toString() { return "{" + key + ": " + value + " | ...}"; }
  }

  /** $"text {expr} text": parts are String literals or Expr (a term expression with optional withs). */
  record TemplateString(List<Object> parts, Location loc) implements Term {
    @Override public String toString() { return "$\"...\""; }
  }
}
