package dev.postee.rego.compile;

import dev.postee.rego.ast.Body;
import dev.postee.rego.ast.Expr;
import dev.postee.rego.ast.Location;
import dev.postee.rego.ast.Module;
import dev.postee.rego.ast.Rule;
import dev.postee.rego.ast.Term;
import dev.postee.rego.builtins.BuiltinCatalogue;
import dev.postee.rego.builtins.BuiltinRegistry;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles parsed modules into a rule tree of {@link IR} rules, in stages: build the rule tree,
 * resolve names (imports, package rules, builtins, locals to frame slots), reorder bodies for
 * safety and report unsafe variables, check arity, detect recursion.
 */
public final class Compiler {

  private final BuiltinRegistry builtins;
  private final List<CompileError> errors = new ArrayList<>();
  private final RuleNode root = new RuleNode(new Value[0]);
  private final Map<List<String>, Set<String>> packageRuleNames = new HashMap<>();
  private final List<Module> modules;
  private final Map<RuleNode, Set<RuleNode>> dependencies = new LinkedHashMap<>();
  /** Slots referenced from outside a closure, per closure IR node (used for safety only). */
  private final IdentityHashMap<Object, BitSet> captured = new IdentityHashMap<>();
  /** METADATA annotations, parsed when the first rego.metadata call is compiled. */
  private Annotations annotations;

  /**
   * Catalogued builtins the compiler implements itself rather than the builtin registry: print
   * (its arguments are collected like comprehensions) and rego.metadata (compile-time constants).
   */
  public static final Set<String> INTRINSICS = Set.of("print", "rego.metadata.chain", "rego.metadata.rule");

  private Compiler(List<Module> modules, BuiltinRegistry builtins) {
    this.modules = modules;
    this.builtins = builtins;
  }

  /** Compiles modules into a policy; throws with every problem found. */
  public static Policy compile(List<Module> modules, BuiltinRegistry builtins) {
    Compiler c = new Compiler(modules, builtins);
    c.run();
    if (!c.errors.isEmpty()) throw new CompileException(c.errors);
    return new Policy(c.root, List.copyOf(modules), builtins, c);
  }

  /** Compiles a query against a compiled policy. */
  static CompiledQuery compileQuery(Policy policy, Body body) {
    Compiler c = policy.compiler();
    synchronized (c) {
      c.errors.clear();
      CompiledQuery q;
      try {
        q = c.query(body);
      } catch (CompileAbort e) {
        q = null;
      }
      if (!c.errors.isEmpty()) {
        List<CompileError> errs = List.copyOf(c.errors);
        c.errors.clear();
        throw new CompileException(errs);
      }
      return q;
    }
  }

  private void error(String code, Location loc, String msg) {
    errors.add(new CompileError(code, loc, msg));
  }

  // =============================================================== stage 1: rule tree

  private record Pending(Rule rule, Module module, RuleNode node, IR.RuleKind kind, List<Term> tail) {}

  private void run() {
    for (Module m : modules) {
      Set<String> names = packageRuleNames.computeIfAbsent(m.packagePath(), k -> new HashSet<>());
      for (Rule r : m.rules()) names.add(r.name());
    }
    for (Module m : modules) {
      RuleNode node = root;
      for (String seg : m.packagePath()) {
        final RuleNode parent = node;
        node = parent.children.computeIfAbsent(StringValue.of(seg), k -> new RuleNode(append(parent.path, k)));
      }
      node.isPackage = true;
    }
    List<Pending> pending = new ArrayList<>();
    for (Module m : modules) {
      for (Rule r : m.rules()) {
        Pending p = place(m, r);
        if (p != null) pending.add(p);
      }
    }
    for (Pending p : pending) {
      try {
        IR.Rule compiled = compileRule(p.rule, p.module, p.kind, p.tail, p.node);
        if (compiled == null) continue;
        if (p.rule.isDefault()) p.node.defaults.add(compiled);
        else p.node.rules.add(compiled);
      } catch (RuntimeException e) {
        if (e instanceof CompileAbort) continue;
        throw e;
      }
    }
    checkNodes(root);
    markRulesBelow(root);
    assignIds(root, new int[] {0});
    checkRecursion();
  }

  /** Where a rule lives in the tree and what it contributes there. */
  private Pending place(Module m, Rule r) {
    List<Value> path = new ArrayList<>();
    for (String s : m.packagePath()) path.add(StringValue.of(s));
    path.add(StringValue.of(r.name()));
    List<Term> tail = new ArrayList<>();
    boolean ground = true;
    for (int i = 1; i < r.ref().size(); i++) {
      Term t = r.ref().get(i);
      if (ground && t instanceof Term.Scalar s) {
        path.add(s.value());
      } else {
        ground = false;
        tail.add(t);
      }
    }
    IR.RuleKind kind;
    switch (r.kind()) {
      case FUNCTION -> {
        if (!tail.isEmpty()) {
          error(CompileError.COMPILE, r.loc(), "function head " + refText(r) + " must be a ground reference");
          return null;
        }
        kind = IR.RuleKind.FUNCTION;
      }
      case MULTI_VALUE -> kind = IR.RuleKind.PARTIAL_SET;
      default -> kind = tail.isEmpty() ? IR.RuleKind.COMPLETE : IR.RuleKind.PARTIAL_OBJECT;
    }
    if (r.isDefault() && !tail.isEmpty()) {
      error(CompileError.COMPILE, r.loc(), "default rules must have a ground reference head: " + refText(r));
      return null;
    }
    RuleNode node = root;
    for (Value v : path) {
      final RuleNode parent = node;
      node = parent.children.computeIfAbsent(v, k -> new RuleNode(append(parent.path, k)));
    }
    if (kind == IR.RuleKind.FUNCTION) {
      node.declaredFunction = true;
      node.declaredArity = r.args().size();
    }
    return new Pending(r, m, node, kind, tail);
  }

  private static Value[] append(Value[] path, Value v) {
    Value[] out = Arrays.copyOf(path, path.length + 1);
    out[path.length] = v;
    return out;
  }

  private static String refText(Rule r) {
    StringBuilder sb = new StringBuilder(r.name());
    for (int i = 1; i < r.ref().size(); i++) {
      Term t = r.ref().get(i);
      if (t instanceof Term.Scalar s && s.value() instanceof StringValue sv) sb.append('.').append(sv.value());
      else sb.append('[').append(t).append(']');
    }
    return sb.toString();
  }

  private void checkNodes(RuleNode n) {
    Set<IR.RuleKind> kinds = new HashSet<>();
    for (IR.Rule r : n.rules) kinds.add(r.kind);
    for (IR.Rule r : n.defaults) kinds.add(r.kind);
    if (kinds.size() > 1 && !(kinds.equals(Set.of(IR.RuleKind.PARTIAL_OBJECT, IR.RuleKind.COMPLETE)))) {
      IR.Rule first = !n.rules.isEmpty() ? n.rules.get(0) : n.defaults.get(0);
      error(CompileError.TYPE, first.loc(), "conflicting rules " + n.pathString() + " found");
    }
    if (n.defaults.size() > 1) {
      error(CompileError.TYPE, n.defaults.get(1).loc(), "multiple default rules " + n.pathString() + " found");
    }
    if (kinds.contains(IR.RuleKind.FUNCTION)) {
      int arity = -1;
      for (IR.Rule r : concat(n.rules, n.defaults)) {
        if (arity >= 0 && r.params.length != arity) {
          error(CompileError.TYPE, r.loc(), "function " + n.pathString() + " has arity " + r.params.length
              + " here but " + arity + " elsewhere");
        }
        arity = r.params.length;
      }
    }
    for (RuleNode c : n.children.values()) checkNodes(c);
  }

  private static List<IR.Rule> concat(List<IR.Rule> a, List<IR.Rule> b) {
    List<IR.Rule> l = new ArrayList<>(a);
    l.addAll(b);
    return l;
  }

  private static boolean markRulesBelow(RuleNode n) {
    boolean any = n.hasRules() || n.isPackage;
    for (RuleNode c : n.children.values()) any |= markRulesBelow(c);
    n.hasRulesBelow = any;
    return any;
  }

