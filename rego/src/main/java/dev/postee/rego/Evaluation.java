package dev.postee.rego;

import dev.postee.rego.compile.Policy;
import dev.postee.rego.eval.EvalOptions;
import dev.postee.rego.eval.Evaluator;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.List;

/**
 * One evaluation context over a policy and an input: several documents read through it share rule
 * results (a template's title, result and url are computed with one cache). Not thread-safe; create
 * one per event.
 */
public final class Evaluation {
  private final Evaluator evaluator;

  Evaluation(Policy policy, Value input, EvalOptions options) {
    this.evaluator = new Evaluator(policy, input, null, options);
  }

  /** The document at data.path..., or null when undefined. */
  public Value valueAt(List<String> path) {
    Value[] p = new Value[path.size()];
    for (int i = 0; i < p.length; i++) p[i] = StringValue.of(path.get(i));
    return evaluator.valueAt(p);
  }
}
