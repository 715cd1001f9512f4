package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

class ArrayBuiltinsTest {

  private static Value call(String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), args);
  }

  private static BuiltinException error(String name, Value... args) {
    return catchThrowableOfType(BuiltinException.class, () -> call(name, args));
  }

  private static Value json(String text) { return Json.parse(text); }

  private static NumberValue num(String text) { return NumberValue.parse(text); }

  @Test
  void concat() {
    assertThat(call("array.concat", json("[1, 2]"), json("[3, 4]"))).isEqualTo(json("[1, 2, 3, 4]"));
    assertThat(call("array.concat", ArrayValue.EMPTY, json("[3]"))).isEqualTo(json("[3]"));
    assertThat(call("array.concat", json("[1]"), ArrayValue.EMPTY)).isEqualTo(json("[1]"));
    BuiltinException e = error("array.concat", json("{\"v1\": \"hello\"}"), json("[3, 4]"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 1 must be array but got object");
    assertThat(error("array.concat", json("[1, 2]"), json("{}")).getMessage())
        .isEqualTo("operand 2 must be array but got object");
  }

  @Test
  void sliceClampsIndexes() {
    Value five = json("[1, 2, 3, 4, 5]");
    assertThat(call("array.slice", five, num("1"), num("3"))).isEqualTo(json("[2, 3]"));
    assertThat(call("array.slice", json("[1, 2, 3]"), num("0"), num("0"))).isEqualTo(ArrayValue.EMPTY);
    assertThat(call("array.slice", five, num("-4"), num("-1"))).isEqualTo(ArrayValue.EMPTY);
    assertThat(call("array.slice", five, num("4"), num("1"))).isEqualTo(ArrayValue.EMPTY);
    assertThat(call("array.slice", five, num("-1"), num("2"))).isEqualTo(json("[1, 2]"));
    assertThat(call("array.slice", five, num("3"), num("6"))).isEqualTo(json("[4, 5]"));
    assertThat(call("array.slice", ArrayValue.EMPTY, num("1000"), num("2000"))).isEqualTo(ArrayValue.EMPTY);
    assertThat(call("array.slice", json("[1, 2, 3]"), num("1000"), num("2000"))).isEqualTo(ArrayValue.EMPTY);
    assertThat(call("array.slice", five, num("0"), num("99999999999"))).isEqualTo(five);
  }

  @Test
  void sliceIndexesMustBeIntegerLiterals() {
    BuiltinException e = error("array.slice", json("[1, 2]"), num("1.5"), num("2"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 2 must be integer number but got floating-point number");
    assertThat(error("array.slice", json("[1, 2]"), num("0"), num("1.0")).getMessage())
        .isEqualTo("operand 3 must be integer number but got floating-point number");
    assertThat(error("array.slice", json("[1, 2]"), StringValue.of("0"), num("1")).getMessage())
        .isEqualTo("operand 2 must be number but got string");
  }

  @Test
  void reverse() {
    assertThat(call("array.reverse", json("[1, 2, 3]"))).isEqualTo(json("[3, 2, 1]"));
    assertThat(call("array.reverse", ArrayValue.EMPTY)).isEqualTo(ArrayValue.EMPTY);
    assertThat(error("array.reverse", json("{\"bar\": \"baz\"}")).getMessage())
        .isEqualTo("operand 1 must be array but got object");
  }

  @Test
  void flattenOneLevel() {
    assertThat(call("array.flatten", ArrayValue.EMPTY)).isEqualTo(ArrayValue.EMPTY);
    assertThat(call("array.flatten", json("[[1, 2], [3, 4], [5]]"))).isEqualTo(json("[1, 2, 3, 4, 5]"));
    assertThat(call("array.flatten", json("[1, 2, [3]]"))).isEqualTo(json("[1, 2, 3]"));
    assertThat(call("array.flatten", json("[[[1], [2, 3, []]], [[4, 5]]]"))).isEqualTo(json("[[1], [2, 3, []], [4, 5]]"));
    assertThat(call("array.flatten", json("[[1, 2], \"string\", [3, {\"a\": \"b\"}], 4.5, [6, [7, 8]]]")))
        .isEqualTo(json("[1, 2, \"string\", 3, {\"a\": \"b\"}, 4.5, 6, [7, 8]]"));
    BuiltinException e = error("array.flatten", num("42"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 1 must be array but got number");
  }
}
