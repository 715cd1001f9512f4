package dev.postee.rego.eval;

import dev.postee.rego.ast.Location;
import dev.postee.rego.builtins.BuiltinCatalogue;
import dev.postee.rego.builtins.BuiltinContext;
import dev.postee.rego.builtins.BuiltinException;
import dev.postee.rego.builtins.BuiltinRegistry;
import dev.postee.rego.builtins.DefaultBuiltinContext;
import dev.postee.rego.builtins.Type;
import dev.postee.rego.compile.CompiledQuery;
import dev.postee.rego.compile.IR;
import dev.postee.rego.compile.Policy;
import dev.postee.rego.compile.RuleNode;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Formatter;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Evaluates compiled queries with OPA's semantics: backtracking over bindings in continuation-
 * passing style, rule values computed on demand and cached per evaluation (per {@code with}
 * context), conflicts detected, builtin errors strict or undefined.
 *
 * <p>One instance per evaluation; not thread-safe. The compiled policy is shared.
 */
public final class Evaluator implements BuiltinContext {

  /** Continuation: run the rest; false stops the enumeration. */
  @FunctionalInterface
  interface K {
    boolean go();
  }

  /** Continuation receiving a value. */
  @FunctionalInterface
  interface VK {
    boolean go(Value v);
  }

  private static final Object UNDEF = new Object();
  private static final Object MULTI = new Object();
  private static final Object IN_PROGRESS = new Object();
  private static final Location NO_LOC = Location.NONE;

  private final Policy policy;
  private final EvalOptions opts;
  private final long now;
  private final long deadline;
  private final long maxSteps;
  private long steps;
  private State state;
  /**
   * Where {@link #takeFirst} leaves the first value of a data reference. Rules evaluated on the
   * way run their own lookups first, and each reader clears it, so the value left is the one of
   * the innermost pending lookup.
   */
  private Value firstValue;
  private final VK takeFirst = v -> {
    firstValue = v;
    return false;
  };
  private Map<Object, Object> cache;

  public Evaluator(Policy policy, Value input, Value data, EvalOptions opts) {
    this.policy = policy;
    this.opts = opts;
    this.now = opts.nowNanos() != null ? opts.nowNanos() : DefaultBuiltinContext.currentTimeNanos();
    this.deadline = opts.timeout() == null ? Long.MAX_VALUE : System.nanoTime() + opts.timeout().toNanos();
    this.maxSteps = opts.maxSteps() <= 0 ? Long.MAX_VALUE : opts.maxSteps();
    this.state = new State(null, input, data == null ? ObjectValue.EMPTY : data, policy.nodeCount());
  }

  // =================================================================== public entry points

  /** All solutions of the query: one map of variable bindings per solution. */
  public List<Map<String, Value>> query(CompiledQuery q) {
    List<Map<String, Value>> results = new ArrayList<>();
    Value[] frame = new Value[q.frameSize()];
    try {
      evalBody(frame, q.body().exprs, 0, () -> {
        Map<String, Value> row = new LinkedHashMap<>();
        for (int i = 0; i < q.varNames().length; i++) {
          Value v = frame[q.varSlots()[i]];
          if (v != null) row.put(q.varNames()[i], v);
        }
        results.add(row);
        if (opts.maxCollectionSize() > 0 && results.size() > opts.maxCollectionSize()) {
          throw new EvalLimitException("query produced more than " + opts.maxCollectionSize() + " results", NO_LOC);
        }
        return true;
      });
    } catch (StackOverflowError e) {
      throw new EvalLimitException("evaluation exceeded the maximum nesting depth", NO_LOC);
    }
    return results;
  }

  /** The value of the document at a data path (a rule or base data), or null when undefined. */
  public Value valueAt(Value[] path) {
    Value[] result = {null};
    IR.T[] segs = new IR.T[path.length];
    for (int i = 0; i < path.length; i++) segs[i] = new IR.Const(path[i], NO_LOC);
    try {
      dataK(new Value[0], policy.root(), state.data, state.overrides, segs, 0, v -> {
        result[0] = v;
        return false;
      });
    } catch (StackOverflowError e) {
      throw new EvalLimitException("evaluation exceeded the maximum nesting depth", NO_LOC);
    }
    return result[0];
  }

  // =================================================================== BuiltinContext

  @Override public long nowNanos() { return now; }

  @Override public boolean strictBuiltinErrors() { return opts.strictBuiltinErrors(); }

  @Override
  public Map<Object, Object> evaluationCache() {
    if (cache == null) cache = new HashMap<>();
    return cache;
  }

  @Override
  public void print(String line) {
    if (opts.printer() != null) opts.printer().accept(line);
  }

  @Override public HttpClient httpClient() { return DefaultBuiltinContext.sharedHttpClient(); }

  @Override
  public Duration networkTimeout() {
    long left = deadline - System.nanoTime();
    Duration d = Duration.ofSeconds(30);
    if (deadline != Long.MAX_VALUE && left < d.toNanos()) d = Duration.ofNanos(Math.max(1, left));
    return d;
  }

  @Override
  public void checkLimits() {
    if (System.nanoTime() > deadline) {
      throw new EvalLimitException("evaluation exceeded its time limit of " + opts.timeout().toMillis() + " ms", NO_LOC);
    }
    if (Thread.currentThread().isInterrupted()) throw new EvalLimitException("evaluation cancelled", NO_LOC);
  }

  private void step(Location loc) {
    long s = ++steps;
    if (s > maxSteps) throw new EvalLimitException("evaluation exceeded its step budget of " + maxSteps, loc);
    if ((s & 1023) == 0) checkLimits();
  }

  // =================================================================== state (with contexts)

  /** A {@code with} context: input, data overrides, mocks, and caches valid for them. */
  private static final class State {
    final State parent;
    Value input;
    final Value data;
    Trie overrides;
    Map<String, IR.With> builtinMocks;
    Map<RuleNode, IR.With> functionMocks;
    /** Per rule-tree node: the node's value, UNDEF, or IN_PROGRESS while it is being computed. */
    final Object[] ruleCache;
    /** Per node whose document is being built: documents at single keys read meanwhile. */
    final HashMap<RuleNode, HashMap<Value, Object>> keyCache = new HashMap<>();
    /** Per function node (by id, created on first call): results by argument values. */
    HashMap<List<Value>, Object>[] fnMemo;

    State(State parent, Value input, Value data, int nodes) {
      this.parent = parent;
      this.input = input;
      this.data = data;
      this.ruleCache = new Object[nodes];
    }

    State derive() {
      State s = new State(this, input, data, ruleCache.length);
      s.overrides = overrides;
      s.builtinMocks = builtinMocks == null ? null : new HashMap<>(builtinMocks);
      s.functionMocks = functionMocks == null ? null : new HashMap<>(functionMocks);
      return s;
    }
  }

  /** Overrides of data paths (with data.x.y as v), as a trie. */
  private static final class Trie {
    Value value;
    final LinkedHashMap<Value, Trie> children = new LinkedHashMap<>();

    Trie copy() {
      Trie t = new Trie();
      t.value = value;
      for (Map.Entry<Value, Trie> e : children.entrySet()) t.children.put(e.getKey(), e.getValue().copy());
      return t;
    }
  }

  private static Trie withOverride(Trie base, Value[] path, Value v) {
    Trie root = base == null ? new Trie() : base.copy();
    Trie t = root;
    for (int i = 0; i < path.length; i++) {
      if (t.value != null) {
        t.value = setPath(t.value, Arrays.copyOfRange(path, i, path.length), v, 0);
        return root;
      }
      t = t.children.computeIfAbsent(path[i], x -> new Trie());
    }
    t.value = v;
    t.children.clear();
    return root;
  }