  private static void assignIds(RuleNode n, int[] next) {
    n.id = next[0]++;
    for (RuleNode c : n.children.values()) assignIds(c, next);
  }

  int nodeCount() {
    int[] c = {0};
    countNodes(root, c);
    return c[0];
  }

  private static void countNodes(RuleNode n, int[] c) {
    c[0]++;
    for (RuleNode ch : n.children.values()) countNodes(ch, c);
  }

  // =============================================================== stage 2: rules

  /** Thrown to abandon one rule after its errors were recorded. */
  private static final class CompileAbort extends RuntimeException {
    CompileAbort() { super(null, null, false, false); }
  }

  /** Per-rule (or per-query) compilation state: frame slots and scopes. */
  private final class Ctx {
    final Module module;        // null for queries
    final List<String> pkg;     // empty for queries
    int nextSlot;
    RuleNode owner;             // rule's node, for dependencies
    final List<String> slotNames = new ArrayList<>();
    final Rule sourceRule;

    Ctx(Module module, RuleNode owner, Rule sourceRule) {
      this.module = module;
      this.pkg = module == null ? List.of() : module.packagePath();
      this.owner = owner;
      this.sourceRule = sourceRule;
    }

    int newSlot(String name) {
      slotNames.add(name);
      return nextSlot++;
    }
  }

  /** A lexical scope: a rule body, comprehension body, every body or template/print argument. */
  private static final class Scope {
    final Scope parent;
    final Set<String> bodyNames;
    final Map<String, Integer> vars = new HashMap<>();
    final Set<String> declared = new HashSet<>();
    final BitSet owned = new BitSet();
    final List<Scope> children = new ArrayList<>();

    Scope(Scope parent, Set<String> bodyNames) {
      this.parent = parent;
      this.bodyNames = bodyNames;
      if (parent != null) parent.children.add(this);
    }

    BitSet ownedDeep() {
      BitSet b = (BitSet) owned.clone();
      for (Scope c : children) b.or(c.ownedDeep());
      return b;
    }
  }

  private IR.Rule compileRule(Rule r, Module m, IR.RuleKind kind, List<Term> tail, RuleNode node) {
    int before = errors.size();
    Ctx ctx = new Ctx(m, node, r);
    Set<String> names = new HashSet<>();
    collectNames(r.body(), names);
    if (r.args() != null) for (Term a : r.args()) collectNames(a, names);
    if (r.key() != null) collectNames(r.key(), names);
    if (r.value() != null) collectNames(r.value(), names);
    for (Term t : tail) collectNames(t, names);
    Set<String> declared = new HashSet<>();
    for (Expr e : r.body().exprs()) collectDeclared(e, declared);
    names.removeAll(declared);
    Scope top = new Scope(null, names);
    List<IR.Expr> extra = new ArrayList<>();
    BitSet safe = new BitSet();
    IR.T[] params = null;
    if (r.args() != null) {
      params = new IR.T[r.args().size()];
      for (int i = 0; i < params.length; i++) {
        Term a = r.args().get(i);
        if (isPattern(a)) {
          declarePatternVars(ctx, top, a, false);
          params[i] = term(ctx, top, a);
          collectSlots(params[i], safe);
        } else {
          int slot = ctx.newSlot("$arg" + i);
          top.owned.set(slot);
          safe.set(slot);
          IR.Local v = new IR.Local(slot, "$arg" + i, a.loc());
          params[i] = v;
          extra.add(new IR.Expr(IR.Kind.UNIFY, v, term(ctx, top, a), null, null, null, null, a.loc()));
        }
      }
    }
    if (r.isDefault()) {
      IR.T value = term(ctx, top, r.value());
      if (params == null && !top.owned.isEmpty()) {
        error(CompileError.COMPILE, r.loc(), "default rule value cannot contain variables: default " + refText(r));
        return null;
      }
      return new IR.Rule(kind, new IR.T[0], null, value, params, IR.Body.EMPTY, ctx.nextSlot, null, true, r, m);
    }
    List<IR.Expr> body = body(ctx, top, r.body());
    body.addAll(extra);
    IR.T value = null;
    IR.T key = null;
    IR.T[] tailT = new IR.T[tail.size()];
    for (int i = 0; i < tail.size(); i++) tailT[i] = headTerm(ctx, top, tail.get(i), body);
    if (kind == IR.RuleKind.PARTIAL_SET) key = headTerm(ctx, top, r.key(), body);
    else value = headTerm(ctx, top, r.value(), body);
    IR.Body ordered = reorder(ctx, body, safe, r.loc());
    if (ordered != null) {
      BitSet bound = boundAfter(ordered, safe);
      checkHeadSafe(ctx, value, bound, r.loc());
      checkHeadSafe(ctx, key, bound, r.loc());
      for (IR.T t : tailT) checkHeadSafe(ctx, t, bound, r.loc());
    }
    IR.Rule elseRule = null;
    if (r.elseRule() != null) {
      Rule e = r.elseRule();
      Rule asMain = new Rule(r.kind(), r.ref(), r.args(), null, e.value(), e.assign(), e.body(), e.elseRule(), false, e.loc());
      elseRule = compileRule(asMain, m, kind, tail, node);
    }
    if (errors.size() > before || ordered == null) return null;
    return new IR.Rule(kind, tailT, key, value, params, ordered, ctx.nextSlot, elseRule, false, r, m);
  }

  /** Head terms that are not plain locals or constants are computed in the body. */
  private IR.T headTerm(Ctx ctx, Scope top, Term t, List<IR.Expr> body) {
    IR.T c = term(ctx, top, t);
    if (c instanceof IR.Const || c instanceof IR.Local) return c;
    if (c instanceof IR.Arr || c instanceof IR.Obj) {
      boolean simple = true;
      IR.T[] items = c instanceof IR.Arr a ? a.items : ((IR.Obj) c).values;
      for (IR.T i : items) simple &= i instanceof IR.Const || i instanceof IR.Local;
      if (c instanceof IR.Obj o) for (IR.T k : o.keys) simple &= k instanceof IR.Const || k instanceof IR.Local;
      if (simple) return c;
    }
    int slot = ctx.newSlot("$head");
    top.owned.set(slot);
    IR.Local v = new IR.Local(slot, "$head", t.loc());
    body.add(new IR.Expr(IR.Kind.UNIFY, v, c, null, null, null, null, t.loc()));
    return v;
  }

  private void checkHeadSafe(Ctx ctx, IR.T t, BitSet bound, Location loc) {
    if (t == null) return;
    BitSet vars = new BitSet();
    collectSlots(t, vars);
    vars.andNot(bound);
    for (int s = vars.nextSetBit(0); s >= 0; s = vars.nextSetBit(s + 1)) {
      error(CompileError.UNSAFE_VAR, t.loc, "var " + displayName(ctx.slotNames.get(s)) + " is unsafe");
    }
  }

  private static String displayName(String n) {
    return n.startsWith("$") ? "_" : n;
  }

  private CompiledQuery query(Body b) {
    Ctx ctx = new Ctx(null, null, null);
    Set<String> names = new HashSet<>();
    collectNames(b, names);
    Scope top = new Scope(null, names);
    List<IR.Expr> exprs = body(ctx, top, b);
    IR.Body ordered = reorder(ctx, exprs, new BitSet(), b.loc());
    if (ordered == null) return null;
    List<String> varNames = new ArrayList<>();
    List<Integer> slots = new ArrayList<>();
    for (Map.Entry<String, Integer> e : top.vars.entrySet()) {
      if (e.getKey().startsWith("$")) continue;
      varNames.add(e.getKey());
      slots.add(e.getValue());
    }
    int[] s = slots.stream().mapToInt(Integer::intValue).toArray();
    return new CompiledQuery(ordered, ctx.nextSlot, varNames.toArray(new String[0]), s);
  }

  // --------------------------------------------------------------- names in bodies

  /**
   * Names a closure may share with this body: variables used directly in it (not inside nested
   * closures) and not declared in it with := or some (a declared name is a new variable).
   */
  private static void collectNames(Body b, Set<String> out) {
    for (Expr e : b.exprs()) collectNames(e, out);
    Set<String> declared = new HashSet<>();
    for (Expr e : b.exprs()) collectDeclared(e, declared);
    out.removeAll(declared);
  }

