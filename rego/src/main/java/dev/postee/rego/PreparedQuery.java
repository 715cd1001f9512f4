package dev.postee.rego;

import dev.postee.rego.compile.CompiledQuery;
import dev.postee.rego.compile.Policy;
import dev.postee.rego.eval.EvalOptions;
import dev.postee.rego.eval.Evaluator;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A compiled query, evaluated many times (concurrently) with different inputs. */
public final class PreparedQuery {
  static final String EXPR_PREFIX = "__expr";

  /**
   * One solution: the value of each query expression (true for tests and unifications) and the
   * bindings of the query's variables.
   */
  public record Result(List<Value> expressions, Map<String, Value> bindings) {}

  private final Policy policy;
  private final CompiledQuery query;
  private final String text;
  private final int expressionCount;

  PreparedQuery(Policy policy, CompiledQuery query, String text, int expressionCount) {
    this.policy = policy;
    this.query = query;
    this.text = text;
    this.expressionCount = expressionCount;
  }

  public String text() { return text; }

  /** Every solution; empty when the query is undefined. */
  public List<Result> eval(Value input, Value data, EvalOptions options) {
    List<Map<String, Value>> rows = new Evaluator(policy, input, data, options).query(query);
    List<Result> out = new ArrayList<>(rows.size());
    for (Map<String, Value> row : rows) {
      Map<String, Value> bindings = new LinkedHashMap<>();
      Value[] exprs = new Value[expressionCount];
      for (Map.Entry<String, Value> e : row.entrySet()) {
        String k = e.getKey();
        if (k.startsWith(EXPR_PREFIX) && k.endsWith("__")) {
          int i = Integer.parseInt(k.substring(EXPR_PREFIX.length(), k.length() - 2));
          exprs[i] = e.getValue();
        } else {
          bindings.put(k, e.getValue());
        }
      }
      List<Value> values = new ArrayList<>(expressionCount);
      for (int i = 0; i < expressionCount; i++) values.add(exprs[i] != null ? exprs[i] : BooleanValue.TRUE);
      out.add(new Result(values, bindings));
    }
    return out;
  }

  public List<Result> eval(Value input) {
    return eval(input, null, EvalOptions.DEFAULT);
  }

  /** The value of a single-expression query, or null when undefined. */
  public Value evalValue(Value input) {
    List<Result> r = eval(input);
    return r.isEmpty() ? null : r.get(0).expressions().get(0);
  }
}
