package dev.postee.rego.compile;

import dev.postee.rego.ast.Location;
import dev.postee.rego.builtins.BuiltinRegistry;
import dev.postee.rego.value.Value;

/**
 * The compiled form of Rego the evaluator runs: names resolved, local variables turned into frame
 * slots, calls bound to builtins or rule-tree nodes, bodies reordered for safety.
 */
public final class IR {
  private IR() {}

  /** A compiled term. */
  public abstract static sealed class T permits Const, Local, InputRoot, DataRoot, Ref, Arr, Obj, SetT, Call,
      ArrCompr, SetCompr, ObjCompr, Template, Print {
    public final Location loc;

    T(Location loc) { this.loc = loc; }
  }

  /** A ground value (scalars and fully constant composites). */
  public static final class Const extends T {
    public final Value value;
    public Const(Value value, Location loc) { super(loc); this.value = value; }
    @Override public String toString() { return value.toRego(); }
  }

  /** A local variable: index into the frame. */
  public static final class Local extends T {
    public final int slot;
    public final String name;
    public Local(int slot, String name, Location loc) { super(loc); this.slot = slot; this.name = name; }
    @Override public String toString() { return name; }
  }

  public static final class InputRoot extends T {
    public InputRoot(Location loc) { super(loc); }
    @Override public String toString() { return "input"; }
  }

  public static final class DataRoot extends T {
    public DataRoot(Location loc) { super(loc); }
    @Override public String toString() { return "data"; }
  }

  /** head[path0][path1]... */
  public static final class Ref extends T {
    public final T head;
    public final T[] path;
    public Ref(T head, T[] path, Location loc) { super(loc); this.head = head; this.path = path; }
    @Override public String toString() {
      StringBuilder sb = new StringBuilder(head.toString());
      for (T t : path) sb.append('[').append(t).append(']');
      return sb.toString();
    }
  }

  public static final class Arr extends T {
    public final T[] items;
    public Arr(T[] items, Location loc) { super(loc); this.items = items; }
  }

  public static final class Obj extends T {
    public final T[] keys;
    public final T[] values;
    public Obj(T[] keys, T[] values, Location loc) { super(loc); this.keys = keys; this.values = values; }
  }

  public static final class SetT extends T {
    public final T[] items;
    public SetT(T[] items, Location loc) { super(loc); this.items = items; }
  }

  /** A call of a builtin or of a user function (a rule-tree node). */
  public static final class Call extends T {
    public final String name;
    public final BuiltinRegistry.Entry builtin; // null for user functions
    public final RuleNode function;             // null for builtins
    public final T[] args;
    public Call(String name, BuiltinRegistry.Entry builtin, RuleNode function, T[] args, Location loc) {
      super(loc);
      this.name = name;
      this.builtin = builtin;
      this.function = function;
      this.args = args;
    }
    @Override public String toString() { return name + "(...)"; }
  }

  public static final class ArrCompr extends T {
    public final T head;
    public final Body body;
    public ArrCompr(T head, Body body, Location loc) { super(loc); this.head = head; this.body = body; }
  }

  public static final class SetCompr extends T {
    public final T head;
    public final Body body;
    public SetCompr(T head, Body body, Location loc) { super(loc); this.head = head; this.body = body; }
  }

  public static final class ObjCompr extends T {
    public final T key;
    public final T value;
    public final Body body;
    public ObjCompr(T key, T value, Body body, Location loc) { super(loc); this.key = key; this.value = value; this.body = body; }
  }

  /** $"..." : parts are String or Expr (each expression's values are collected, like print). */
  public static final class Template extends T {
    public final Object[] parts;
    public Template(Object[] parts, Location loc) { super(loc); this.parts = parts; }
  }

  /** print(args...): each argument's values are collected; always true. */
  public static final class Print extends T {
    public final Body[] argBodies;
    public final T[] args;
    public Print(T[] args, Body[] argBodies, Location loc) { super(loc); this.args = args; this.argBodies = argBodies; }
  }

  // ------------------------------------------------------------------ expressions

  public enum Kind { TERM, UNIFY, NOT, NOT_BODY, SOME_IN, EVERY, AND, OR }

  /** A compiled body literal. */
  public static final class Expr {
    public final Kind kind;
    public final T a;       // TERM: term; UNIFY: lhs; SOME_IN/EVERY: key (nullable)
    public final T b;       // UNIFY: rhs; SOME_IN/EVERY: value
    public final T c;       // SOME_IN/EVERY: collection
    public final Expr inner; // NOT
    public final Body body;  // EVERY, NOT_BODY; AND/OR: left operand
    public final Body rhs;   // AND/OR: right operand
    public final With[] withs;
    public final Location loc;

    public Expr(Kind kind, T a, T b, T c, Expr inner, Body body, With[] withs, Location loc) {
      this(kind, a, b, c, inner, body, null, withs, loc);
    }

    public Expr(Kind kind, T a, T b, T c, Expr inner, Body body, Body rhs, With[] withs, Location loc) {
      this.kind = kind;
      this.a = a;
      this.b = b;
      this.c = c;
      this.inner = inner;
      this.body = body;
      this.rhs = rhs;
      this.withs = withs;
      this.loc = loc;
    }
  }

  public static final class Body {
    public final Expr[] exprs;
    public Body(Expr[] exprs) { this.exprs = exprs; }
    public static final Body EMPTY = new Body(new Expr[0]);
  }

  /** with target as value. */
  public static final class With {
    public enum Target { INPUT, DATA, BUILTIN, FUNCTION }
    public final Target target;
    public final Value[] path;      // INPUT/DATA path below the root
    public final String builtin;    // BUILTIN name
    public final RuleNode function; // FUNCTION node
    public final T value;
    public final Call valueFunction; // when the value is a function (builtin or user) rather than a value
    public final Location loc;

    public With(Target target, Value[] path, String builtin, RuleNode function, T value, Call valueFunction, Location loc) {
      this.target = target;
      this.path = path;
      this.builtin = builtin;
      this.function = function;
      this.value = value;
      this.valueFunction = valueFunction;
      this.loc = loc;
    }
  }

  // ------------------------------------------------------------------ rules

  public enum RuleKind { COMPLETE, PARTIAL_SET, PARTIAL_OBJECT, FUNCTION }

  /** A compiled rule definition (one head + body; else clauses chained). */
  public static final class Rule {
    public final RuleKind kind;
    public final T[] tail;      // PARTIAL_OBJECT/PARTIAL_SET: key terms below the node path
    public final T key;         // PARTIAL_SET element
    public final T value;       // COMPLETE/PARTIAL_OBJECT/FUNCTION value
    public final T[] params;    // FUNCTION parameters (patterns)
    public final Body body;
    public final int frameSize;
    public final Rule elseRule;
    public final boolean isDefault;
    public final dev.postee.rego.ast.Rule source;
    public final dev.postee.rego.ast.Module module;

    public Rule(RuleKind kind, T[] tail, T key, T value, T[] params, Body body, int frameSize, Rule elseRule,
        boolean isDefault, dev.postee.rego.ast.Rule source, dev.postee.rego.ast.Module module) {
      this.kind = kind;
      this.tail = tail;
      this.key = key;
      this.value = value;
      this.params = params;
      this.body = body;
      this.frameSize = frameSize;
      this.elseRule = elseRule;
      this.isDefault = isDefault;
      this.source = source;
      this.module = module;
    }

    public Location loc() { return source.loc(); }
  }
}
