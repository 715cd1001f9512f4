package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandBuiltinsTest {

  private static Value intn(BuiltinContext ctx, String key, String n) {
    return BuiltinRegistry.standard().lookup("rand.intn").function()
        .call(ctx, new Value[] {StringValue.of(key), NumberValue.parse(n)});
  }

  @Test
  void sameArgumentsGiveTheSameNumberWithinOneEvaluation() {
    BuiltinContext ctx = new DefaultBuiltinContext();
    Value first = intn(ctx, "key", "100");
    for (int i = 0; i < 100; i++) assertThat(intn(ctx, "key", "100")).isEqualTo(first);
    assertThat(intn(ctx, "key", "-100")).isEqualTo(first); // the bound's sign is dropped first
  }

  @Test
  void resultsStayInRangeAndVary() {
    Set<Value> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      Value v = intn(new DefaultBuiltinContext(), "k", "10");
      long n = ((NumberValue) v).longValue();
      assertThat(n).isBetween(0L, 9L);
      seen.add(v);
    }
    assertThat(seen.size()).isGreaterThan(1);
  }

  @Test
  void zeroBoundGivesZero() {
    assertThat(intn(new DefaultBuiltinContext(), "k", "0")).isEqualTo(NumberValue.ZERO);
  }

  @Test
  void boundMustBeAnIntegerLiteral() {
    BuiltinException e = catchThrowableOfType(BuiltinException.class, () -> intn(new DefaultBuiltinContext(), "k", "1.5"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 2 must be integer number but got floating-point number");
  }
}
