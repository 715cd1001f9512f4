package dev.postee.rego.builtins;

import dev.postee.rego.value.Json;
import dev.postee.rego.value.StringValue;

/** The product's own builtins (SPEC §6). */
public final class PosteeBuiltins implements BuiltinRegistrar {
  @Override
  public void register(BuiltinRegistry r) {
    // Postee's raw-json output: Go's json.MarshalIndent(x, "", " ") with HTML escaping.
    r.function("jsonformat", (ctx, a) -> StringValue.of(Json.writeIndented(a[0], "", " ", true)));
  }
}
