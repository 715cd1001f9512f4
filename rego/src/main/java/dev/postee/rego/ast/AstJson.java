package dev.postee.rego.ast;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A parsed module in OPA's AST JSON form (what {@code rego.parse_module} returns): terms are
 * {@code {"type": ..., "value": ...}}, expressions {@code {"index", "terms", "negated", "with"}},
 * rules {@code {"head", "body", "default", "else"}}; locations are left out, as OPA's default
 * marshalling does.
 */
public final class AstJson {
  private AstJson() {}

  public static ObjectValue module(Module m) {
    ObjectValue.Builder b = ObjectValue.builder();
    List<Value> pkg = new ArrayList<>();
    pkg.add(term("var", StringValue.of("data")));
    for (String s : m.packagePath()) pkg.add(term("string", StringValue.of(s)));
    b.put(s("package"), ObjectValue.ofStrings("path", ArrayValue.of(pkg)));
    if (!m.imports().isEmpty()) {
      List<Value> imports = new ArrayList<>();
      for (Module.Import imp : m.imports()) {
        ObjectValue.Builder ib = ObjectValue.builder();
        ib.put(s("path"), refTerm(imp.path()));
        if (imp.alias() != null) ib.put(s("alias"), s(imp.alias()));
        imports.add(ib.build());
      }
      b.put(s("imports"), ArrayValue.of(imports));
    }
    if (!m.rules().isEmpty()) {
      List<Value> rules = new ArrayList<>();
      for (Rule r : m.rules()) rules.add(rule(r, r));
      b.put(s("rules"), ArrayValue.of(rules));
    }
    if (!m.comments().isEmpty()) {
      List<Value> comments = new ArrayList<>();
      for (Lexer.Comment c : m.comments()) comments.add(comment(m.file(), c));
      b.put(s("comments"), ArrayValue.of(comments));
    }
    return b.build();
  }

  /** Go encodes the untagged Comment struct field by field, byte slices in base64. */
  private static Value comment(String file, Lexer.Comment c) {
    ObjectValue.Builder loc = ObjectValue.builder();
    loc.put(s("file"), s(file));
    loc.put(s("row"), NumberValue.of(c.line()));
    loc.put(s("col"), NumberValue.of(c.column()));
    loc.put(s("text"), base64("#" + c.text()));
    return ObjectValue.ofStrings("Location", loc.build(), "Text", base64(c.text()));
  }