  /** Applies a trie's overrides to a document value (null value = absent). */
  private static Value applyTrie(Value v, Trie t) {
    if (t == null) return v;
    if (t.value != null) v = t.value;
    for (Map.Entry<Value, Trie> e : t.children.entrySet()) {
      Value child = v == null ? null : Lookup.get(v, e.getKey());
      Value patched = applyTrie(child, e.getValue());
      if (patched == null) continue;
      if (v == null) v = ObjectValue.EMPTY;
      if (v instanceof ObjectValue o) v = o.with(e.getKey(), patched);
      else v = ObjectValue.EMPTY.with(e.getKey(), patched);
    }
    return v;
  }

  /** Sets v at path inside doc, creating objects as needed (with input.a.b as v). */
  private static Value setPath(Value doc, Value[] path, Value v, int i) {
    if (i == path.length) return v;
    if (v == null) return doc;
    ObjectValue o = doc instanceof ObjectValue ov ? ov : ObjectValue.EMPTY;
    Value child = o.get(path[i]);
    return o.with(path[i], setPath(child, path, v, i + 1));
  }

  // =================================================================== bodies

  private boolean evalBody(Value[] f, IR.Expr[] exprs, int i, K k) {
    if (i == exprs.length) return k.go();
    IR.Expr e = exprs[i];
    step(e.loc);
    K next = i + 1 == exprs.length ? k : () -> evalBody(f, exprs, i + 1, k);
    if (e.withs != null) return applyWiths(f, e, 0, state.derive(), next);
    return evalExpr(f, e, next);
  }

  private boolean evalExpr(Value[] f, IR.Expr e, K k) {
    switch (e.kind) {
      case TERM -> {
        Object g = ground(f, e.a);
        if (g != MULTI) return g != UNDEF && g != BooleanValue.FALSE ? k.go() : true;
        return evalTerm(f, e.a, v -> v != BooleanValue.FALSE ? k.go() : true);
      }
      case UNIFY -> { return unify(f, e.a, e.b, k); }
      case NOT -> {
        IR.Expr inner = e.inner;
        boolean exhausted = inner.withs != null
            ? applyWiths(f, inner, 0, state.derive(), () -> false)
            : evalExpr(f, inner, () -> false);
        return exhausted ? k.go() : true;
      }
      case SOME_IN -> { return evalTerm(f, e.c, coll -> someIn(f, coll, e.a, e.b, k)); }
      case EVERY -> {
        return evalTerm(f, e.c, dom -> every(f, e, dom) ? k.go() : true);
      }
      case NOT_BODY -> {
        return evalBody(f, e.body.exprs, 0, () -> false) ? k.go() : true;
      }
      // and/or test their operands for a solution, left first, and succeed at most once
      case AND -> { return hasSolution(f, e.body) && hasSolution(f, e.rhs) ? k.go() : true; }
      case OR -> { return hasSolution(f, e.body) || hasSolution(f, e.rhs) ? k.go() : true; }
    }
    throw new IllegalStateException();
  }

  /** Whether a body has at least one solution; its bindings are undone either way. */
  private boolean hasSolution(Value[] f, IR.Body b) {
    return !evalBody(f, b.exprs, 0, () -> false);
  }

  private boolean someIn(Value[] f, Value coll, IR.T keyT, IR.T valT, K k) {
    switch (coll) {
      case ArrayValue a -> {
        for (int i = 0; i < a.size(); i++) {
          Value item = a.get(i);
          NumberValue idx = NumberValue.of(i);
          boolean r = keyT == null ? unifyValue(f, valT, item, k)
              : unifyValue(f, keyT, idx, () -> unifyValue(f, valT, item, k));
          if (!r) return false;
        }
        return true;
      }
      case ObjectValue o -> {
        for (int i = 0; i < o.size(); i++) {
          Value key = o.keyAt(i);
          Value item = o.valueAt(i);
          boolean r = keyT == null ? unifyValue(f, valT, item, k)
              : unifyValue(f, keyT, key, () -> unifyValue(f, valT, item, k));
          if (!r) return false;
        }
        return true;
      }
      case SetValue s -> {
        for (int i = 0; i < s.size(); i++) {
          Value item = s.get(i);
          boolean r = keyT == null ? unifyValue(f, valT, item, k)
              : unifyValue(f, keyT, item, () -> unifyValue(f, valT, item, k));
          if (!r) return false;
        }
        return true;
      }
      default -> { return true; }
    }
  }

  private boolean every(Value[] f, IR.Expr e, Value dom) {
    List<Value[]> pairs = new ArrayList<>();
    switch (dom) {
      case ArrayValue a -> { for (int i = 0; i < a.size(); i++) pairs.add(new Value[] {NumberValue.of(i), a.get(i)}); }
      case ObjectValue o -> { for (int i = 0; i < o.size(); i++) pairs.add(new Value[] {o.keyAt(i), o.valueAt(i)}); }
      case SetValue s -> { for (Value v : s.elements()) pairs.add(new Value[] {v, v}); }
      default -> { return false; }
    }
    for (Value[] p : pairs) {
      boolean[] holds = {false};
      K body = () -> {
        holds[0] = !evalBody(f, e.body.exprs, 0, () -> false);
        return false;
      };
      if (e.a == null) unifyValue(f, e.b, p[1], body);
      else unifyValue(f, e.a, p[0], () -> unifyValue(f, e.b, p[1], body));
      if (!holds[0]) return false;
    }
    return true;
  }

  // =================================================================== with

  /** Runs body with e's with-modifiers applied (the body sees the modified state). */
  private void applyWithsThen(Value[] f, IR.Expr e, K body) {
    State child = state.derive();
    for (IR.With w : e.withs) {
      if (w.valueFunction != null) {
        if (w.target == IR.With.Target.BUILTIN) {
          if (child.builtinMocks == null) child.builtinMocks = new HashMap<>();
          child.builtinMocks.put(w.builtin, w);
        } else {
          if (child.functionMocks == null) child.functionMocks = new HashMap<>();
          child.functionMocks.put(w.function, w);
        }
        continue;
      }
      Object g = ground(f, w.value);
      if (!(g instanceof Value v)) continue;
      switch (w.target) {
        case INPUT -> child.input = w.path.length == 0 ? v : setPath(child.input, w.path, v, 0);
        case DATA -> child.overrides = withOverride(child.overrides, w.path, v);
        case BUILTIN -> {
          if (child.builtinMocks == null) child.builtinMocks = new HashMap<>();
          child.builtinMocks.put(w.builtin, new IR.With(w.target, null, w.builtin, null, new IR.Const(v, w.loc), null, w.loc));
        }
        case FUNCTION -> {
          if (child.functionMocks == null) child.functionMocks = new HashMap<>();
          child.functionMocks.put(w.function, new IR.With(w.target, w.path, null, w.function, new IR.Const(v, w.loc), null, w.loc));
        }
      }
    }
    State saved = state;
    state = child;
    try {
      body.go();
    } finally {
      state = saved;
    }
  }

