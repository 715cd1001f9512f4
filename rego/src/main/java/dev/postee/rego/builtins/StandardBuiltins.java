package dev.postee.rego.builtins;

import java.util.List;

/** The namespaces that make up the standard builtin set, one class per namespace. */
final class StandardBuiltins {
  private StandardBuiltins() {}

  static List<BuiltinRegistrar> namespaces() {
    return List.of(
        new AggregateBuiltins(),
        new ArithmeticBuiltins(),
        new BitsBuiltins(),
        new ArrayBuiltins(),
        new SetBuiltins(),
        new ObjectBuiltins(),
        new TypeBuiltins(),
        new ComparisonBuiltins(),
        new GraphBuiltins(),
        new UnitsBuiltins(),
        new RandBuiltins(),
        new UuidBuiltins(),
        new SemverBuiltins(),
        new StringBuiltins(),
        new RegexBuiltins(),
        new GlobBuiltins(),
        new EncodingBuiltins(),
        new JsonBuiltins(),
        new YamlBuiltins(),
        new UriBuiltins(),
        new NetBuiltins(),
        new TimeBuiltins(),
        new CryptoBuiltins(),
        new JwtBuiltins(),
        new HttpBuiltins(),
        new ProvidersBuiltins(),
        new GraphQlBuiltins(),
        new RegoBuiltins(),
        new PosteeBuiltins());
  }
}
