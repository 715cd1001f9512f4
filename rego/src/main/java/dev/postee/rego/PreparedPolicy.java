package dev.postee.rego;

import dev.postee.rego.ast.Body;
import dev.postee.rego.ast.ParseException;
import dev.postee.rego.ast.Parser;
import dev.postee.rego.compile.CompileError;
import dev.postee.rego.compile.CompileException;
import dev.postee.rego.compile.CompiledQuery;
import dev.postee.rego.compile.Policy;
import dev.postee.rego.eval.EvalOptions;
import dev.postee.rego.eval.Evaluator;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import dev.postee.rego.ast.Expr;
import dev.postee.rego.ast.Term;
import java.util.ArrayList;
import java.util.List;

/** Compiled modules. Immutable and safe to share between threads. */
public final class PreparedPolicy {
  private final Policy policy;

  PreparedPolicy(Policy policy) { this.policy = policy; }

  public Policy policy() { return policy; }

  /**
   * Compiles a query once. A bare reference such as {@code data.postee.allow} is evaluated as
   * {@code x = data.postee.allow} and its value is reported under the variable "x" (as OPA's
   * {@code opa eval} reports the expression value).
   */
  public PreparedQuery prepare(String query) {
    Body body;
    try {
      body = Parser.parseQuery(query);
    } catch (ParseException e) {
      throw new CompileException(List.of(new CompileError(CompileError.PARSE, e.location(), e.detail())));
    }
    // As OPA does for queries, a plain term expression reports its value (even false) instead of
    // being tested for truth: rewrite it to __exprN__ = term.
    List<Expr> exprs = new ArrayList<>();
    for (Expr e : body.exprs()) {
      if (e instanceof Expr.TermExpr te && !(te.term() instanceof Term.Call)) {
        Term.Var v = new Term.Var(PreparedQuery.EXPR_PREFIX + exprs.size() + "__", te.loc());
        exprs.add(new Expr.Unify(v, te.term(), false, te.withs(), te.loc()));
      } else {
        exprs.add(e);
      }
    }
    CompiledQuery q = policy.compileQuery(new Body(List.copyOf(exprs), body.loc()));
    return new PreparedQuery(policy, q, query, exprs.size());
  }

  /**
   * Evaluates the document at a data path (e.g. "postee.vuls.html" or ["postee","allow"]) for one
   * input; null when undefined. The fastest way to read a rule's value.
   */
  public Value valueAt(List<String> path, Value input, EvalOptions options) {
    Value[] p = new Value[path.size()];
    for (int i = 0; i < p.length; i++) p[i] = StringValue.of(path.get(i));
    return new Evaluator(policy, input, null, options).valueAt(p);
  }

  /** Starts an evaluation over one input in which several documents can be read with a shared cache. */
  public Evaluation evaluation(Value input, EvalOptions options) {
    return new Evaluation(policy, input, options);
  }

  public Value valueAt(List<String> path, Value input) {
    return valueAt(path, input, EvalOptions.DEFAULT);
  }
}