  private static void collectDeclared(Expr e, Set<String> out) {
    switch (e) {
      case Expr.Unify u when u.assign() -> collectNames(u.lhs(), out);
      case Expr.SomeDecl s -> { for (Term.Var v : s.vars()) out.add(v.name()); }
      case Expr.SomeIn s -> {
        if (s.key() != null) collectNames(s.key(), out);
        collectNames(s.value(), out);
      }
      default -> { }
    }
  }

  private static void collectNames(Expr e, Set<String> out) {
    switch (e) {
      case Expr.TermExpr t -> collectNames(t.term(), out);
      case Expr.Unify u -> {
        collectNames(u.lhs(), out);
        collectNames(u.rhs(), out);
      }
      case Expr.Not n -> collectNames(n.expr(), out);
      case Expr.SomeDecl s -> {
        for (Term.Var v : s.vars()) out.add(v.name());
      }
      case Expr.SomeIn s -> {
        if (s.key() != null) collectNames(s.key(), out);
        collectNames(s.value(), out);
        collectNames(s.collection(), out);
      }
      case Expr.Every ev -> collectNames(ev.domain(), out);
      case Expr.NotBody nb -> { }
      case Expr.Logic l -> { }
    }
    for (Expr.With w : e.withs()) collectNames(w.value(), out);
  }

  private static void collectNames(Term t, Set<String> out) {
    switch (t) {
      case Term.Var v -> out.add(v.name());
      case Term.Ref r -> {
        collectNames(r.head(), out);
        for (Term p : r.path()) collectNames(p, out);
      }
      case Term.Call c -> {
        for (Term a : c.args()) collectNames(a, out);
      }
      case Term.ArrayLit a -> a.items().forEach(i -> collectNames(i, out));
      case Term.SetLit s -> s.items().forEach(i -> collectNames(i, out));
      case Term.ObjectLit o -> {
        o.keys().forEach(k -> collectNames(k, out));
        o.values().forEach(v -> collectNames(v, out));
      }
      default -> { }
    }
  }

  // --------------------------------------------------------------- variables

  private boolean isPattern(Term t) {
    return switch (t) {
      case Term.Var v -> true;
      case Term.Scalar s -> true;
      case Term.ArrayLit a -> a.items().stream().allMatch(this::isPattern);
      case Term.ObjectLit o -> o.keys().stream().allMatch(k -> k instanceof Term.Scalar) && o.values().stream().allMatch(this::isPattern);
      default -> false;
    };
  }

  /** Declares every variable in a pattern as a new local of the scope (params, some-in, :=). */
  private void declarePatternVars(Ctx ctx, Scope s, Term t, boolean assign) {
    switch (t) {
      case Term.Var v -> declare(ctx, s, v, assign);
      case Term.ArrayLit a -> a.items().forEach(i -> declarePatternVars(ctx, s, i, assign));
      case Term.ObjectLit o -> o.values().forEach(i -> declarePatternVars(ctx, s, i, assign));
      default -> { }
    }
  }

  private void declare(Ctx ctx, Scope s, Term.Var v, boolean assign) {
    if (v.isWildcard()) return;
    if (s.vars.containsKey(v.name())) {
      if (s.declared.contains(v.name())) {
        error(CompileError.COMPILE, v.loc(), "var " + v.name() + " assigned above");
      } else {
        error(CompileError.COMPILE, v.loc(), "var " + v.name() + " referenced above");
      }
      return;
    }
    if (assign && (v.name().equals("input") || v.name().equals("data"))) {
      error(CompileError.COMPILE, v.loc(), "variables must not shadow " + v.name() + " (use a different variable name)");
      return;
    }
    int slot = ctx.newSlot(v.name());
    s.vars.put(v.name(), slot);
    s.declared.add(v.name());
    s.owned.set(slot);
  }

  /** Resolves a variable occurrence to a local slot or a global (input, data, import, rule). */
  private IR.T resolveVar(Ctx ctx, Scope s, Term.Var v) {
    if (v.isWildcard()) {
      int slot = ctx.newSlot(v.name());
      s.owned.set(slot);
      return new IR.Local(slot, v.name(), v.loc());
    }
    for (Scope c = s; c != null; c = c.parent) {
      Integer slot = c.vars.get(v.name());
      if (slot != null) return new IR.Local(slot, v.name(), v.loc());
    }
    IR.T global = resolveGlobal(ctx, v.name(), v.loc());
    if (global != null) return global;
    Scope owner = s;
    for (Scope c = s.parent; c != null; c = c.parent) {
      if (c.bodyNames.contains(v.name())) owner = c;
    }
    int slot = ctx.newSlot(v.name());
    owner.vars.put(v.name(), slot);
    owner.owned.set(slot);
    return new IR.Local(slot, v.name(), v.loc());
  }

  private IR.T resolveGlobal(Ctx ctx, String name, Location loc) {
    if (ctx.module != null) {
      for (Module.Import imp : ctx.module.imports()) {
        String root = ((Term.Var) imp.path().head()).name();
        if ((root.equals("data") || root.equals("input")) && imp.boundName().equals(name)) {
          return importRef(imp, loc);
        }
      }
      Set<String> rules = packageRuleNames.get(ctx.pkg);
      if (rules != null && rules.contains(name)) {
        IR.T[] path = new IR.T[ctx.pkg.size() + 1];
        for (int i = 0; i < ctx.pkg.size(); i++) path[i] = new IR.Const(StringValue.of(ctx.pkg.get(i)), loc);
        path[ctx.pkg.size()] = new IR.Const(StringValue.of(name), loc);
        return new IR.Ref(new IR.DataRoot(loc), path, loc);
      }
    }
    if (name.equals("input")) return new IR.InputRoot(loc);
    if (name.equals("data")) return new IR.DataRoot(loc);
    return null;
  }

  private IR.T importRef(Module.Import imp, Location loc) {
    String root = ((Term.Var) imp.path().head()).name();
    IR.T head = root.equals("data") ? new IR.DataRoot(loc) : new IR.InputRoot(loc);
    if (imp.path().path().isEmpty()) return head;
    IR.T[] path = new IR.T[imp.path().path().size()];
    for (int i = 0; i < path.length; i++) path[i] = new IR.Const(((Term.Scalar) imp.path().path().get(i)).value(), loc);
    return new IR.Ref(head, path, loc);
  }

  // --------------------------------------------------------------- bodies

  private List<IR.Expr> body(Ctx ctx, Scope s, Body b) {
    List<IR.Expr> out = new ArrayList<>();
    for (Expr e : b.exprs()) {
      IR.Expr c = expr(ctx, s, e);
      if (c != null) out.add(c);
    }
    return out;
  }

