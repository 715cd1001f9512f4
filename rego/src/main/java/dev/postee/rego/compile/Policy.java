package dev.postee.rego.compile;

import dev.postee.rego.ast.Body;
import dev.postee.rego.ast.Module;
import dev.postee.rego.builtins.BuiltinRegistry;
import java.util.List;

/** Compiled modules: the rule tree, immutable after compilation and shared by all threads. */
public final class Policy {
  private final RuleNode root;
  private final List<Module> modules;
  private final BuiltinRegistry builtins;
  private final Compiler compiler;
  private final int nodeCount;

  Policy(RuleNode root, List<Module> modules, BuiltinRegistry builtins, Compiler compiler) {
    this.root = root;
    this.modules = modules;
    this.builtins = builtins;
    this.compiler = compiler;
    this.nodeCount = compiler.nodeCount();
  }

  public RuleNode root() { return root; }

  public List<Module> modules() { return modules; }

  public BuiltinRegistry builtins() { return builtins; }

  public int nodeCount() { return nodeCount; }

  Compiler compiler() { return compiler; }

  /** Compiles a query (e.g. {@code data.postee.allow = x}) against this policy. */
  public CompiledQuery compileQuery(Body body) {
    return Compiler.compileQuery(this, body);
  }
}
