package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

class SetBuiltinsTest {

  private static Value call(String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), args);
  }

  private static BuiltinException error(String name, Value... args) {
    return catchThrowableOfType(BuiltinException.class, () -> call(name, args));
  }

  private static SetValue set(Object... elems) {
    SetValue.Builder b = SetValue.builder();
    for (Object e : elems) {
      b.add(e instanceof Value v ? v : e instanceof String s ? StringValue.of(s) : NumberValue.of((Integer) e));
    }
    return b.build();
  }

  @Test
  void binaryOperators() {
    assertThat(call("and", set(1, 2, 3), set(2, 3, 4))).isEqualTo(set(2, 3));
    assertThat(call("and", set(1), set(2))).isEqualTo(SetValue.EMPTY);
    assertThat(call("or", set(1, 2), set(2, 3))).isEqualTo(set(1, 2, 3));
    assertThat(call("set_diff", set(1, 2, 3), set(2))).isEqualTo(set(1, 3));
    assertThat(call("and", set(NumberValue.parse("1.0")), set(1))).isEqualTo(set(1)); // 1 == 1.0
  }

  @Test
  void binaryOperatorsNeedSets() {
    BuiltinException e = error("and", set(1), ArrayValue.EMPTY);
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 2 must be set but got array");
    assertThat(error("or", NumberValue.of(1), set(1)).getMessage()).isEqualTo("operand 1 must be set but got number");
    assertThat(error("set_diff", set(1), StringValue.of("a")).getMessage())
        .isEqualTo("operand 2 must be set but got string");
  }

  @Test
  void intersectionOfSets() {
    assertThat(call("intersection", SetValue.EMPTY)).isEqualTo(SetValue.EMPTY);
    assertThat(call("intersection", set(SetValue.EMPTY, set(1, 2)))).isEqualTo(SetValue.EMPTY);
    assertThat(call("intersection", set(set(1, 2, 3), set(2)))).isEqualTo(set(2));
    assertThat(call("intersection", set(set(1, 2, 3), set(2, 3, 4), set(4, 5, 6)))).isEqualTo(SetValue.EMPTY);
    assertThat(call("intersection", set(set("a", "b", "c", "d"), set("b", "c", "d"), set("c", "d"), set("d"))))
        .isEqualTo(set("d"));
  }

  @Test
  void unionOfSets() {
    assertThat(call("union", SetValue.EMPTY)).isEqualTo(SetValue.EMPTY);
    assertThat(call("union", set(SetValue.EMPTY, set(1, 2)))).isEqualTo(set(1, 2));
    assertThat(call("union", set(set(1, 2, 3), set(2)))).isEqualTo(set(1, 2, 3));
    assertThat(call("union", set(set(1, 2, 3), set(2, 3, 4), set(4, 5, 6)))).isEqualTo(set(1, 2, 3, 4, 5, 6));
    assertThat(call("union", set(set("a", "b", "c", "d"), set("b", "c", "d"), set("c", "d"), set("d"))))
        .isEqualTo(set("a", "b", "c", "d"));
  }

  @Test
  void membersMustBeSets() {
    BuiltinException e = error("union", set(set(1), 2));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 1 must be set but got number");
    assertThat(error("intersection", set(set(1), "x")).getMessage()).isEqualTo("operand 1 must be set but got string");
    assertThat(error("intersection", ArrayValue.EMPTY).getMessage()).isEqualTo("operand 1 must be set but got array");
  }
}