  private IR.Expr expr(Ctx ctx, Scope s, Expr e) {
    IR.With[] withs = withs(ctx, s, e.withs());
    switch (e) {
      case Expr.TermExpr te -> {
        if (te.term() instanceof Term.Call call && metadataCall(ctx, s, call) && call.args().size() == 1) {
          IR.T value = metadata(ctx, new Term.Call(call.operator(), List.of(), call.loc()));
          return new IR.Expr(IR.Kind.UNIFY, value, term(ctx, s, call.args().get(0)), null, null, null, withs, e.loc());
        }
        if (te.term() instanceof Term.Call call) {
          CallShape shape = callShape(ctx, call);
          if (shape != null && shape.outputForm) {
            List<Term> in = call.args().subList(0, call.args().size() - 1);
            IR.T c = call(ctx, s, new Term.Call(call.operator(), in, call.loc()), false);
            IR.T out = term(ctx, s, call.args().get(call.args().size() - 1));
            return new IR.Expr(IR.Kind.UNIFY, c, out, null, null, null, withs, e.loc());
          }
        }
        return new IR.Expr(IR.Kind.TERM, term(ctx, s, te.term()), null, null, null, null, withs, e.loc());
      }
      case Expr.Unify u -> {
        if (u.assign()) {
          IR.T rhs = term(ctx, s, u.rhs());
          if (!isPattern(u.lhs()) || u.lhs() instanceof Term.Scalar) {
            error(CompileError.COMPILE, u.loc(), "cannot assign to " + u.lhs() + ": the left side of := must be a variable, array or object of variables");
            throw new CompileAbort();
          }
          declarePatternVars(ctx, s, u.lhs(), true);
          IR.T lhs = term(ctx, s, u.lhs());
          return new IR.Expr(IR.Kind.UNIFY, lhs, rhs, null, null, null, withs, e.loc());
        }
        IR.T lhs = term(ctx, s, u.lhs());
        IR.T rhs = term(ctx, s, u.rhs());
        return new IR.Expr(IR.Kind.UNIFY, lhs, rhs, null, null, null, withs, e.loc());
      }
      case Expr.Not n -> {
        IR.Expr inner = expr(ctx, s, n.expr());
        if (inner == null) return null;
        return new IR.Expr(IR.Kind.NOT, null, null, null, inner, null, withs, e.loc());
      }
      case Expr.SomeDecl sd -> {
        for (Term.Var v : sd.vars()) declare(ctx, s, v, false);
        return null;
      }
      case Expr.SomeIn si -> {
        IR.T coll = term(ctx, s, si.collection());
        if (si.key() != null) declarePatternVars(ctx, s, si.key(), false);
        declarePatternVars(ctx, s, si.value(), false);
        IR.T key = si.key() == null ? null : term(ctx, s, si.key());
        IR.T value = term(ctx, s, si.value());
        return new IR.Expr(IR.Kind.SOME_IN, key, value, coll, null, null, withs, e.loc());
      }
      case Expr.NotBody nb -> {
        Set<String> names = new HashSet<>();
        collectNames(nb.body(), names);
        Scope inner = new Scope(s, names);
        List<IR.Expr> exprs = body(ctx, inner, nb.body());
        IR.Body b = reorder(ctx, exprs, null, nb.loc(), inner);
        if (b == null) throw new CompileAbort();
        IR.Expr out = new IR.Expr(IR.Kind.NOT_BODY, null, null, null, null, b, withs, e.loc());
        BitSet cap = usedSlots(b);
        cap.andNot(inner.ownedDeep());
        captured.put(out, cap);
        return out;
      }
      case Expr.Logic l -> {
        BitSet cap = new BitSet();
        IR.Body lhs = operand(ctx, s, l.lhs(), l.loc(), cap);
        IR.Body rhs = operand(ctx, s, l.rhs(), l.loc(), cap);
        IR.Expr out = new IR.Expr(l.and() ? IR.Kind.AND : IR.Kind.OR, null, null, null, null, lhs, rhs, withs, e.loc());
        captured.put(out, cap);
        return out;
      }
      case Expr.Every ev -> {
        IR.T domain = term(ctx, s, ev.domain());
        Set<String> names = new HashSet<>();
        collectNames(ev.body(), names);
        Scope inner = new Scope(s, names);
        if (ev.key() != null) declarePatternVars(ctx, inner, ev.key(), false);
        declarePatternVars(ctx, inner, ev.value(), false);
        IR.T key = ev.key() == null ? null : term(ctx, inner, ev.key());
        IR.T value = term(ctx, inner, ev.value());
        List<IR.Expr> exprs = body(ctx, inner, ev.body());
        BitSet initial = allBut(inner.ownedDeep(), ctx.nextSlot);
        collectSlots(key, initial);
        collectSlots(value, initial);
        IR.Body b = reorder(ctx, exprs, initial, ev.loc());
        if (b == null) throw new CompileAbort();
        IR.Expr out = new IR.Expr(IR.Kind.EVERY, key, value, domain, null, b, withs, e.loc());
        BitSet cap = usedSlots(b);
        collectSlots(domain, cap);
        cap.andNot(inner.ownedDeep());
        captured.put(out, cap);
        return out;
      }
    }
  }

  /**
   * An and/or operand: a closure like a negated body. Names used only inside it are its own; the
   * outer variables it reads are added to cap (they must be bound before the expression runs).
   */
  private IR.Body operand(Ctx ctx, Scope s, Body body, Location loc, BitSet cap) {
    Set<String> names = new HashSet<>();
    collectNames(body, names);
    Scope inner = new Scope(s, names);
    IR.Body b = reorder(ctx, body(ctx, inner, body), null, loc, inner);
    if (b == null) throw new CompileAbort();
    BitSet used = usedSlots(b);
    used.andNot(inner.ownedDeep());
    cap.or(used);
    return b;
  }

  private IR.With[] withs(Ctx ctx, Scope s, List<Expr.With> ws) {
    if (ws.isEmpty()) return null;
    IR.With[] out = new IR.With[ws.size()];
    for (int i = 0; i < out.length; i++) out[i] = with(ctx, s, ws.get(i));
    return out;
  }

  private IR.With with(Ctx ctx, Scope s, Expr.With w) {
    Term target = w.target();
    List<Term> segs = new ArrayList<>();
    Term head = target;
    if (target instanceof Term.Ref r) {
      head = r.head();
      segs.addAll(r.path());
    }
    if (!(head instanceof Term.Var hv)) {
      error(CompileError.TYPE, w.loc(), "with keyword target must reference existing input, data, or a function");
      throw new CompileAbort();
    }
    String name = hv.name();
    IR.T resolved = null;
    for (Scope c = s; c != null; c = c.parent) {
      if (c.vars.containsKey(name)) {
        error(CompileError.TYPE, w.loc(), "with keyword target must reference existing input, data, or a function");
        throw new CompileAbort();
      }
    }
    resolved = resolveGlobal(ctx, name, hv.loc());
    List<Value> path = new ArrayList<>();
    boolean input;
    if (resolved instanceof IR.InputRoot) {
      input = true;
    } else if (resolved instanceof IR.DataRoot) {
      input = false;
    } else if (resolved instanceof IR.Ref rr) {
      input = rr.head instanceof IR.InputRoot;
      for (IR.T t : rr.path) path.add(((IR.Const) t).value);
    } else {
      // a builtin function (possibly dotted)
      String fn = dottedName(target);
      if (fn != null && builtins.lookup(fn) != null) {
        IR.Call fnValue = withValueFunction(ctx, s, w.value());
        IR.T value = fnValue == null ? term(ctx, s, w.value()) : null;
        return new IR.With(IR.With.Target.BUILTIN, null, fn, null, value, fnValue, w.loc());
      }
      error(CompileError.TYPE, w.loc(), "with keyword target must reference existing input, data, or a function: " + target);
      throw new CompileAbort();
    }
    for (Term t : segs) {
      if (!(t instanceof Term.Scalar sc)) {
        error(CompileError.TYPE, w.loc(), "with keyword target must be a ground reference: " + target);
        throw new CompileAbort();
      }
      path.add(sc.value());
    }
    Value[] p = path.toArray(new Value[0]);
    if (!input) {
      RuleNode node = nodeAt(p);
      if (node != null && node.isFunction()) {
        IR.Call fnValue = withValueFunction(ctx, s, w.value());
        return new IR.With(IR.With.Target.FUNCTION, p, null, node, fnValue == null ? term(ctx, s, w.value()) : null, fnValue, w.loc());
      }
    }
    IR.T value = term(ctx, s, w.value());
    return new IR.With(input ? IR.With.Target.INPUT : IR.With.Target.DATA, p, null, null, value, null, w.loc());
  }

  /** When a with value names a function (builtin or user), a call template for it; else null. */
  private IR.Call withValueFunction(Ctx ctx, Scope s, Term value) {
    String fn = dottedName(value);
    if (fn == null) return null;
    Term head = value instanceof Term.Ref r ? r.head() : value;
    String first = ((Term.Var) head).name();
    for (Scope c = s; c != null; c = c.parent) {
      if (c.vars.containsKey(first)) return null;
    }
    IR.T g = resolveGlobal(ctx, first, value.loc());
    if (g != null) {
      Value[] path = dataPath(g, value);
      if (path != null) {
        RuleNode node = nodeAt(path);
        if (node != null && node.isFunction()) return new IR.Call(fn, null, node, new IR.T[0], value.loc());
      }
      return null;
    }
    BuiltinRegistry.Entry e = builtins.lookup(fn);
    if (e != null) return new IR.Call(fn, e, null, new IR.T[0], value.loc());
    return null;
  }

