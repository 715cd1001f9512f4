package dev.postee.rego.builtins;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Name → implementation for builtins. {@link #standard()} holds every namespace of the engine;
 * {@link #withCustom} lets an embedding application add its own declared builtins.
 */
public final class BuiltinRegistry {

  /** A declared builtin with its implementation (exactly one of function/relation is set). */
  public record Entry(BuiltinCatalogue.Decl decl, BuiltinFunction function, BuiltinRelation relation, boolean checksOwnOperands) {
    public Entry(BuiltinCatalogue.Decl decl, BuiltinFunction function, BuiltinRelation relation) {
      this(decl, function, relation, false);
    }
  }

  private final Map<String, Entry> entries;
  private boolean frozen;

  private BuiltinRegistry(Map<String, Entry> entries) { this.entries = entries; }

  private static final BuiltinRegistry STANDARD = build();

  private static BuiltinRegistry build() {
    BuiltinRegistry r = new BuiltinRegistry(new HashMap<>());
    for (BuiltinRegistrar ns : StandardBuiltins.namespaces()) ns.register(r);
    r.frozen = true;
    return r;
  }

  /** The engine's builtins. Immutable and shared. */
  public static BuiltinRegistry standard() { return STANDARD; }

  /** A copy of this registry with one more builtin, declared by the caller. */
  public BuiltinRegistry withCustom(BuiltinCatalogue.Decl decl, BuiltinFunction fn) {
    BuiltinRegistry r = new BuiltinRegistry(new HashMap<>(entries));
    r.entries.put(decl.name(), new Entry(decl, fn, null));
    r.frozen = true;
    return r;
  }

  /** Registers the implementation of a catalogued builtin function. */
  public void function(String name, BuiltinFunction fn) {
    put(name, new Entry(declared(name), fn, null));
  }

  /**
   * Registers a builtin that accepts operands outside its declared types (OPA checks declared
   * types only at compile time; e.g. regex.is_valid(1) is false, not an error).
   */
  public void functionCheckingOwnOperands(String name, BuiltinFunction fn) {
    put(name, new Entry(declared(name), fn, null, true));
  }

  /** Registers the implementation of a catalogued builtin relation. */
  public void relation(String name, BuiltinRelation rel) {
    put(name, new Entry(declared(name), null, rel));
  }

  private BuiltinCatalogue.Decl declared(String name) {
    BuiltinCatalogue.Decl d = BuiltinCatalogue.get(name);
    if (d == null) throw new IllegalArgumentException("builtin " + name + " is not in the catalogue");
    return d;
  }

  private void put(String name, Entry e) {
    if (frozen) throw new IllegalStateException("registry is frozen");
    if (entries.putIfAbsent(name, e) != null) {
      throw new IllegalStateException("builtin " + name + " registered twice");
    }
  }

  /** The entry for a name, or null when the builtin is unknown or not implemented. */
  public Entry lookup(String name) { return entries.get(name); }

  public boolean isImplemented(String name) { return entries.containsKey(name); }

  public Map<String, Entry> entries() { return Collections.unmodifiableMap(entries); }
}
