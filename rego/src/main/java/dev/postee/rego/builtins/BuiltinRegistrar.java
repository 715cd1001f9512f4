package dev.postee.rego.builtins;

/** A namespace of builtins (one class per namespace) that registers its implementations. */
public interface BuiltinRegistrar {
  void register(BuiltinRegistry registry);
}