  private static String dottedName(Term t) {
    if (t instanceof Term.Var v) return v.name();
    if (t instanceof Term.Ref r && r.head() instanceof Term.Var v) {
      StringBuilder sb = new StringBuilder(v.name());
      for (Term p : r.path()) {
        if (!(p instanceof Term.Scalar s && s.value() instanceof StringValue sv)) return null;
        sb.append('.').append(sv.value());
      }
      return sb.toString();
    }
    return null;
  }

  /** The data path of a resolved global plus the remaining ref segments, or null. */
  private static Value[] dataPath(IR.T global, Term original) {
    List<Value> path = new ArrayList<>();
    if (global instanceof IR.Ref r) {
      if (!(r.head instanceof IR.DataRoot)) return null;
      for (IR.T t : r.path) path.add(((IR.Const) t).value);
    } else if (!(global instanceof IR.DataRoot)) {
      return null;
    }
    if (original instanceof Term.Ref ref) {
      for (Term t : ref.path()) {
        if (!(t instanceof Term.Scalar s)) return null;
        path.add(s.value());
      }
    }
    return path.toArray(new Value[0]);
  }

  private RuleNode nodeAt(Value[] path) {
    RuleNode n = root;
    for (Value v : path) {
      n = n.children.get(v);
      if (n == null) return null;
    }
    return n;
  }

  // --------------------------------------------------------------- terms

  private IR.T term(Ctx ctx, Scope s, Term t) {
    switch (t) {
      case Term.Scalar sc -> { return new IR.Const(sc.value(), sc.loc()); }
      case Term.Var v -> { return resolveVar(ctx, s, v); }
      case Term.Ref r -> { return ref(ctx, s, r); }
      case Term.Call c -> { return call(ctx, s, c, false); }
      case Term.ArrayLit a -> {
        IR.T[] items = terms(ctx, s, a.items());
        if (allConst(items)) {
          Value[] vs = new Value[items.length];
          for (int i = 0; i < vs.length; i++) vs[i] = ((IR.Const) items[i]).value;
          return new IR.Const(ArrayValue.wrap(vs), a.loc());
        }
        return new IR.Arr(items, a.loc());
      }
      case Term.SetLit st -> {
        IR.T[] items = terms(ctx, s, st.items());
        if (allConst(items)) {
          List<Value> vs = new ArrayList<>();
          for (IR.T i : items) vs.add(((IR.Const) i).value);
          return new IR.Const(SetValue.of(vs), st.loc());
        }
        return new IR.SetT(items, st.loc());
      }
      case Term.ObjectLit o -> {
        IR.T[] keys = terms(ctx, s, o.keys());
        IR.T[] vals = terms(ctx, s, o.values());
        if (allConst(keys) && allConst(vals)) {
          ObjectValue.Builder b = ObjectValue.builder();
          for (int i = 0; i < keys.length; i++) b.put(((IR.Const) keys[i]).value, ((IR.Const) vals[i]).value);
          return new IR.Const(b.build(), o.loc());
        }
        return new IR.Obj(keys, vals, o.loc());
      }
      case Term.ArrayCompr ac -> {
        Scope inner = closureScope(s, ac.body(), ac.head());
        IR.Body b = closureBody(ctx, inner, ac.body(), ac.loc());
        IR.T head = term(ctx, inner, ac.head());
        IR.ArrCompr out = new IR.ArrCompr(head, b, ac.loc());
        recordCapture(out, inner, b, head);
        return out;
      }
      case Term.SetCompr sc -> {
        Scope inner = closureScope(s, sc.body(), sc.head());
        IR.Body b = closureBody(ctx, inner, sc.body(), sc.loc());
        IR.T head = term(ctx, inner, sc.head());
        IR.SetCompr out = new IR.SetCompr(head, b, sc.loc());
        recordCapture(out, inner, b, head);
        return out;
      }
      case Term.ObjectCompr oc -> {
        Scope inner = closureScope(s, oc.body(), oc.key(), oc.value());
        IR.Body b = closureBody(ctx, inner, oc.body(), oc.loc());
        IR.T key = term(ctx, inner, oc.key());
        IR.T val = term(ctx, inner, oc.value());
        IR.ObjCompr out = new IR.ObjCompr(key, val, b, oc.loc());
        recordCapture(out, inner, b, key, val);
        return out;
      }
      case Term.TemplateString ts -> {
        Object[] parts = new Object[ts.parts().size()];
        BitSet cap = new BitSet();
        for (int i = 0; i < parts.length; i++) {
          Object p = ts.parts().get(i);
          if (p instanceof String str) {
            parts[i] = str;
          } else {
            Expr.TermExpr te = (Expr.TermExpr) p;
            Set<String> names = new HashSet<>();
            collectNames(te, names);
            Scope inner = new Scope(s, names);
            IR.Expr ce = new IR.Expr(IR.Kind.TERM, term(ctx, inner, te.term()), null, null, null, null,
                withs(ctx, inner, te.withs()), te.loc());
            parts[i] = ce;
            BitSet used = new BitSet();
            collectSlots(ce.a, used);
            if (ce.withs != null) for (IR.With w : ce.withs) if (w.value != null) collectSlots(w.value, used);
            used.andNot(inner.ownedDeep());
            cap.or(used);
          }
        }
        IR.Template out = new IR.Template(parts, ts.loc());
        captured.put(out, cap);
        return out;
      }
    }
  }

  private Scope closureScope(Scope s, Body body, Term... heads) {
    Set<String> names = new HashSet<>();
    collectNames(body, names);
    for (Term h : heads) collectNames(h, names);
    return new Scope(s, names);
  }

  private IR.Body closureBody(Ctx ctx, Scope inner, Body body, Location loc) {
    List<IR.Expr> exprs = body(ctx, inner, body);
    IR.Body b = reorder(ctx, exprs, null, loc, inner);
    if (b == null) throw new CompileAbort();
    return b;
  }

  private void recordCapture(Object node, Scope inner, IR.Body b, IR.T... heads) {
    BitSet used = usedSlots(b);
    for (IR.T h : heads) collectSlots(h, used);
    used.andNot(inner.ownedDeep());
    captured.put(node, used);
  }

  private IR.T[] terms(Ctx ctx, Scope s, List<Term> ts) {
    IR.T[] out = new IR.T[ts.size()];
    for (int i = 0; i < out.length; i++) out[i] = term(ctx, s, ts.get(i));
    return out;
  }

  private static boolean allConst(IR.T[] ts) {
    for (IR.T t : ts) if (!(t instanceof IR.Const)) return false;
    return true;
  }

  private IR.T ref(Ctx ctx, Scope s, Term.Ref r) {
    IR.T head = term(ctx, s, r.head());
    IR.T[] path = terms(ctx, s, r.path());
    if (head instanceof IR.Ref hr) {
      IR.T[] joined = Arrays.copyOf(hr.path, hr.path.length + path.length);
      System.arraycopy(path, 0, joined, hr.path.length, path.length);
      return new IR.Ref(hr.head, joined, r.loc());
    }
    if (head instanceof IR.Const c && path.length > 0 && allConst(path)) {
      // constant folding of literal dereference, e.g. [1,2][0]
      Value v = c.value;
      for (IR.T p : path) {
        v = dev.postee.rego.eval.Lookup.get(v, ((IR.Const) p).value);
        if (v == null) return new IR.Ref(head, path, r.loc());
      }
      return new IR.Const(v, r.loc());
    }
    return new IR.Ref(head, path, r.loc());
  }

  /** How a call is shaped: its declared arity and whether it is written with an output argument. */
  private record CallShape(int arity, boolean outputForm) {}

  private CallShape callShape(Ctx ctx, Term.Call call) {
    Target target = resolveCallTarget(ctx, null, call.operator(), false);
    if (target == null) return null;
    int arity = target.arity();
    if (arity < 0) return null;
    return new CallShape(arity, call.args().size() == arity + 1);
  }