  /** Evaluates the with values in the outer state (they may enumerate), then runs e under them. */
  private boolean applyWiths(Value[] f, IR.Expr e, int i, State child, K next) {
    if (i == e.withs.length) {
      State saved = state;
      state = child;
      try {
        return evalExpr(f, e, () -> {
          State inner = state;
          state = saved;
          try {
            return next.go();
          } finally {
            state = inner;
          }
        });
      } finally {
        state = saved;
      }
    }
    IR.With w = e.withs[i];
    if (w.valueFunction != null) {
      State c2 = child;
      if (w.target == IR.With.Target.BUILTIN) {
        if (c2.builtinMocks == null) c2.builtinMocks = new HashMap<>();
        c2.builtinMocks.put(w.builtin, w);
      } else {
        if (c2.functionMocks == null) c2.functionMocks = new HashMap<>();
        c2.functionMocks.put(w.function, w);
      }
      return applyWiths(f, e, i + 1, c2, next);
    }
    return evalTerm(f, w.value, v -> {
      State c2 = child;
      switch (w.target) {
        case INPUT -> c2.input = w.path.length == 0 ? v : setPath(c2.input, w.path, v, 0);
        case DATA -> c2.overrides = withOverride(c2.overrides, w.path, v);
        case BUILTIN -> {
          if (c2.builtinMocks == null) c2.builtinMocks = new HashMap<>();
          c2.builtinMocks.put(w.builtin, new IR.With(w.target, null, w.builtin, null, new IR.Const(v, w.loc), null, w.loc));
        }
        case FUNCTION -> {
          if (c2.functionMocks == null) c2.functionMocks = new HashMap<>();
          c2.functionMocks.put(w.function, new IR.With(w.target, w.path, null, w.function, new IR.Const(v, w.loc), null, w.loc));
        }
      }
      return applyWiths(f, e, i + 1, c2, next);
    });
  }

  // =================================================================== unification

  private static boolean isUnbound(Value[] f, IR.T t) {
    return t instanceof IR.Local l && f[l.slot] == null;
  }

  private boolean bind(Value[] f, int slot, Value v, K k) {
    f[slot] = v;
    try {
      return k.go();
    } finally {
      f[slot] = null;
    }
  }

  private boolean unify(Value[] f, IR.T a, IR.T b, K k) {
    if (a instanceof IR.Local la && f[la.slot] == null) {
      if (isUnbound(f, b)) throw unsafe(la);
      Object g = ground(f, b);
      if (g == UNDEF) return true;
      if (g != MULTI) return unifyValue(f, a, (Value) g, k);
      return evalTerm(f, b, v -> unifyValue(f, a, v, k));
    }
    if (b instanceof IR.Local lb && f[lb.slot] == null) {
      Object g = ground(f, a);
      if (g == UNDEF) return true;
      if (g != MULTI) return bind(f, lb.slot, (Value) g, k);
      return evalTerm(f, a, v -> unifyValue(f, b, v, k));
    }
    boolean pa = hasUnboundPattern(f, a);
    boolean pb = hasUnboundPattern(f, b);
    if (pa && pb) return unifyPatterns(f, a, b, k);
    if (pa) {
      Object g = ground(f, b);
      if (g == UNDEF) return true;
      if (g != MULTI) return unifyValue(f, a, (Value) g, k);
      return evalTerm(f, b, v -> unifyValue(f, a, v, k));
    }
    Object g = ground(f, a);
    if (g == UNDEF) return true;
    if (g != MULTI) return unifyValue(f, b, (Value) g, k);
    return evalTerm(f, a, v -> unifyValue(f, b, v, k));
  }

  private boolean unifyPatterns(Value[] f, IR.T a, IR.T b, K k) {
    if (a instanceof IR.Arr x && b instanceof IR.Arr y) {
      if (x.items.length != y.items.length) return true;
      return unifyPairs(f, x.items, y.items, new boolean[x.items.length], x.items.length, k);
    }
    if (a instanceof IR.Obj x && b instanceof IR.Obj y) {
      if (x.keys.length != y.keys.length) return true;
      IR.T[] yv = new IR.T[x.keys.length];
      for (int i = 0; i < x.keys.length; i++) {
        Object kx = ground(f, x.keys[i]);
        if (!(kx instanceof Value kv)) return true;
        int found = -1;
        for (int j = 0; j < y.keys.length; j++) {
          Object ky = ground(f, y.keys[j]);
          if (ky instanceof Value v2 && v2.equals(kv)) found = j;
        }
        if (found < 0) return true;
        yv[i] = y.values[found];
      }
      return unifyPairs(f, x.values, yv, new boolean[x.values.length], x.values.length, k);
    }
    throw new RegoException(RegoException.INTERNAL, "cannot unify " + a + " with " + b, a.loc);
  }

  private boolean unifyPairs(Value[] f, IR.T[] xs, IR.T[] ys, boolean[] done, int remaining, K k) {
    if (remaining == 0) return k.go();
    for (int i = 0; i < xs.length; i++) {
      if (done[i]) continue;
      boolean stuck = (hasUnboundPattern(f, xs[i]) && hasUnboundPattern(f, ys[i]))
          && !(xs[i] instanceof IR.Arr && ys[i] instanceof IR.Arr) && !(xs[i] instanceof IR.Obj && ys[i] instanceof IR.Obj);
      if (stuck) continue;
      boolean[] d2 = done.clone();
      d2[i] = true;
      return unify(f, xs[i], ys[i], () -> unifyPairs(f, xs, ys, d2, remaining - 1, k));
    }
    throw new RegoException(RegoException.INTERNAL, "unsafe unification of variables", xs[0].loc);
  }

  private static boolean hasUnboundPattern(Value[] f, IR.T t) {
    switch (t) {
      case IR.Local l -> { return f[l.slot] == null; }
      case IR.Arr a -> {
        for (IR.T i : a.items) if (hasUnboundPattern(f, i)) return true;
        return false;
      }
      case IR.Obj o -> {
        for (IR.T i : o.values) if (hasUnboundPattern(f, i)) return true;
        return false;
      }
      default -> { return false; }
    }
  }

  /** Unifies a term with a known value. */
  private boolean unifyValue(Value[] f, IR.T t, Value v, K k) {
    switch (t) {
      case IR.Const c -> { return c.value.equals(v) ? k.go() : true; }
      case IR.Local l -> {
        Value cur = f[l.slot];
        if (cur != null) return cur.equals(v) ? k.go() : true;
        return bind(f, l.slot, v, k);
      }
      case IR.Arr a -> {
        if (!(v instanceof ArrayValue av) || av.size() != a.items.length) return true;
        return unifyElems(f, a.items, av, 0, k);
      }
      case IR.Obj o -> {
        if (!(v instanceof ObjectValue ov) || ov.size() != o.keys.length) return true;
        Value[] children = new Value[o.keys.length];
        for (int i = 0; i < o.keys.length; i++) {
          Object key = ground(f, o.keys[i]);
          if (!(key instanceof Value kv)) return true;
          children[i] = ov.get(kv);
          if (children[i] == null) return true;
        }
        return unifyObjValues(f, o.values, children, 0, k);
      }
      default -> {
        Object g = ground(f, t);
        if (g == UNDEF) return true;
        if (g != MULTI) return v.equals(g) ? k.go() : true;
        return evalTerm(f, t, tv -> tv.equals(v) ? k.go() : true);
      }
    }
  }

  private boolean unifyElems(Value[] f, IR.T[] items, ArrayValue av, int i, K k) {
    if (i == items.length) return k.go();
    return unifyValue(f, items[i], av.get(i), () -> unifyElems(f, items, av, i + 1, k));
  }

