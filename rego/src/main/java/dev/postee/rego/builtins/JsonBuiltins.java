package dev.postee.rego.builtins;

/** Builtins of this namespace: not implemented yet (see docs/rego.md). */
public final class JsonBuiltins implements BuiltinRegistrar {
  @Override
  public void register(BuiltinRegistry r) {}
}