  /** A resolved call target: a builtin entry or a user function node. */
  private record Target(String name, BuiltinRegistry.Entry builtin, RuleNode function) {
    int arity() {
      if (builtin != null) return builtin.decl().variadic() != null ? -1 : builtin.decl().arity();
      return function.declaredArity;
    }
  }

  private Target resolveCallTarget(Ctx ctx, Scope s, Term op, boolean report) {
    String name = dottedName(op);
    if (name == null) {
      if (report) error(CompileError.TYPE, op.loc(), "illegal call target " + op);
      return null;
    }
    Term head = op instanceof Term.Ref r ? r.head() : op;
    String first = ((Term.Var) head).name();
    if (s != null) {
      for (Scope c = s; c != null; c = c.parent) {
        if (c.vars.containsKey(first)) {
          if (report) error(CompileError.TYPE, op.loc(), "cannot call local variable " + name);
          return null;
        }
      }
    }
    IR.T g = resolveGlobal(ctx, first, op.loc());
    if (g != null && !(g instanceof IR.InputRoot)) {
      Value[] path = dataPath(g, op);
      RuleNode node = path == null ? null : nodeAt(path);
      if (node != null && node.isFunction()) return new Target(name, null, node);
      if (node != null && builtins.lookup(name) == null) {
        if (report) error(CompileError.TYPE, op.loc(), node.pathString() + " is not a function");
        return null;
      }
    }
    BuiltinRegistry.Entry e = builtins.lookup(name);
    if (e != null) return new Target(name, e, null);
    if (report) {
      if (BuiltinCatalogue.get(name) != null) {
        error(CompileError.TYPE, op.loc(), "builtin function " + name + " is not supported by this engine (see docs/rego.md)");
      } else {
        error(CompileError.TYPE, op.loc(), "undefined function " + name);
      }
    }
    return null;
  }

  private IR.T call(Ctx ctx, Scope s, Term.Call c, boolean unused) {
    String name = dottedName(c.operator());
    if ("print".equals(name) && !(ctx.module != null && packageRuleNames.getOrDefault(ctx.pkg, Set.of()).contains("print"))) {
      return print(ctx, s, c);
    }
    if (metadataCall(ctx, s, c)) return metadata(ctx, c);
    Target target = resolveCallTarget(ctx, s, c.operator(), true);
    if (target == null) throw new CompileAbort();
    int arity = target.arity();
    if (arity >= 0 && c.args().size() != arity) {
      error(CompileError.TYPE, c.loc(), target.name + ": arity mismatch: have " + c.args().size()
          + " argument" + (c.args().size() == 1 ? "" : "s") + ", want " + arity);
      throw new CompileAbort();
    }
    IR.T[] args = terms(ctx, s, c.args());
    if (target.builtin != null) checkArgTypes(target, args, c.loc());
    if (target.function != null && ctx.owner != null) {
      dependencies.computeIfAbsent(ctx.owner, k -> new LinkedHashSet<>()).add(target.function);
    }
    return new IR.Call(target.name, target.builtin, target.function, args, c.loc());
  }

  /** Compile-time type check of constant arguments against the declared builtin signature. */
  private void checkArgTypes(Target target, IR.T[] args, Location loc) {
    BuiltinCatalogue.Decl d = target.builtin.decl();
    for (int i = 0; i < args.length && i < d.arity(); i++) {
      if (args[i] instanceof IR.Const c && !d.args().get(i).admitsKind(c.value)) {
        error(CompileError.TYPE, loc, target.name + ": invalid argument(s): operand " + (i + 1) + " must be "
            + dev.postee.rego.builtins.Type.describe(d.args().get(i)) + " but got " + c.value.typeName());
        throw new CompileAbort();
      }
    }
  }

  private IR.T print(Ctx ctx, Scope s, Term.Call c) {
    IR.T[] args = new IR.T[c.args().size()];
    IR.Body[] bodies = new IR.Body[args.length];
    BitSet cap = new BitSet();
    for (int i = 0; i < args.length; i++) {
      Set<String> names = new HashSet<>();
      collectNames(c.args().get(i), names);
      Scope inner = new Scope(s, names);
      args[i] = term(ctx, inner, c.args().get(i));
      bodies[i] = IR.Body.EMPTY;
      BitSet used = new BitSet();
      collectSlots(args[i], used);
      used.andNot(inner.ownedDeep());
      cap.or(used);
    }
    IR.Print p = new IR.Print(args, bodies, c.loc());
    captured.put(p, cap);
    return p;
  }

  /** rego.metadata.chain() or rego.metadata.rule(), unless a local or global named rego shadows them. */
  private boolean metadataCall(Ctx ctx, Scope s, Term.Call c) {
    String name = dottedName(c.operator());
    if (!"rego.metadata.chain".equals(name) && !"rego.metadata.rule".equals(name)) return false;
    for (Scope sc = s; sc != null; sc = sc.parent) {
      if (sc.vars.containsKey("rego")) return false;
    }
    return resolveGlobal(ctx, "rego", c.loc()) == null;
  }

  /** The annotations of the rule being compiled, as OPA returns them: a constant. */
  private IR.T metadata(Ctx ctx, Term.Call c) {
    String name = dottedName(c.operator());
    if (!c.args().isEmpty()) {
      error(CompileError.TYPE, c.loc(), name + ": arity mismatch: have " + c.args().size() + " argument"
          + (c.args().size() == 1 ? "" : "s") + ", want 0");
      throw new CompileAbort();
    }
    if (ctx.module == null || ctx.sourceRule == null) {
      error(CompileError.TYPE, c.loc(), name + " can only be called in a rule of a module");
      throw new CompileAbort();
    }
    if (annotations == null) annotations = Annotations.build(modules, errors);
    Value v = name.endsWith(".chain") ? annotations.chain(ctx.module, ctx.sourceRule) : annotations.rule(ctx.sourceRule);
    return new IR.Const(v, c.loc());
  }

  // =============================================================== stage 3: safety

  private static BitSet allBut(BitSet owned, int size) {
    BitSet b = new BitSet();
    b.set(0, Math.max(size, owned.length()));
    b.andNot(owned);
    return b;
  }

  private IR.Body reorder(Ctx ctx, List<IR.Expr> exprs, BitSet initialSafe, Location loc) {
    return reorder(ctx, exprs, initialSafe, loc, null);
  }

  /**
   * Orders a body so that every expression runs once its inputs are bound (OPA's safety
   * reordering: the first ready expression in textual order is taken each time).
   */
  private IR.Body reorder(Ctx ctx, List<IR.Expr> exprs, BitSet initialSafe, Location loc, Scope closure) {
    BitSet safe = initialSafe != null ? (BitSet) initialSafe.clone() : allBut(closure.ownedDeep(), ctx.nextSlot);
    List<IR.Expr> pending = new ArrayList<>(exprs);
    List<IR.Expr> out = new ArrayList<>();
    while (!pending.isEmpty()) {
      boolean progress = false;
      for (int i = 0; i < pending.size(); i++) {
        IR.Expr e = pending.get(i);
        BitSet outs = ready(e, safe, pending);
        if (outs != null) {
          out.add(e);
          safe.or(outs);
          pending.remove(i);
          progress = true;
          break;
        }
      }
      if (!progress) {
        Set<String> reported = new LinkedHashSet<>();
        for (IR.Expr e : pending) {
          BitSet vars = new BitSet();
          collectSlots(e, vars);
          vars.andNot(safe);
          for (int v = vars.nextSetBit(0); v >= 0; v = vars.nextSetBit(v + 1)) {
            String n = ctx.slotNames.get(v);
            if (reported.add(n)) {
              error(CompileError.UNSAFE_VAR, e.loc, "var " + displayName(n) + " is unsafe");
            }
          }
        }
        if (reported.isEmpty()) error(CompileError.UNSAFE_VAR, loc, "body cannot be ordered safely");
        return null;
      }
    }
    return new IR.Body(out.toArray(new IR.Expr[0]));
  }

  private BitSet boundAfter(IR.Body b, BitSet initial) {
    BitSet safe = (BitSet) initial.clone();
    for (IR.Expr e : b.exprs) {
      BitSet outs = ready(e, safe, List.of());
      if (outs != null) safe.or(outs);
    }
    return safe;
  }