  private boolean unifyObjValues(Value[] f, IR.T[] vals, Value[] children, int i, K k) {
    if (i == vals.length) return k.go();
    return unifyValue(f, vals[i], children[i], () -> unifyObjValues(f, vals, children, i + 1, k));
  }

  private RegoException unsafe(IR.Local l) {
    return new RegoException(RegoException.INTERNAL, "var " + l.name + " is unbound", l.loc);
  }

  // =================================================================== terms

  /**
   * Evaluates a term that yields at most one value without binding variables: returns the Value,
   * UNDEF, or MULTI when the term must be enumerated (unbound index variables, relations).
   */
  private Object ground(Value[] f, IR.T t) {
    switch (t) {
      case IR.Const c -> { return c.value; }
      case IR.Local l -> {
        Value v = f[l.slot];
        return v != null ? v : MULTI;
      }
      case IR.Ref r -> { return groundRef(f, r); }
      case IR.Call c -> {
        if (c.builtin != null && c.builtin.relation() != null) return MULTI;
        Value[] args = new Value[c.args.length];
        for (int i = 0; i < args.length; i++) {
          Object a = ground(f, c.args[i]);
          if (a == UNDEF) return UNDEF;
          if (a == MULTI) return MULTI;
          args[i] = (Value) a;
        }
        Value v = call(c, args);
        return v == null ? UNDEF : v;
      }
      case IR.Arr a -> {
        Value[] items = new Value[a.items.length];
        for (int i = 0; i < items.length; i++) {
          Object x = ground(f, a.items[i]);
          if (!(x instanceof Value xv)) return x;
          items[i] = xv;
        }
        return ArrayValue.wrap(items);
      }
      case IR.SetT s -> {
        SetValue.Builder b = SetValue.builder();
        for (IR.T item : s.items) {
          Object x = ground(f, item);
          if (!(x instanceof Value xv)) return x;
          b.add(xv);
        }
        return b.build();
      }
      case IR.Obj o -> {
        ObjectValue.Builder b = ObjectValue.builder();
        for (int i = 0; i < o.keys.length; i++) {
          Object k = ground(f, o.keys[i]);
          if (!(k instanceof Value kv)) return k;
          Object v = ground(f, o.values[i]);
          if (!(v instanceof Value vv)) return v;
          b.put(kv, vv);
        }
        return b.build();
      }
      case IR.ArrCompr c -> { return arrayCompr(f, c); }
      case IR.SetCompr c -> { return setCompr(f, c); }
      case IR.ObjCompr c -> { return objectCompr(f, c); }
      case IR.Template tpl -> { return template(f, tpl); }
      case IR.Print p -> { return print(f, p); }
      case IR.InputRoot i -> { return state.input == null ? UNDEF : state.input; }
      case IR.DataRoot d -> {
        Value v = valueAt(new Value[0]);
        return v == null ? UNDEF : v;
      }
    }
  }

  private Object groundRef(Value[] f, IR.Ref r) {
    IR.T[] path = r.path;
    Value[] dynamic = null; // values of the segments that are not constants, computed first
    for (int i = 0; i < path.length; i++) {
      if (path[i] instanceof IR.Const) continue;
      Object g = ground(f, path[i]);
      if (g == MULTI || g == UNDEF) return g;
      if (dynamic == null) dynamic = new Value[path.length];
      dynamic[i] = (Value) g;
    }
    if (r.head instanceof IR.DataRoot) {
      IR.T[] segs = path;
      if (dynamic != null) {
        segs = path.clone();
        for (int i = 0; i < segs.length; i++) if (dynamic[i] != null) segs[i] = new IR.Const(dynamic[i], r.loc);
      }
      firstValue = null;
      dataK(f, policy.root(), state.data, state.overrides, segs, 0, takeFirst);
      Value v = firstValue;
      firstValue = null;
      return v == null ? UNDEF : v;
    }
    Object h = ground(f, r.head);
    if (!(h instanceof Value v)) return h;
    for (int i = 0; i < path.length; i++) {
      Value key = dynamic != null && dynamic[i] != null ? dynamic[i] : ((IR.Const) path[i]).value;
      v = Lookup.get(v, key);
      if (v == null) return UNDEF;
    }
    return v;
  }

  /** Evaluates a term, calling vk for each of its values (several when it enumerates). */
  private boolean evalTerm(Value[] f, IR.T t, VK vk) {
    Object g = ground(f, t);
    if (g == UNDEF) return true;
    if (g != MULTI) return vk.go((Value) g);
    switch (t) {
      case IR.Local l -> throw unsafe(l);
      case IR.Ref r -> { return evalRef(f, r, vk); }
      case IR.Call c -> {
        int[] order = argOrder(f, c.args);
        return evalArgsOrdered(f, c.args, order, 0, new Value[c.args.length], args -> callK(c, args, vk));
      }
      case IR.Arr a -> {
        return evalArgs(f, a.items, 0, new Value[a.items.length], vals -> vk.go(ArrayValue.wrap(vals.clone())));
      }
      case IR.SetT s -> {
        return evalArgs(f, s.items, 0, new Value[s.items.length], vals -> vk.go(SetValue.of(vals)));
      }
      case IR.Obj o -> {
        IR.T[] all = new IR.T[o.keys.length * 2];
        for (int i = 0; i < o.keys.length; i++) {
          all[2 * i] = o.keys[i];
          all[2 * i + 1] = o.values[i];
        }
        return evalArgs(f, all, 0, new Value[all.length], vals -> {
          ObjectValue.Builder b = ObjectValue.builder();
          for (int i = 0; i < vals.length; i += 2) b.put(vals[i], vals[i + 1]);
          return vk.go(b.build());
        });
      }
      default -> throw new IllegalStateException("cannot enumerate " + t);
    }
  }

  @FunctionalInterface
  private interface ArgsK {
    boolean go(Value[] args);
  }

  /** Argument evaluation order: plain unbound variables last (a ref in another argument binds them). */
  private static int[] argOrder(Value[] f, IR.T[] args) {
    int[] order = new int[args.length];
    int n = 0;
    for (int i = 0; i < args.length; i++) if (!isUnbound(f, args[i])) order[n++] = i;
    for (int i = 0; i < args.length; i++) if (isUnbound(f, args[i])) order[n++] = i;
    return order;
  }

  private boolean evalArgsOrdered(Value[] f, IR.T[] ts, int[] order, int i, Value[] buf, ArgsK k) {
    if (i == ts.length) return k.go(buf);
    int idx = order[i];
    return evalTerm(f, ts[idx], v -> {
      buf[idx] = v;
      return evalArgsOrdered(f, ts, order, i + 1, buf, k);
    });
  }

  private boolean evalArgs(Value[] f, IR.T[] ts, int i, Value[] buf, ArgsK k) {
    if (i == ts.length) return k.go(buf);
    return evalTerm(f, ts[i], v -> {
      buf[i] = v;
      return evalArgs(f, ts, i + 1, buf, k);
    });
  }

  // =================================================================== references

  private boolean evalRef(Value[] f, IR.Ref r, VK vk) {
    switch (r.head) {
      case IR.InputRoot i -> {
        if (state.input == null) return true;
        return walk(f, state.input, r.path, 0, vk);
      }
      case IR.DataRoot d -> { return dataK(f, policy.root(), state.data, state.overrides, r.path, 0, vk); }
      default -> { return evalTerm(f, r.head, hv -> walk(f, hv, r.path, 0, vk)); }
    }
  }

  private boolean walk(Value[] f, Value v, IR.T[] path, int i, VK vk) {
    return walk(f, v, path, i, vk, false);
  }

