package dev.postee.rego.ast;

import java.util.List;

/**
 * A parsed module.
 *
 * @param packagePath package path without the leading "data" (e.g. [postee, vuls, html])
 * @param imports imports in order
 * @param rules rules in order
 * @param v1 whether the module was read with Rego v1 syntax
 * @param annotations METADATA blocks in the module, in source order (for rego.metadata builtins)
 * @param comments every comment, in source order (rego.parse_module reports them)
 */
public record Module(
    String file,
    List<String> packagePath,
    List<Import> imports,
    List<Rule> rules,
    boolean v1,
    List<Annotation> annotations,
    List<Lexer.Comment> comments,
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

  /**
   * A METADATA comment block as written: its YAML text (the comment lines after {@code # METADATA}),
   * where the block starts, and the statement it precedes (OPA attaches a block to the first
   * statement below it).
   *
   * @param ruleIndex index into {@link #rules()} when the target is a rule, else -1
   */
  public record Annotation(String yaml, Location loc, Target target, int ruleIndex) {}

  /** What kind of statement a METADATA block precedes. */
  public enum Target { PACKAGE, IMPORT, RULE, NONE }

  public String packageName() { return String.join(".", packagePath); }
}