  /** The variables an expression binds when it can run with the given safe set, else null. */
  private BitSet ready(IR.Expr e, BitSet safe, List<IR.Expr> others) {
    if (e.withs != null) {
      for (IR.With w : e.withs) {
        if (w.value != null && evaluable(w.value, safe) == null) return null;
      }
    }
    switch (e.kind) {
      case TERM -> { return evaluable(e.a, safe); }
      case UNIFY -> { return unifyReady(e.a, e.b, safe); }
      case NOT -> {
        // variables that appear only inside the negation are local to it (existential)
        BitSet inner = new BitSet();
        collectSlots(e.inner, inner);
        BitSet elsewhere = new BitSet();
        for (IR.Expr o : others) if (o != e) collectSlots(o, elsewhere);
        BitSet needed = (BitSet) inner.clone();
        needed.and(elsewhere);
        BitSet outerOwned = (BitSet) inner.clone();
        outerOwned.andNot(elsewhere);
        BitSet missing = (BitSet) needed.clone();
        missing.andNot(safe);
        if (!missing.isEmpty()) return null;
        BitSet withLocals = (BitSet) safe.clone();
        BitSet r = ready(e.inner, withLocals, List.of());
        if (r == null) {
          // allow the negated expression's own variables to be bound by it
          return null;
        }
        return new BitSet();
      }
      case SOME_IN -> {
        BitSet outs = evaluable(e.c, safe);
        if (outs == null) return null;
        BitSet s2 = union(safe, outs);
        if (e.a != null) {
          BitSet ka = bindable(e.a, s2);
          if (ka == null) return null;
          outs.or(ka);
          s2 = union(s2, ka);
        }
        BitSet vb = bindable(e.b, s2);
        if (vb == null) return null;
        outs.or(vb);
        return outs;
      }
      case NOT_BODY, AND, OR -> {
        BitSet cap = captured.get(e);
        return cap == null || subset(cap, safe) ? new BitSet() : null;
      }
      case EVERY -> {
        BitSet outs = evaluable(e.c, safe);
        if (outs == null) return null;
        BitSet cap = captured.get(e);
        if (cap != null && !subset(cap, union(safe, outs))) return null;
        return new BitSet();
      }
    }
    return null;
  }

  private static BitSet union(BitSet a, BitSet b) {
    BitSet u = (BitSet) a.clone();
    u.or(b);
    return u;
  }

  private static boolean subset(BitSet a, BitSet b) {
    BitSet x = (BitSet) a.clone();
    x.andNot(b);
    return x.isEmpty();
  }

  /** Vars bound by evaluating t to a value (ref index variables), or null if t cannot be evaluated. */
  private BitSet evaluable(IR.T t, BitSet safe) {
    switch (t) {
      case IR.Const c -> { return new BitSet(); }
      case IR.InputRoot i -> { return new BitSet(); }
      case IR.DataRoot d -> { return new BitSet(); }
      case IR.Local l -> { return safe.get(l.slot) ? new BitSet() : null; }
      case IR.Ref r -> {
        BitSet outs = evaluable(r.head, safe);
        if (outs == null) return null;
        for (IR.T p : r.path) {
          BitSet s2 = union(safe, outs);
          BitSet po = evaluable(p, s2);
          if (po == null) po = bindable(p, s2);
          if (po == null) return null;
          outs.or(po);
        }
        return outs;
      }
      case IR.Arr a -> { return evaluableAll(a.items, safe); }
      case IR.SetT st -> { return evaluableAll(st.items, safe); }
      case IR.Obj o -> {
        BitSet k = evaluableAll(o.keys, safe);
        if (k == null) return null;
        BitSet v = evaluableAll(o.values, union(safe, k));
        if (v == null) return null;
        k.or(v);
        return k;
      }
      case IR.Call c -> { return evaluableFixpoint(c.args, safe); }
      case IR.ArrCompr x -> { return capturedSafe(x, safe); }
      case IR.SetCompr x -> { return capturedSafe(x, safe); }
      case IR.ObjCompr x -> { return capturedSafe(x, safe); }
      case IR.Template x -> { return capturedSafe(x, safe); }
      case IR.Print x -> { return capturedSafe(x, safe); }
    }
  }

  private BitSet capturedSafe(Object node, BitSet safe) {
    BitSet cap = captured.get(node);
    return cap == null || subset(cap, safe) ? new BitSet() : null;
  }

  /** Like evaluableAll, but in any order: a ref in one argument may bind a variable of another. */
  private BitSet evaluableFixpoint(IR.T[] ts, BitSet safe) {
    BitSet outs = new BitSet();
    boolean[] done = new boolean[ts.length];
    int remaining = ts.length;
    boolean progress = true;
    while (remaining > 0 && progress) {
      progress = false;
      for (int i = 0; i < ts.length; i++) {
        if (done[i]) continue;
        BitSet o = evaluable(ts[i], union(safe, outs));
        if (o != null) {
          outs.or(o);
          done[i] = true;
          remaining--;
          progress = true;
        }
      }
    }
    return remaining == 0 ? outs : null;
  }

  private BitSet evaluableAll(IR.T[] ts, BitSet safe) {
    BitSet outs = new BitSet();
    for (IR.T t : ts) {
      BitSet o = evaluable(t, union(safe, outs));
      if (o == null) return null;
      outs.or(o);
    }
    return outs;
  }

  /** Vars bound by unifying t with a known value, or null if that is impossible. */
  private BitSet bindable(IR.T t, BitSet safe) {
    switch (t) {
      case IR.Local l -> {
        BitSet b = new BitSet();
        if (!safe.get(l.slot)) b.set(l.slot);
        return b;
      }
      case IR.Arr a -> {
        BitSet outs = new BitSet();
        for (IR.T i : a.items) {
          BitSet o = bindable(i, union(safe, outs));
          if (o == null) return null;
          outs.or(o);
        }
        return outs;
      }
      case IR.Obj o -> {
        BitSet outs = evaluableAll(o.keys, safe);
        if (outs == null) return null;
        for (IR.T v : o.values) {
          BitSet b = bindable(v, union(safe, outs));
          if (b == null) return null;
          outs.or(b);
        }
        return outs;
      }
      default -> { return evaluable(t, safe); }
    }
  }

  private BitSet unifyReady(IR.T a, IR.T b, BitSet safe) {
    BitSet ea = evaluable(a, safe);
    if (ea != null) {
      BitSet bb = bindable(b, union(safe, ea));
      if (bb != null) {
        ea.or(bb);
        return ea;
      }
    }
    BitSet eb = evaluable(b, safe);
    if (eb != null) {
      BitSet ba = bindable(a, union(safe, eb));
      if (ba != null) {
        eb.or(ba);
        return eb;
      }
    }
    if (a instanceof IR.Arr x && b instanceof IR.Arr y && x.items.length == y.items.length) {
      return pairwise(x.items, y.items, safe);
    }
    if (a instanceof IR.Obj x && b instanceof IR.Obj y && x.keys.length == y.keys.length) {
      IR.T[] yv = new IR.T[x.keys.length];
      for (int i = 0; i < x.keys.length; i++) {
        if (!(x.keys[i] instanceof IR.Const kc)) return null;
        int j = indexOfConstKey(y.keys, kc.value);
        if (j < 0) return null;
        yv[i] = y.values[j];
      }
      return pairwise(x.values, yv, safe);
    }
    return null;
  }