  /**
   * Dereferences v along path[i..], enumerating keys for unbound segments. In base documents
   * (storage) a number key also finds the object key spelled as that number, as OPA's store does.
   */
  private boolean walk(Value[] f, Value v, IR.T[] path, int i, VK vk, boolean storage) {
    while (i < path.length) {
      IR.T seg = path[i];
      Object g = seg instanceof IR.Const c ? c.value : segmentValue(f, seg);
      if (g == MULTI) break;
      if (g == UNDEF) return true;
      v = storage ? storageGet(v, (Value) g) : Lookup.get(v, (Value) g);
      if (v == null) return true;
      i++;
    }
    if (i == path.length) return vk.go(v);
    IR.T seg = path[i];
    int next = i + 1;
    if (hasUnboundPattern(f, seg)) {
      return iterate(v, (key, child) -> unifyValue(f, seg, key, () -> walk(f, child, path, next, vk, storage)));
    }
    Value base = v;
    return evalTerm(f, seg, key -> {
      Value child = storage ? storageGet(base, key) : Lookup.get(base, key);
      return child == null || walk(f, child, path, next, vk, storage);
    });
  }

  private static Value storageGet(Value coll, Value key) {
    Value v = Lookup.get(coll, key);
    if (v == null && coll instanceof ObjectValue o && key instanceof NumberValue n) {
      v = o.get(StringValue.of(n.toString()));
    }
    return v;
  }

  /** The value of a path segment when it is ground, UNDEF, or MULTI when it must be enumerated. */
  private Object segmentValue(Value[] f, IR.T seg) {
    if (seg instanceof IR.Local l) {
      Value v = f[l.slot];
      return v == null ? MULTI : v;
    }
    if (hasUnboundPattern(f, seg)) return MULTI;
    return ground(f, seg);
  }

  @FunctionalInterface
  private interface EntryK {
    boolean go(Value key, Value child);
  }

  private static boolean iterate(Value v, EntryK k) {
    switch (v) {
      case ObjectValue o -> {
        for (int i = 0; i < o.size(); i++) if (!k.go(o.keyAt(i), o.valueAt(i))) return false;
        return true;
      }
      case ArrayValue a -> {
        for (int i = 0; i < a.size(); i++) if (!k.go(NumberValue.of(i), a.get(i))) return false;
        return true;
      }
      case SetValue s -> {
        for (int i = 0; i < s.size(); i++) if (!k.go(s.get(i), s.get(i))) return false;
        return true;
      }
      default -> { return true; }
    }
  }

  /** Dereferences the data document (rules and base data) along path[i..]. */
  private boolean dataK(Value[] f, RuleNode node, Value base, Trie trie, IR.T[] path, int i, VK vk) {
    while (true) {
      if (trie != null && trie.value != null) {
        Value v = applyTrie(null, trie);
        return walk(f, v, path, i, vk);
      }
      if (node == null || !node.hasRulesBelow) {
        Value b = applyTrie(base, trie);
        if (b == null) return true;
        return walk(f, b, path, i, vk, true);
      }
      if (node.hasRules()) {
        if (node.isFunction()) return true;
        if (i < path.length && state.ruleCache[node.id] == IN_PROGRESS && onlyDynamicRules(node)) {
          // A rule below this node reads a sibling while the node's document is being built
          // (p[k] := ... and p.b := p.a + 1): only the rules that can produce that key are needed.
          IR.T seg = path[i];
          Object g = seg instanceof IR.Const c ? c.value : segmentValue(f, seg);
          if (g == UNDEF) return true;
          if (g != MULTI) {
            Value key = (Value) g;
            Value v = applyTrie(keyValue(node, key), trie == null ? null : trie.children.get(key));
            if (v == null) return true;
            return walk(f, v, path, i + 1, vk);
          }
        }
        Value v = ruleValue(node, base);
        v = applyTrie(v, trie);
        if (v == null) return true;
        return walk(f, v, path, i, vk);
      }
      if (i == path.length) {
        Value full = applyTrie(materialize(node, base), trie);
        return full == null || vk.go(full);
      }
      IR.T seg = path[i];
      Object g = seg instanceof IR.Const c ? c.value : segmentValue(f, seg);
      if (g == UNDEF) return true;
      if (g != MULTI) {
        Value key = (Value) g;
        node = node.child(key);
        base = base == null ? null : storageGet(base, key);
        trie = trie == null ? null : trie.children.get(key);
        i++;
        continue;
      }
      TreeSet<Value> keys = new TreeSet<>();
      keys.addAll(node.children.keySet());
      if (base instanceof ObjectValue bo) keys.addAll(bo.keys());
      if (trie != null) keys.addAll(trie.children.keySet());
      final RuleNode n = node;
      final Value b0 = base;
      final Trie t0 = trie;
      final int next = i + 1;
      if (hasUnboundPattern(f, seg)) {
        for (Value key : keys) {
          RuleNode cn = n.child(key);
          Value cb = b0 == null ? null : Lookup.get(b0, key);
          Trie ct = t0 == null ? null : t0.children.get(key);
          if (!unifyValue(f, seg, key, () -> dataK(f, cn, cb, ct, path, next, vk))) return false;
        }
        return true;
      }
      return evalTerm(f, seg, key -> {
        RuleNode cn = n.child(key);
        Value cb = b0 == null ? null : Lookup.get(b0, key);
        Trie ct = t0 == null ? null : t0.children.get(key);
        if (cn == null && cb == null && ct == null) return true;
        return dataK(f, cn, cb, ct, path, next, vk);
      });
    }
  }

  /** The whole document at a node without rules of its own: base data merged with child documents. */
  private Value materialize(RuleNode node, Value base) {
    if (node == null || !node.hasRulesBelow) return base;
    if (node.hasRules()) return node.isFunction() ? null : ruleValue(node, base);
    ObjectValue.Builder b = base instanceof ObjectValue bo ? bo.toBuilder() : ObjectValue.builder();
    for (Map.Entry<Value, RuleNode> e : node.children.entrySet()) {
      Value childBase = base == null ? null : Lookup.get(base, e.getKey());
      if (childBase != null && !(childBase instanceof ObjectValue)) continue; // base document wins
      Value v = materialize(e.getValue(), childBase);
      if (v != null) b.put(e.getKey(), v);
    }
    if (b.size() == 0 && base == null) return ObjectValue.EMPTY;
    return b.build();
  }

  // =================================================================== rules

  private Value ruleValue(RuleNode node, Value base) {
    Object[] cache = state.ruleCache;
    Object cached = cache[node.id];
    if (cached == IN_PROGRESS) {
      throw new RegoException(RegoException.RECURSION, "rule " + node.pathString() + " is recursive", null);
    }
    if (cached != null) return cached == UNDEF ? null : (Value) cached;
    cache[node.id] = IN_PROGRESS;
    Value v;
    try {
      v = computeRuleValue(node, base);
    } catch (RuntimeException | Error e) {
      cache[node.id] = null;
      throw e;
    }
    cache[node.id] = v == null ? UNDEF : v;
    return v;
  }

