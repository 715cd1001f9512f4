package dev.postee.rego.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.rego.PreparedPolicy;
import dev.postee.rego.Rego;
import dev.postee.rego.eval.EvalLimitException;
import dev.postee.rego.eval.EvalOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Runaway evaluations end with a clear error instead of hanging or exhausting the heap. */
class LimitsTest {

  private static final String QUADRATIC = """
      package p
      xs := [x | some x in numbers.range(1, 3000)]
      pairs := count([1 | some a in xs; some b in xs; a != b])
      """;

  @Test
  void stepBudgetStopsALongEvaluation() {
    PreparedPolicy policy = Rego.builder().module("p.rego", QUADRATIC).compile();
    EvalOptions opts = EvalOptions.DEFAULT.withMaxSteps(100_000).withTimeout(null);
    assertThatThrownBy(() -> policy.prepare("data.p.pairs").eval(null, null, opts))
        .isInstanceOf(EvalLimitException.class)
        .hasMessageContaining("eval_cancel_error")
        .hasMessageContaining("step budget of 100000");
  }

  @Test
  void timeLimitStopsALongEvaluation() {
    PreparedPolicy policy = Rego.builder().module("p.rego", QUADRATIC).compile();
    EvalOptions opts = EvalOptions.DEFAULT.withMaxSteps(0).withTimeout(Duration.ofMillis(50));
    long start = System.nanoTime();
    assertThatThrownBy(() -> policy.prepare("data.p.pairs").eval(null, null, opts))
        .isInstanceOf(EvalLimitException.class)
        .hasMessageContaining("time limit of 50 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void collectionSizeLimitStopsAHugeComprehension() {
    PreparedPolicy policy = Rego.builder().module("p.rego",
        "package p\nbig := [x | some x in numbers.range(1, 2000000)]\nn := count(big)\n").compile();
    EvalOptions opts = EvalOptions.DEFAULT.withMaxCollectionSize(10_000);
    assertThatThrownBy(() -> policy.prepare("data.p.n").eval(null, null, opts))
        .isInstanceOf(EvalLimitException.class)
        .hasMessageContaining("exceeds the limit of 10000 elements");
  }

  @Test
  void withinLimitsTheSamePolicyEvaluates() {
    PreparedPolicy policy = Rego.builder().module("p.rego",
        "package p\nxs := [x | some x in numbers.range(1, 100)]\nn := count(xs)\n").compile();
    assertThat(policy.prepare("data.p.n").evalValue(null).toRego()).isEqualTo("100");
  }

  @Test
  void interruptedThreadCancelsTheEvaluation() {
    PreparedPolicy policy = Rego.builder().module("p.rego", QUADRATIC).compile();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> policy.prepare("data.p.pairs").eval(null, null, EvalOptions.DEFAULT.withMaxSteps(0)))
          .isInstanceOf(EvalLimitException.class)
          .hasMessageContaining("cancelled");
    } finally {
      Thread.interrupted();
    }
  }
}
