package dev.postee.rego.ast;

import java.util.List;

/**
 * A parsed module.
 *
 * @param packagePath package path without the leading "data" (e.g. [postee, vuls, html])
 * @param imports imports in order
 * @param rules rules in order
 * @param v1 whether the module was read with Rego v1 syntax
 * @param annotations METADATA blocks in the module (for rego.metadata builtins)
 */
public record Module(
    String file,
    List<String> packagePath,
    List<Import> imports,
    List<Rule> rules,
    boolean v1,
    List<Annotation> annotations,
    Location loc) {

  /** import path [as alias]; path starts at data/input/future/rego. */
  public record Import(Term.Ref path, String alias, Location loc) {
    /** The name the import binds in the module (alias, or the last path element). */
    public String boundName() {
      if (alias != null) return alias;
      if (path.path().isEmpty()) return ((Term.Var) path.head()).name();
      Term last = path.path().get(path.path().size() - 1);
      return ((dev.postee.rego.value.StringValue) ((Term.Scalar) last).value()).value();
    }
  }

  /** A METADATA comment block: raw YAML text, where it starts, and the line of the next statement. */
  public record Annotation(String yaml, Location loc, int appliesToLine) {}

  public String packageName() { return String.join(".", packagePath); }
}