  private Value computeRuleValue(RuleNode node, Value base) {
    boolean set = false;
    boolean obj = false;
    boolean complete = false;
    for (IR.Rule r : node.rules) {
      switch (r.kind) {
        case PARTIAL_SET -> { if (r.tail.length == 0) set = true; else obj = true; }
        case PARTIAL_OBJECT -> obj = true;
        case COMPLETE -> complete = true;
        default -> { }
      }
    }
    for (IR.Rule r : node.defaults) if (r.kind == IR.RuleKind.COMPLETE) complete = true;
    Value v = null;
    if (set) v = partialSet(node);
    if (complete) {
      Value c = complete(node);
      if (c != null) v = c;
    }
    if (obj) {
      // Rules with variables in their refs, and every rule below them, build one document:
      // a rule's output path must not extend another's (OPA reports that as a conflict).
      LinkedHashMap<Value, Object> tree = new LinkedHashMap<>();
      for (IR.Rule rule : node.rules) collectDynamic(tree, rule, EMPTY_PATH);
      for (Map.Entry<Value, RuleNode> e : node.children.entrySet()) {
        if (e.getValue().hasRulesBelow) collectSubtree(tree, e.getValue(), new Value[] {e.getKey()});
      }
      Value o = toValue(tree);
      if (v == null) v = o;
      else if (v instanceof ObjectValue vo && o instanceof ObjectValue oo) v = merge(vo, oo, node);
      return v;
    }
    if (!node.children.isEmpty()) {
      ObjectValue.Builder b = null;
      for (Map.Entry<Value, RuleNode> e : node.children.entrySet()) {
        if (!e.getValue().hasRulesBelow) continue;
        Value childBase = base == null ? null : Lookup.get(base, e.getKey());
        Value cv = materialize(e.getValue(), childBase);
        if (cv == null) continue;
        if (b == null) {
          if (v != null && !(v instanceof ObjectValue)) {
            throw new RegoException(RegoException.CONFLICT, "rule " + node.pathString() + " conflicts with rules below it", firstLoc(node));
          }
          b = v == null ? ObjectValue.builder() : ((ObjectValue) v).toBuilder();
        }
        Value prev = b.get(e.getKey());
        if (prev != null && !prev.equals(cv)) {
          if (prev instanceof ObjectValue po && cv instanceof ObjectValue co) cv = merge(po, co, node);
          else throw new RegoException(RegoException.CONFLICT, "object keys must be unique", firstLoc(node));
        }
        b.put(e.getKey(), cv);
      }
      if (b != null) v = b.build();
    }
    return v;
  }

  private static Location firstLoc(RuleNode n) {
    if (!n.rules.isEmpty()) return n.rules.get(0).loc();
    if (!n.defaults.isEmpty()) return n.defaults.get(0).loc();
    return null;
  }

  private Value complete(RuleNode node) {
    Value result = null;
    IR.Rule from = null;
    for (IR.Rule rule : node.rules) {
      if (rule.kind != IR.RuleKind.COMPLETE) continue;
      Value v = completeWithElse(rule);
      if (v == null) continue;
      if (result != null && !result.equals(v)) {
        throw new RegoException(RegoException.CONFLICT, "complete rules must not produce multiple outputs", rule.loc());
      }
      result = v;
      from = rule;
    }
    if (result == null) {
      for (IR.Rule d : node.defaults) {
        if (d.kind == IR.RuleKind.COMPLETE) result = defaultValue(d);
      }
    }
    return result;
  }

  private Value defaultValue(IR.Rule d) {
    if (d.value instanceof IR.Const c) return c.value;
    Object v = ground(new Value[d.frameSize], d.value);
    return v instanceof Value val ? val : null;
  }

  private Value completeWithElse(IR.Rule rule) {
    for (IR.Rule r = rule; r != null; r = r.elseRule) {
      Value[] f = new Value[r.frameSize];
      Value[] out = {null};
      IR.Rule cur = r;
      evalBody(f, r.body.exprs, 0, () -> evalTerm(f, cur.value, v -> {
        if (out[0] != null && !out[0].equals(v)) {
          throw new RegoException(RegoException.CONFLICT, "complete rules must not produce multiple outputs", cur.loc());
        }
        out[0] = v;
        return true;
      }));
      if (out[0] != null) return out[0];
    }
    return null;
  }

  private Value partialSet(RuleNode node) {
    SetValue.Builder b = SetValue.builder();
    int max = opts.maxCollectionSize();
    for (IR.Rule rule : node.rules) {
      if (rule.kind != IR.RuleKind.PARTIAL_SET || rule.tail.length != 0) continue;
      Value[] f = new Value[rule.frameSize];
      evalBody(f, rule.body.exprs, 0, () -> evalTerm(f, rule.key, v -> {
        b.add(v);
        if (max > 0 && b.size() > max) throw tooLarge(rule.loc());
        return true;
      }));
    }
    return b.build();
  }

  private EvalLimitException tooLarge(Location loc) {
    return new EvalLimitException("collection exceeds the limit of " + opts.maxCollectionSize() + " elements", loc);
  }

  private static final Value[] EMPTY_PATH = new Value[0];

  /**
   * Inserts the outputs of a rule with a variable (or key) in its ref into tree, below prefix.
   * The tree holds nested maps for the path segments, and at the leaves a Value (single-value
   * rules) or a SetValue.Builder (multi-value rules).
   */
  private void collectDynamic(LinkedHashMap<Value, Object> tree, IR.Rule rule, Value[] prefix) {
    boolean isSetLeaf = rule.kind == IR.RuleKind.PARTIAL_SET;
    if (!(rule.kind == IR.RuleKind.PARTIAL_OBJECT || (isSetLeaf && rule.tail.length > 0))) return;
    for (IR.Rule r = rule; r != null; r = r.elseRule) {
      Value[] f = new Value[r.frameSize];
      IR.Rule cur = r;
      boolean[] produced = {false};
      evalBody(f, r.body.exprs, 0, () -> evalArgs(f, cur.tail, 0, new Value[cur.tail.length], keys ->
          evalTerm(f, isSetLeaf ? cur.key : cur.value, v -> {
            insert(tree, concat(prefix, keys), v, isSetLeaf, cur);
            produced[0] = true;
            return true;
          })));
      if (produced[0]) break;
    }
  }

  /** Inserts the outputs of every rule at or below node (at path below the tree's root) into tree. */
  private void collectSubtree(LinkedHashMap<Value, Object> tree, RuleNode node, Value[] path) {
    if (node.isFunction()) return;
    boolean complete = false;
    for (IR.Rule r : node.rules) if (r.kind == IR.RuleKind.COMPLETE) complete = true;
    for (IR.Rule r : node.defaults) if (r.kind == IR.RuleKind.COMPLETE) complete = true;
    if (complete) {
      // A node with complete rules only: its (cached) rule value is that of the rules.
      boolean plain = true;
      for (IR.Rule r : node.rules) if (r.kind != IR.RuleKind.COMPLETE) plain = false;
      for (RuleNode c : node.children.values()) if (c.hasRulesBelow) plain = false;
      Value c = plain ? ruleValue(node, null) : complete(node);
      if (c != null) insert(tree, path, c, false, firstRule(node));
    }
    for (IR.Rule rule : node.rules) {
      if (rule.kind == IR.RuleKind.PARTIAL_SET && rule.tail.length == 0) {
        Value[] f = new Value[rule.frameSize];
        evalBody(f, rule.body.exprs, 0, () -> evalTerm(f, rule.key, v -> {
          insert(tree, path, v, true, rule);
          return true;
        }));
      } else {
        collectDynamic(tree, rule, path);
      }
    }
    for (Map.Entry<Value, RuleNode> e : node.children.entrySet()) {
      if (e.getValue().hasRulesBelow) collectSubtree(tree, e.getValue(), concat(path, new Value[] {e.getKey()}));
    }
  }

