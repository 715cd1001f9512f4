package dev.postee.rego.compile;

import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of the rule tree: the data path where rules produce (part of) a virtual document.
 * Children are keyed by path element values.
 */
public final class RuleNode {
  public final Value[] path;
  public final Map<Value, RuleNode> children = new LinkedHashMap<>();
  public final List<IR.Rule> rules = new ArrayList<>();
  public final List<IR.Rule> defaults = new ArrayList<>();
  /** Dense id for caches. */
  public int id;
  /** Whether any rule at or below this node (virtual documents live here). */
  public boolean hasRulesBelow;
  /** Set while building the tree, before bodies are compiled: function rules live here. */
  boolean declaredFunction;
  int declaredArity = -1;
  /** A module's package path ends here: the document exists (possibly empty) even without rules. */
  boolean isPackage;

  RuleNode(Value[] path) { this.path = path; }

  public boolean hasRules() { return !rules.isEmpty() || !defaults.isEmpty(); }

  public boolean isFunction() { return declaredFunction; }

  public RuleNode child(Value key) { return children.get(key); }

  /** data.a.b["c d"] */
  public String pathString() {
    StringBuilder sb = new StringBuilder("data");
    for (Value v : path) {
      if (v instanceof StringValue s && s.value().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        sb.append('.').append(s.value());
      } else {
        sb.append('[').append(v.toRego()).append(']');
      }
    }
    return sb.toString();
  }

  @Override public String toString() { return pathString(); }
}