  private static Value base64(String text) {
    return s(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
  }

  // ------------------------------------------------------------------ rules

  private static Value rule(Rule r, Rule headOf) {
    ObjectValue.Builder b = ObjectValue.builder();
    b.put(s("head"), head(headOf, r));
    b.put(s("body"), r.body().isEmpty() ? trueBody() : body(r.body()));
    if (r.isDefault()) b.put(s("default"), BooleanValue.TRUE);
    if (r.elseRule() != null) b.put(s("else"), rule(r.elseRule(), headOf));
    return b.build();
  }

  /** An else clause shares the rule's reference and arguments but has its own value. */
  private static Value head(Rule headOf, Rule valueOf) {
    ObjectValue.Builder b = ObjectValue.builder();
    List<Term> ref = headOf.ref();
    if (ref.size() <= 2) b.put(s("name"), s(headOf.name()));
    List<Value> refTerms = new ArrayList<>();
    for (int i = 0; i < ref.size(); i++) refTerms.add(i == 0 ? term("var", s(headOf.name())) : term(ref.get(i)));
    b.put(s("ref"), ArrayValue.of(refTerms));
    if (headOf.args() != null && !headOf.args().isEmpty()) b.put(s("args"), terms(headOf.args()));
    if (headOf.key() != null) {
      b.put(s("key"), term(headOf.key()));
    } else if (ref.size() == 2 && !(ref.get(1) instanceof Term.Scalar)) {
      b.put(s("key"), term(ref.get(1)));
    }
    if (valueOf.value() != null) b.put(s("value"), term(valueOf.value()));
    if (valueOf.assign()) b.put(s("assign"), BooleanValue.TRUE);
    return b.build();
  }

  private static Value trueBody() {
    return ArrayValue.of(ObjectValue.ofStrings("index", NumberValue.ZERO, "terms", term("boolean", BooleanValue.TRUE)));
  }

  // ------------------------------------------------------------------ bodies

  private static Value body(Body b) {
    List<Value> out = new ArrayList<>();
    for (int i = 0; i < b.exprs().size(); i++) out.add(expr(b.exprs().get(i), i));
    return ArrayValue.of(out);
  }

  private static Value expr(Expr e, int index) {
    ObjectValue.Builder b = ObjectValue.builder();
    b.put(s("index"), NumberValue.of(index));
    Expr inner = e;
    if (e instanceof Expr.Not n) {
      inner = n.expr();
      b.put(s("negated"), BooleanValue.TRUE);
    }
    b.put(s("terms"), exprTerms(inner));
    List<Expr.With> withs = new ArrayList<>(inner.withs());
    if (inner != e) withs.addAll(e.withs());
    if (!withs.isEmpty()) {
      List<Value> ws = new ArrayList<>();
      for (Expr.With w : withs) ws.add(ObjectValue.ofStrings("target", term(w.target()), "value", term(w.value())));
      b.put(s("with"), ArrayValue.of(ws));
    }
    return b.build();
  }

  private static Value exprTerms(Expr e) {
    switch (e) {
      case Expr.TermExpr t -> {
        if (t.term() instanceof Term.Call c) return callTerms(c);
        return term(t.term());
      }
      case Expr.Unify u -> {
        return ArrayValue.of(operator(u.assign() ? "assign" : "eq"), term(u.lhs()), term(u.rhs()));
      }
      case Expr.Not n -> { return exprTerms(n.expr()); }
      case Expr.NotBody nb -> {
        return ObjectValue.ofStrings("type", s("not"), "body", body(nb.body()), "explicit_body", BooleanValue.TRUE);
      }
      case Expr.SomeDecl sd -> {
        List<Value> symbols = new ArrayList<>();
        for (Term.Var v : sd.vars()) symbols.add(term(v));
        return ObjectValue.ofStrings("symbols", ArrayValue.of(symbols));
      }
      case Expr.SomeIn si -> {
        Value call = si.key() == null
            ? term("call", ArrayValue.of(operator("internal.member_2"), term(si.value()), term(si.collection())))
            : term("call", ArrayValue.of(operator("internal.member_3"), term(si.key()), term(si.value()), term(si.collection())));
        return ObjectValue.ofStrings("symbols", ArrayValue.of(call));
      }
      case Expr.Every ev -> {
        return ObjectValue.ofStrings("key", ev.key() == null ? NullValue.INSTANCE : term(ev.key()),
            "value", term(ev.value()), "domain", term(ev.domain()), "body", body(ev.body()));
      }
      case Expr.Logic l -> {
        ObjectValue.Builder b = ObjectValue.builder();
        b.put(s("type"), s(l.and() ? "and" : "or"));
        b.put(s("lhs"), body(l.lhs()));
        b.put(s("rhs"), body(l.rhs()));
        if (l.explicitLhs()) b.put(s("explicit_lhs"), BooleanValue.TRUE);
        if (l.explicitRhs()) b.put(s("explicit_rhs"), BooleanValue.TRUE);
        return b.build();
      }
    }
  }

  private static Value callTerms(Term.Call c) {
    List<Value> out = new ArrayList<>();
    out.add(operatorTerm(c.operator()));
    for (Term a : c.args()) out.add(term(a));
    return ArrayValue.of(out);
  }

  // ------------------------------------------------------------------ terms

  private static Value term(Term t) {
    switch (t) {
      case Term.Scalar sc -> {
        Value v = sc.value();
        return switch (v) {
          case NullValue n -> term("null", ObjectValue.EMPTY); // Go encodes the empty Null struct as {}
          case BooleanValue bv -> term("boolean", bv);
          case NumberValue nv -> term("number", nv);
          default -> term("string", v);
        };
      }
      case Term.Var v -> { return term("var", s(v.name())); }
      case Term.Ref r -> { return refTerm(r); }
      case Term.Call c -> { return term("call", callTerms(c)); }
      case Term.ArrayLit a -> { return term("array", terms(a.items())); }
      case Term.SetLit st -> { return term("set", terms(st.items())); }
      case Term.ObjectLit o -> {
        List<Value> pairs = new ArrayList<>();
        for (int i = 0; i < o.keys().size(); i++) pairs.add(ArrayValue.of(term(o.keys().get(i)), term(o.values().get(i))));
        return term("object", ArrayValue.of(pairs));
      }
      case Term.ArrayCompr ac -> {
        return term("arraycomprehension", ObjectValue.ofStrings("term", term(ac.head()), "body", body(ac.body())));
      }
      case Term.SetCompr sc -> {
        return term("setcomprehension", ObjectValue.ofStrings("term", term(sc.head()), "body", body(sc.body())));
      }
      case Term.ObjectCompr oc -> {
        return term("objectcomprehension",
            ObjectValue.ofStrings("key", term(oc.key()), "value", term(oc.value()), "body", body(oc.body())));
      }
      case Term.TemplateString ts -> {
        List<Value> parts = new ArrayList<>();
        int i = 0;
        for (Object p : ts.parts()) {
          parts.add(p instanceof String str ? term("string", s(str)) : expr((Expr) p, i));
          i++;
        }
        return term("templatestring", ObjectValue.ofStrings("parts", ArrayValue.of(parts), "multi_line", BooleanValue.FALSE));
      }
    }
  }

  private static Value refTerm(Term.Ref r) {
    List<Value> out = new ArrayList<>();
    out.add(term(r.head()));
    for (Term p : r.path()) out.add(term(p));
    return term("ref", ArrayValue.of(out));
  }

  /** A call's operator is a reference: {@code plus}, {@code count}, {@code strings.replace_n}, {@code data.p.f}. */
  private static Value operatorTerm(Term op) {
    if (op instanceof Term.Var v) return operator(v.name());
    return term(op);
  }

  private static Value operator(String dotted) {
    String[] parts = dotted.split("\\.");
    List<Value> out = new ArrayList<>();
    out.add(term("var", s(parts[0])));
    for (int i = 1; i < parts.length; i++) out.add(term("string", s(parts[i])));
    return term("ref", ArrayValue.of(out));
  }

  private static Value terms(List<Term> ts) {
    List<Value> out = new ArrayList<>();
    for (Term t : ts) out.add(term(t));
    return ArrayValue.of(out);
  }

  private static Value term(String type, Value value) {
    return ObjectValue.ofStrings("type", s(type), "value", value);
  }

  private static StringValue s(String v) {
    return StringValue.of(v);
  }
}