  private static boolean onlyDynamicRules(RuleNode n) {
    if (!n.defaults.isEmpty()) return false;
    for (IR.Rule r : n.rules) {
      if (!(r.kind == IR.RuleKind.PARTIAL_OBJECT || (r.kind == IR.RuleKind.PARTIAL_SET && r.tail.length > 0))) return false;
    }
    return true;
  }

  /**
   * The document at key below a node whose rules all have variables in their refs, computed
   * from the rules that can produce it only (the node's own rules, and the rules below key).
   */
  @SuppressWarnings("unchecked")
  private Value keyValue(RuleNode node, Value key) {
    HashMap<Value, Object> cache = state.keyCache.computeIfAbsent(node, n -> new HashMap<>());
    Object cached = cache.get(key);
    if (cached == IN_PROGRESS) {
      throw new RegoException(RegoException.RECURSION, "rule " + node.pathString() + "[" + key.toRego() + "] is recursive", null);
    }
    if (cached != null) return cached == UNDEF ? null : (Value) cached;
    cache.put(key, IN_PROGRESS);
    Value v;
    try {
      LinkedHashMap<Value, Object> tree = new LinkedHashMap<>();
      for (IR.Rule rule : node.rules) {
        if (rule.tail[0] instanceof IR.Const c && !c.value.equals(key)) continue;
        collectDynamic(tree, rule, EMPTY_PATH);
      }
      RuleNode child = node.child(key);
      if (child != null && child.hasRulesBelow) collectSubtree(tree, child, new Value[] {key});
      Object o = tree.get(key);
      if (o == null) v = null;
      else if (o instanceof LinkedHashMap<?, ?> m) v = toValue((LinkedHashMap<Value, Object>) m);
      else if (o instanceof SetValue.Builder sb) v = sb.build();
      else v = (Value) o;
    } catch (RuntimeException | Error e) {
      cache.remove(key);
      throw e;
    }
    cache.put(key, v == null ? UNDEF : v);
    return v;
  }

  private static IR.Rule firstRule(RuleNode n) {
    if (!n.rules.isEmpty()) return n.rules.get(0);
    return n.defaults.isEmpty() ? null : n.defaults.get(0);
  }

