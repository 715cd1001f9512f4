package dev.postee.rego.builtins;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A builtin argument or result type, written in a compact notation:
 * {@code any}, {@code null}, {@code boolean}, {@code number}, {@code string},
 * {@code array[T]} (dynamic), {@code array<T1,T2>} (static, optionally followed by {@code [T]}),
 * {@code set[T]}, {@code object[K:V]} (dynamic), {@code object{k:T,...}} (static, optionally
 * followed by {@code [K:V]}), and unions {@code (A|B)}.
 */
public sealed interface Type {
  /** The top-level kind names this type admits (for "must be one of {...}" messages). */
  TreeSet<String> kinds();

  /** Whether the value's top-level kind is admitted (element types are not checked). */
  boolean admitsKind(Value v);

  record Any() implements Type {
    public TreeSet<String> kinds() { return new TreeSet<>(List.of("any")); }
    public boolean admitsKind(Value v) { return true; }
    @Override public String toString() { return "any"; }
  }

  record Scalar(String name) implements Type {
    public TreeSet<String> kinds() { return new TreeSet<>(List.of(name)); }
    public boolean admitsKind(Value v) {
      return switch (name) {
        case "null" -> v instanceof NullValue;
        case "boolean" -> v instanceof BooleanValue;
        case "number" -> v instanceof NumberValue;
        case "string" -> v instanceof StringValue;
        default -> false;
      };
    }
    @Override public String toString() { return name; }
  }

  record Array(List<Type> fixed, Type dynamic) implements Type {
    public TreeSet<String> kinds() { return new TreeSet<>(List.of("array")); }
    public boolean admitsKind(Value v) { return v instanceof ArrayValue; }
    @Override public String toString() {
      StringBuilder sb = new StringBuilder("array");
      if (fixed != null) sb.append('<').append(String.join(",", fixed.stream().map(Type::toString).toList())).append('>');
      if (dynamic != null) sb.append('[').append(dynamic).append(']');
      return sb.toString();
    }
  }

  record Set(Type elem) implements Type {
    public TreeSet<String> kinds() { return new TreeSet<>(List.of("set")); }
    public boolean admitsKind(Value v) { return v instanceof SetValue; }
    @Override public String toString() { return "set[" + elem + "]"; }
  }

  record Obj(Map<String, Type> fixed, Type key, Type value) implements Type {
    public TreeSet<String> kinds() { return new TreeSet<>(List.of("object")); }
    public boolean admitsKind(Value v) { return v instanceof ObjectValue; }
    @Override public String toString() { return "object"; }
  }

  record Union(List<Type> options) implements Type {
    public TreeSet<String> kinds() {
      TreeSet<String> s = new TreeSet<>();
      for (Type t : options) s.addAll(t.kinds());
      return s;
    }
    public boolean admitsKind(Value v) {
      for (Type t : options) {
        if (t.admitsKind(v)) return true;
      }
      return false;
    }
    @Override public String toString() {
      return "(" + String.join("|", options.stream().map(Type::toString).toList()) + ")";
    }
  }

  /** How OPA names the expected type in an operand error. */
  static String describe(Type t) {
    TreeSet<String> k = t.kinds();
    if (k.size() == 1) return k.first();
    return "one of {" + String.join(", ", k) + "}";
  }

  static Type parse(String text) {
    Parser p = new Parser(text.replace(" ", ""));
    Type t = p.type();
    if (p.pos != p.s.length()) throw new IllegalArgumentException("trailing text in type: " + text);
    return t;
  }

  /** Recursive-descent reader of the notation above. */
  final class Parser {
    final String s;
    int pos;

    Parser(String s) { this.s = s; }

    Type type() {
      if (peek('(')) {
        pos++;
        List<Type> opts = new ArrayList<>();
        opts.add(type());
        while (peek('|')) {
          pos++;
          opts.add(type());
        }
        expect(')');
        return opts.size() == 1 ? opts.get(0) : new Union(opts);
      }
      String word = word();
      switch (word) {
        case "any": return new Any();
        case "null": case "boolean": case "number": case "string": return new Scalar(word);
        case "set": {
          expect('[');
          Type e = type();
          expect(']');
          return new Set(e);
        }
        case "array": {
          List<Type> fixed = null;
          Type dyn = null;
          if (peek('<')) {
            pos++;
            fixed = new ArrayList<>();
            if (!peek('>')) {
              fixed.add(type());
              while (peek(',')) {
                pos++;
                fixed.add(type());
              }
            }
            expect('>');
          }
          if (peek('[')) {
            pos++;
            dyn = type();
            expect(']');
          }
          return new Array(fixed, dyn);
        }
        case "object": {
          Map<String, Type> fixed = null;
          Type k = null;
          Type v = null;
          if (peek('{')) {
            pos++;
            fixed = new java.util.LinkedHashMap<>();
            while (!peek('}')) {
              String key = word();
              expect(':');
              fixed.put(key, type());
              if (peek(',')) pos++;
            }
            expect('}');
          }
          if (peek('[')) {
            pos++;
            k = type();
            expect(':');
            v = type();
            expect(']');
          }
          return new Obj(fixed, k, v);
        }
        default: throw new IllegalArgumentException("unknown type '" + word + "' in " + s);
      }
    }

    private String word() {
      int start = pos;
      while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_' || s.charAt(pos) == '.' || s.charAt(pos) == '-')) pos++;
      if (start == pos) throw new IllegalArgumentException("expected a type name at " + pos + " in " + s);
      return s.substring(start, pos);
    }

    private boolean peek(char c) { return pos < s.length() && s.charAt(pos) == c; }

    private void expect(char c) {
      if (!peek(c)) throw new IllegalArgumentException("expected '" + c + "' at " + pos + " in " + s);
      pos++;
    }
  }
}