  private static int indexOfConstKey(IR.T[] keys, Value v) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] instanceof IR.Const c && c.value.equals(v)) return i;
    }
    return -1;
  }

  private BitSet pairwise(IR.T[] xs, IR.T[] ys, BitSet safe) {
    BitSet s = (BitSet) safe.clone();
    boolean[] done = new boolean[xs.length];
    int remaining = xs.length;
    boolean progress = true;
    while (remaining > 0 && progress) {
      progress = false;
      for (int i = 0; i < xs.length; i++) {
        if (done[i]) continue;
        BitSet o = unifyReady(xs[i], ys[i], s);
        if (o != null) {
          s.or(o);
          done[i] = true;
          remaining--;
          progress = true;
        }
      }
    }
    if (remaining > 0) return null;
    s.andNot(safe);
    return s;
  }

  // --------------------------------------------------------------- slot collection

  private BitSet usedSlots(IR.Body b) {
    BitSet s = new BitSet();
    for (IR.Expr e : b.exprs) collectSlots(e, s);
    return s;
  }

  private void collectSlots(IR.Expr e, BitSet out) {
    if (e == null) return;
    collectSlots(e.a, out);
    collectSlots(e.b, out);
    collectSlots(e.c, out);
    collectSlots(e.inner, out);
    if (e.body != null) for (IR.Expr x : e.body.exprs) collectSlots(x, out);
    if (e.rhs != null) for (IR.Expr x : e.rhs.exprs) collectSlots(x, out);
    if (e.withs != null) for (IR.With w : e.withs) if (w.value != null) collectSlots(w.value, out);
  }

  static void collectSlots(IR.T t, BitSet out) {
    if (t == null) return;
    switch (t) {
      case IR.Local l -> out.set(l.slot);
      case IR.Ref r -> {
        collectSlots(r.head, out);
        for (IR.T p : r.path) collectSlots(p, out);
      }
      case IR.Arr a -> { for (IR.T i : a.items) collectSlots(i, out); }
      case IR.SetT s -> { for (IR.T i : s.items) collectSlots(i, out); }
      case IR.Obj o -> {
        for (IR.T i : o.keys) collectSlots(i, out);
        for (IR.T i : o.values) collectSlots(i, out);
      }
      case IR.Call c -> { for (IR.T i : c.args) collectSlots(i, out); }
      case IR.ArrCompr x -> {
        collectSlots(x.head, out);
        for (IR.Expr e : x.body.exprs) collectSlotsStatic(e, out);
      }
      case IR.SetCompr x -> {
        collectSlots(x.head, out);
        for (IR.Expr e : x.body.exprs) collectSlotsStatic(e, out);
      }
      case IR.ObjCompr x -> {
        collectSlots(x.key, out);
        collectSlots(x.value, out);
        for (IR.Expr e : x.body.exprs) collectSlotsStatic(e, out);
      }
      case IR.Template x -> {
        for (Object p : x.parts) if (p instanceof IR.Expr e) collectSlotsStatic(e, out);
      }
      case IR.Print x -> { for (IR.T a : x.args) collectSlots(a, out); }
      default -> { }
    }
  }

  private static void collectSlotsStatic(IR.Expr e, BitSet out) {
    if (e == null) return;
    collectSlots(e.a, out);
    collectSlots(e.b, out);
    collectSlots(e.c, out);
    collectSlotsStatic(e.inner, out);
    if (e.body != null) for (IR.Expr x : e.body.exprs) collectSlotsStatic(x, out);
    if (e.rhs != null) for (IR.Expr x : e.rhs.exprs) collectSlotsStatic(x, out);
    if (e.withs != null) for (IR.With w : e.withs) if (w.value != null) collectSlots(w.value, out);
  }

  // =============================================================== stage 4: recursion

  private void collectDataDeps() {
    collectDeps(root);
  }

  private void collectDeps(RuleNode n) {
    for (IR.Rule r : concat(n.rules, n.defaults)) {
      for (IR.Rule x = r; x != null; x = x.elseRule) {
        Set<RuleNode> deps = dependencies.computeIfAbsent(n, k -> new LinkedHashSet<>());
        for (IR.Expr e : x.body.exprs) depsOf(e, deps);
        depsOf(x.value, deps);
        depsOf(x.key, deps);
        for (IR.T t : x.tail) depsOf(t, deps);
      }
    }
    for (RuleNode c : n.children.values()) collectDeps(c);
  }

  private void depsOf(IR.Expr e, Set<RuleNode> deps) {
    if (e == null) return;
    depsOf(e.a, deps);
    depsOf(e.b, deps);
    depsOf(e.c, deps);
    depsOf(e.inner, deps);
    if (e.body != null) for (IR.Expr x : e.body.exprs) depsOf(x, deps);
    if (e.rhs != null) for (IR.Expr x : e.rhs.exprs) depsOf(x, deps);
    if (e.withs != null) for (IR.With w : e.withs) depsOf(w.value, deps);
  }

  private void depsOf(IR.T t, Set<RuleNode> deps) {
    if (t == null) return;
    switch (t) {
      case IR.Ref r -> {
        if (r.head instanceof IR.DataRoot) {
          // Rules on the way may produce the document (rules with variables in their refs);
          // below the path's end every rule may. Siblings off the path are not read.
          RuleNode n = root;
          boolean rulesOnPath = false;
          boolean all = true;
          for (int i = 0; i < r.path.length; i++) {
            if (!(r.path[i] instanceof IR.Const c)) {
              // a dynamic segment: which rules are reached is only known at run time, where
              // actual recursion is detected; a static error here would reject valid policies
              all = rulesOnPath;
              break;
            }
            RuleNode next = n.children.get(c.value);
            if (next == null) {
              all = false;
              break;
            }
            n = next;
            if (n.hasRules()) {
              deps.add(n);
              rulesOnPath = true;
            }
          }
          if (all) addRuleNodes(n, deps);
        } else {
          depsOf(r.head, deps);
        }
        for (IR.T p : r.path) depsOf(p, deps);
      }
      case IR.DataRoot d -> addRuleNodes(root, deps);
      case IR.Arr a -> { for (IR.T i : a.items) depsOf(i, deps); }
      case IR.SetT s -> { for (IR.T i : s.items) depsOf(i, deps); }
      case IR.Obj o -> {
        for (IR.T i : o.keys) depsOf(i, deps);
        for (IR.T i : o.values) depsOf(i, deps);
      }
      case IR.Call c -> {
        if (c.function != null) deps.add(c.function);
        for (IR.T i : c.args) depsOf(i, deps);
      }
      case IR.ArrCompr x -> {
        depsOf(x.head, deps);
        for (IR.Expr e : x.body.exprs) depsOf(e, deps);
      }
      case IR.SetCompr x -> {
        depsOf(x.head, deps);
        for (IR.Expr e : x.body.exprs) depsOf(e, deps);
      }
      case IR.ObjCompr x -> {
        depsOf(x.key, deps);
        depsOf(x.value, deps);
        for (IR.Expr e : x.body.exprs) depsOf(e, deps);
      }
      case IR.Template x -> { for (Object p : x.parts) if (p instanceof IR.Expr e) depsOf(e, deps); }
      case IR.Print x -> { for (IR.T a : x.args) depsOf(a, deps); }
      default -> { }
    }
  }

  private static void addRuleNodes(RuleNode n, Set<RuleNode> deps) {
    if (!n.hasRulesBelow) return;
    if (n.hasRules()) deps.add(n);
    for (RuleNode c : n.children.values()) addRuleNodes(c, deps);
  }

  private void checkRecursion() {
    collectDataDeps();
    Map<RuleNode, Integer> state = new HashMap<>();
    List<RuleNode> stack = new ArrayList<>();
    for (RuleNode n : dependencies.keySet()) {
      if (!state.containsKey(n)) dfs(n, state, stack);
    }
  }

  private boolean dfs(RuleNode n, Map<RuleNode, Integer> state, List<RuleNode> stack) {
    state.put(n, 1);
    stack.add(n);
    for (RuleNode d : dependencies.getOrDefault(n, Set.of())) {
      Integer st = state.get(d);
      if (st == null) {
        if (dfs(d, state, stack)) return true;
      } else if (st == 1) {
        List<RuleNode> cycle = stack.subList(stack.indexOf(d), stack.size());
        StringBuilder sb = new StringBuilder();
        for (RuleNode c : cycle) sb.append(c.pathString()).append(" -> ");
        sb.append(d.pathString());
        IR.Rule first = !d.rules.isEmpty() ? d.rules.get(0) : d.defaults.isEmpty() ? null : d.defaults.get(0);
        error(CompileError.RECURSION, first == null ? null : first.loc(), "rule " + d.pathString() + " is recursive: " + sb);
        return true;
      }
    }
    stack.remove(stack.size() - 1);
    state.put(n, 2);
    return false;
  }
}