  private static Value[] concat(Value[] a, Value[] b) {
    if (a.length == 0) return b.clone();
    Value[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static RegoException keyConflict(IR.Rule rule) {
    return new RegoException(RegoException.CONFLICT, "object keys must be unique", rule == null ? null : rule.loc());
  }

  @SuppressWarnings("unchecked")
  private void insert(LinkedHashMap<Value, Object> tree, Value[] keys, Value v, boolean setLeaf, IR.Rule rule) {
    LinkedHashMap<Value, Object> m = tree;
    for (int i = 0; i < keys.length - 1; i++) {
      Object child = m.get(keys[i]);
      if (child == null) {
        LinkedHashMap<Value, Object> n = new LinkedHashMap<>();
        m.put(keys[i], n);
        m = n;
      } else if (child instanceof LinkedHashMap<?, ?> cm) {
        m = (LinkedHashMap<Value, Object>) cm;
      } else {
        // The path runs through the value of another rule.
        throw keyConflict(rule);
      }
    }
    Value last = keys[keys.length - 1];
    Object prev = m.get(last);
    if (setLeaf) {
      SetValue.Builder sb;
      if (prev == null) {
        sb = SetValue.builder();
        m.put(last, sb);
      } else if (prev instanceof SetValue.Builder b) {
        sb = b;
      } else if (prev instanceof SetValue sv) {
        sb = SetValue.builder();
        for (Value e : sv.elements()) sb.add(e);
        m.put(last, sb);
      } else {
        throw keyConflict(rule);
      }
      sb.add(v);
      int max = opts.maxCollectionSize();
      if (max > 0 && sb.size() > max) throw tooLarge(rule.loc());
      return;
    }
    if (prev == null) {
      m.put(last, v);
    } else if (prev instanceof Value pv) {
      if (!pv.equals(v)) throw keyConflict(rule);
    } else if (prev instanceof SetValue.Builder sb) {
      if (!sb.build().equals(v)) throw keyConflict(rule);
    } else {
      // Other rules already wrote below this path: only the very same document is no conflict.
      if (!toValue((LinkedHashMap<Value, Object>) prev).equals(v)) throw keyConflict(rule);
    }
  }

  @SuppressWarnings("unchecked")
  private static Value toValue(LinkedHashMap<Value, Object> tree) {
    ObjectValue.Builder b = ObjectValue.builder();
    for (Map.Entry<Value, Object> e : tree.entrySet()) {
      Object v = e.getValue();
      if (v instanceof LinkedHashMap<?, ?> m) b.put(e.getKey(), toValue((LinkedHashMap<Value, Object>) m));
      else if (v instanceof SetValue.Builder sb) b.put(e.getKey(), sb.build());
      else b.put(e.getKey(), (Value) v);
    }
    return b.build();
  }

  private ObjectValue merge(ObjectValue a, ObjectValue b, RuleNode node) {
    ObjectValue.Builder out = a.toBuilder();
    for (int i = 0; i < b.size(); i++) {
      Value k = b.keyAt(i);
      Value bv = b.valueAt(i);
      Value av = out.get(k);
      if (av == null) {
        out.put(k, bv);
      } else if (!av.equals(bv)) {
        if (av instanceof ObjectValue ao && bv instanceof ObjectValue bo) out.put(k, merge(ao, bo, node));
        else throw new RegoException(RegoException.CONFLICT, "object keys must be unique", firstLoc(node));
      }
    }
    return out.build();
  }

  // =================================================================== calls

  private boolean callK(IR.Call c, Value[] args, VK vk) {
    if (c.builtin != null && c.builtin.relation() != null && mock(c) == null) {
      Value[] checked = args.clone();
      try {
        checkArgs(c, checked);
        boolean[] stopped = {false};
        c.builtin.relation().call(this, checked, v -> {
          if (!vk.go(v)) {
            stopped[0] = true;
            return false;
          }
          return true;
        });
        return !stopped[0];
      } catch (BuiltinException e) {
        return builtinError(c, e);
      }
    }
    Value v = call(c, args);
    return v == null || vk.go(v);
  }

  private IR.With mock(IR.Call c) {
    if (c.builtin != null) return state.builtinMocks == null ? null : state.builtinMocks.get(c.name);
    return state.functionMocks == null ? null : state.functionMocks.get(c.function);
  }

  /** Calls a builtin or user function with evaluated arguments; null = undefined. */
  private Value call(IR.Call c, Value[] args) {
    IR.With m = mock(c);
    if (m != null) {
      if (m.valueFunction == null) return ((IR.Const) m.value).value;
      IR.Call target = m.valueFunction;
      IR.Call replaced = new IR.Call(target.name, target.builtin, target.function, c.args, c.loc);
      // The replacement runs without mocks: it may call the original, and never another mock.
      State saved = state;
      State plain = state.derive();
      plain.builtinMocks = null;
      plain.functionMocks = null;
      state = plain;
      try {
        return callUnmocked(replaced, args);
      } finally {
        state = saved;
      }
    }
    return callUnmocked(c, args);
  }

  private Value callUnmocked(IR.Call c, Value[] args) {
    if (c.function != null) return function(c.function, args, c.loc);
    BuiltinRegistry.Entry e = c.builtin;
    if (e.relation() != null) {
      Value[] first = {null};
      try {
        checkArgs(c, args);
        e.relation().call(this, args, v -> {
          first[0] = v;
          return false;
        });
      } catch (BuiltinException ex) {
        builtinError(c, ex);
      }
      return first[0];
    }
    try {
      checkArgs(c, args);
      return e.function().call(this, args);
    } catch (BuiltinException ex) {
      builtinError(c, ex);
      return null;
    } catch (RegoException ex) {
      throw ex;
    } catch (StackOverflowError ex) {
      throw ex;
    } catch (RuntimeException ex) {
      BuiltinException be = BuiltinException.error(String.valueOf(ex.getMessage()));
      builtinError(c, be);
      return null;
    }
  }

  /**
   * Checks arguments declared with a single type; union-typed parameters are left to the builtin,
   * whose message names the alternatives in OPA's own order.
   */
  private void checkArgs(IR.Call c, Value[] args) {
    if (c.builtin.checksOwnOperands()) return;
    BuiltinCatalogue.Decl d = c.builtin.decl();
    List<Type> types = d.args();
    for (int i = 0; i < args.length && i < types.size(); i++) {
      if (!(types.get(i) instanceof Type.Union) && !types.get(i).admitsKind(args[i])) {
        throw BuiltinException.operand(i, Type.describe(types.get(i)), args[i]);
      }
    }
  }

  /** In strict mode a builtin error aborts; otherwise the call is undefined. Returns true (continue). */
  private boolean builtinError(IR.Call c, BuiltinException e) {
    if (opts.strictBuiltinErrors()) {
      String code = BuiltinException.TYPE_ERROR.equals(e.code()) ? RegoException.TYPE : RegoException.BUILTIN;
      throw new RegoException(code, c.name + ": " + e.getMessage(), c.loc);
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  private Value function(RuleNode node, Value[] args, Location loc) {
    if (state.fnMemo == null) state.fnMemo = new HashMap[state.ruleCache.length];
    HashMap<List<Value>, Object> memo = state.fnMemo[node.id];
    if (memo == null) {
      memo = new HashMap<>();
      state.fnMemo[node.id] = memo;
    }
    Object cached = memo.get(Arrays.asList(args));
    if (cached != null) return cached == UNDEF ? null : (Value) cached;
    List<Value> key = Arrays.asList(args.clone()); // the caller may reuse its argument buffer
    Value result = null;
    for (IR.Rule rule : node.rules) {
      Value v = functionWithElse(rule, args);
      if (v == null) continue;
      if (result != null && !result.equals(v)) {
        throw new RegoException(RegoException.CONFLICT, "functions must not produce multiple outputs for same inputs", rule.loc());
      }
      result = v;
    }
    if (result == null) {
      for (IR.Rule d : node.defaults) result = defaultValue(d);
    }
    memo.put(key, result == null ? UNDEF : result);
    return result;
  }

  private Value functionWithElse(IR.Rule rule, Value[] args) {
    for (IR.Rule r = rule; r != null; r = r.elseRule) {
      Value[] f = new Value[r.frameSize];
      Value[] out = {null};
      IR.Rule cur = r;
      bindParams(f, cur.params, args, 0, () -> evalBody(f, cur.body.exprs, 0, () -> evalTerm(f, cur.value, v -> {
        if (out[0] != null && !out[0].equals(v)) {
          throw new RegoException(RegoException.CONFLICT, "functions must not produce multiple outputs for same inputs", cur.loc());
        }
        out[0] = v;
        return true;
      })));
      if (out[0] != null) return out[0];
    }
    return null;
  }

  private boolean bindParams(Value[] f, IR.T[] params, Value[] args, int i, K k) {
    if (i == params.length) return k.go();
    return unifyValue(f, params[i], args[i], () -> bindParams(f, params, args, i + 1, k));
  }

  // =================================================================== comprehensions

  private Value arrayCompr(Value[] f, IR.ArrCompr c) {
    List<Value> out = new ArrayList<>();
    int max = opts.maxCollectionSize();
    evalBody(f, c.body.exprs, 0, () -> evalTerm(f, c.head, v -> {
      out.add(v);
      if (max > 0 && out.size() > max) throw tooLarge(c.loc);
      return true;
    }));
    return ArrayValue.of(out);
  }

  private Value setCompr(Value[] f, IR.SetCompr c) {
    SetValue.Builder b = SetValue.builder();
    int max = opts.maxCollectionSize();
    evalBody(f, c.body.exprs, 0, () -> evalTerm(f, c.head, v -> {
      b.add(v);
      if (max > 0 && b.size() > max) throw tooLarge(c.loc);
      return true;
    }));
    return b.build();
  }

  private Value objectCompr(Value[] f, IR.ObjCompr c) {
    ObjectValue.Builder b = ObjectValue.builder();
    int max = opts.maxCollectionSize();
    evalBody(f, c.body.exprs, 0, () -> evalTerm(f, c.key, k -> evalTerm(f, c.value, v -> {
      Value prev = b.putIfAbsent(k, v);
      if (prev != null && !prev.equals(v)) {
        throw new RegoException(RegoException.CONFLICT, "object keys must be unique", c.loc);
      }
      if (max > 0 && b.size() > max) throw tooLarge(c.loc);
      return true;
    })));
    return b.build();
  }

  /** All distinct values of a term expression (with its with-modifiers), in OPA's order. */
  private List<Value> collect(Value[] f, IR.Expr e) {
    SetValue.Builder b = SetValue.builder();
    K body = () -> evalTerm(f, e.a, v -> {
      b.add(v);
      return true;
    });
    if (e.withs != null) {
      // evaluate the term inside the with context (the continuation of applyWiths runs outside it)
      applyWithsThen(f, e, body);
    } else {
      body.go();
    }
    return b.build().elements();
  }

  private Value template(Value[] f, IR.Template t) {
    StringBuilder sb = new StringBuilder();
    for (Object p : t.parts) {
      if (p instanceof String s) {
        sb.append(s);
        continue;
      }
      IR.Expr e = (IR.Expr) p;
      List<Value> vals = collect(f, e);
      if (vals.isEmpty()) {
        sb.append("<undefined>");
      } else if (vals.size() > 1) {
        throw new RegoException(RegoException.CONFLICT, "template-strings must not produce multiple outputs", e.loc);
      } else {
        appendPlain(sb, vals.get(0));
      }
    }
    return StringValue.of(sb.toString());
  }

  private static void appendPlain(StringBuilder sb, Value v) {
    if (v instanceof StringValue s) sb.append(s.value());
    else Formatter.append(sb, v);
  }

  private Value print(Value[] f, IR.Print p) {
    List<List<String>> columns = new ArrayList<>();
    for (IR.T arg : p.args) {
      IR.Expr e = new IR.Expr(IR.Kind.TERM, arg, null, null, null, null, null, arg.loc);
      List<Value> vals = collect(f, e);
      List<String> texts = new ArrayList<>();
      if (vals.isEmpty()) texts.add("<undefined>");
      for (Value v : vals) {
        StringBuilder sb = new StringBuilder();
        appendPlain(sb, v);
        texts.add(sb.toString());
      }
      columns.add(texts);
    }
    printCross(columns, 0, new String[columns.size()]);
    return BooleanValue.TRUE;
  }

  private void printCross(List<List<String>> cols, int i, String[] buf) {
    if (i == cols.size()) {
      print(String.join(" ", buf));
      return;
    }
    for (String s : cols.get(i)) {
      buf[i] = s;
      printCross(cols, i + 1, buf);
    }
  }
}
