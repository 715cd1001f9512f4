package dev.postee.bench;

import dev.postee.rego.builtins.BuiltinCatalogue;
import dev.postee.rego.builtins.BuiltinRegistry;
import dev.postee.rego.compile.Compiler;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.StringValue;

/**
 * Builtin registries for the benchmarks. The standard registry is used wherever it has what a
 * benchmark needs; the stand-ins below only cover builtins whose namespace has not been merged
 * yet, and disappear by themselves once it is.
 */
final class Builtins {
  private Builtins() {}

  /** The standard builtins, with OPA's strings.Contains standing in for contains until it is merged. */
  static BuiltinRegistry forFilters() {
    BuiltinRegistry std = BuiltinRegistry.standard();
    if (std.isImplemented("contains")) return std;
    return std.withCustom(BuiltinCatalogue.get("contains"),
        (ctx, a) -> BooleanValue.of(((StringValue) a[0]).value().contains(((StringValue) a[1]).value())));
  }

  /**
   * Every catalogued builtin is declared, so modules that call not-yet-merged builtins compile with
   * the same name resolution and arity checks; the missing ones fail if they are ever called.
   */
  static BuiltinRegistry declaringAll() {
    BuiltinRegistry r = BuiltinRegistry.standard();
    for (BuiltinCatalogue.Decl d : BuiltinCatalogue.all()) {
      if (r.isImplemented(d.name()) || Compiler.INTRINSICS.contains(d.name())) continue;
      r = r.withCustom(d, (ctx, a) -> {
        throw new IllegalStateException(d.name() + " is declared for the compile benchmark only");
      });
    }
    return r;
  }
}
