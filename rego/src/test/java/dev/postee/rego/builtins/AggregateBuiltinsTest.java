package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

class AggregateBuiltinsTest {

  private static Value call(String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), args);
  }

  private static BuiltinException error(String name, Value... args) {
    return catchThrowableOfType(BuiltinException.class, () -> call(name, args));
  }

  private static Value json(String text) { return Json.parse(text); }

  private static NumberValue num(String text) { return NumberValue.parse(text); }

  private static SetValue set(Value... elems) { return SetValue.of(elems); }

  @Test
  void countsArraysObjectsSetsAndStringCodePoints() {
    assertThat(call("count", json("[1, 2, 3, 4]"))).isEqualTo(num("4"));
    assertThat(call("count", json("{\"v1\": \"hello\", \"v2\": \"goodbye\"}"))).isEqualTo(num("2"));
    assertThat(call("count", set(num("1"), num("2"), num("3")))).isEqualTo(num("3"));
    assertThat(call("count", StringValue.of("abcde"))).isEqualTo(num("5"));
    assertThat(call("count", StringValue.of("åäö"))).isEqualTo(num("3"));
    assertThat(call("count", StringValue.of("😀a"))).isEqualTo(num("2"));
    assertThat(call("count", StringValue.EMPTY)).isEqualTo(num("0"));
    assertThat(call("count", SetValue.EMPTY)).isEqualTo(num("0"));
  }

  @Test
  void countRejectsScalarsWithOpaMessage() {
    BuiltinException e = error("count", NullValue.INSTANCE);
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 1 must be one of {array, object, set, string} but got null");
    assertThat(error("count", num("5")).getMessage())
        .isEqualTo("operand 1 must be one of {array, object, set, string} but got number");
  }

  @Test
  void sumAndProductOfIntegersAreExact() {
    assertThat(call("sum", json("[1, 2, 3, 4]"))).isEqualTo(num("10"));
    assertThat(call("sum", set(num("1"), num("2"), num("3"), num("4")))).isEqualTo(num("10"));
    assertThat(call("sum", json("[49649733057, 1]"))).isEqualTo(num("49649733058"));
    assertThat(call("sum", json("[18446744073709551617, 1]")).toString()).isEqualTo("18446744073709551618");
    assertThat(call("sum", set(num("18446744073709551617"), num("1"))).toString()).isEqualTo("18446744073709551618");
    assertThat(call("product", json("[18446744073709551617, 2]")).toString()).isEqualTo("36893488147419103234");
    assertThat(call("product", json("[1, 2, 3, 4]"))).isEqualTo(num("24"));
    assertThat(call("product", set(num("2"), num("3"), num("4")))).isEqualTo(num("24"));
  }

  @Test
  void sumOverflowingLongFallsBackToBigIntegers() {
    assertThat(call("sum", json("[9223372036854775807, 1]")).toString()).isEqualTo("9223372036854775808");
    assertThat(call("sum", set(num("9223372036854775807"), num("1"), num("2"))).toString())
        .isEqualTo("9223372036854775810");
    assertThat(call("sum", json("[-9223372036854775808, -1]")).toString()).isEqualTo("-9223372036854775809");
    assertThat(call("sum", json("[9223372036854775806, 1]")).toString()).isEqualTo("9223372036854775807");
    assertThat(call("product", json("[9223372036854775807, 9223372036854775807]")).toString())
        .isEqualTo("85070591730234615847396907784232501249");
  }

  @Test
  void emptyAggregates() {
    assertThat(call("sum", ArrayValue.EMPTY)).isEqualTo(num("0"));
    assertThat(call("product", SetValue.EMPTY)).isEqualTo(num("1"));
    assertThat(call("max", ArrayValue.EMPTY)).isNull();
    assertThat(call("min", SetValue.EMPTY)).isNull();
    assertThat(call("sort", SetValue.EMPTY)).isEqualTo(ArrayValue.EMPTY);
  }

  @Test
  void nonIntegerSumsAndProductsFollowGoBigFloat() {
    assertThat(call("sum", json("[1.5, 2.5]")).toString()).isEqualTo("4");
    assertThat(call("sum", json("[1, 2.5]")).toString()).isEqualTo("3.5");
    assertThat(call("product", json("[1.5, 2]")).toString()).isEqualTo("3");
    // 64-bit mantissa accumulation: 0.1 + 0.2 reads back as 0.3 (not float64's 0.30000000000000004)
    assertThat(call("sum", json("[0.1, 0.2]")).toString()).isEqualTo("0.3");
    assertThat(call("sum", json("[1.1, 2.2, 3.3]")).toString()).isEqualTo("6.6000000000000000003");
    // product's accumulator is big.NewFloat(1): float64 precision, as Go gives it
    assertThat(call("product", json("[0.1, 3]")).toString()).isEqualTo("0.30000000000000004");
    assertThat(call("product", json("[1.1, 1.1]")).toString()).isEqualTo("1.2100000000000002");
    // integer-valued decimals stay on the exact path
    assertThat(call("sum", json("[1.0, 2]")).toString()).isEqualTo("3");
  }

  @Test
  void sumAndProductRejectNonNumbers() {
    BuiltinException e = error("sum", json("[1, \"a\"]"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 1 must be array of numbers but got array containing string");
    assertThat(error("product", set(num("1"), BooleanValue.TRUE)).getMessage())
        .isEqualTo("operand 1 must be set of numbers but got set containing boolean");
    assertThat(error("sum", num("1")).getMessage()).isEqualTo("operand 1 must be one of {set, array} but got number");
    assertThat(error("product", StringValue.of("x")).getMessage())
        .isEqualTo("operand 1 must be one of {set, array} but got string");
  }

  @Test
  void maxAndMinUseOpaOrder() {
    assertThat(call("max", json("[1, 2, 3, 4]"))).isEqualTo(num("4"));
    assertThat(call("max", set(num("1"), num("2"), num("3"), num("4")))).isEqualTo(num("4"));
    assertThat(call("min", json("[1, 2, 1, 3, 4]"))).isEqualTo(num("1"));
    assertThat(call("min", json("[3, 2, 1, 4, 6, -7, 10]"))).isEqualTo(num("-7"));
    assertThat(call("min", set(num("1"), num("2")))).isEqualTo(num("1"));
    // across types: null < boolean < number < string < array < object < set
    assertThat(call("max", json("[null, true, 5, \"a\", [1], {\"a\": 1}]"))).isEqualTo(json("{\"a\": 1}"));
    assertThat(call("min", json("[\"a\", 5, false]"))).isEqualTo(BooleanValue.FALSE);
    assertThat(error("max", num("1")).getMessage()).isEqualTo("operand 1 must be one of {set, array} but got number");
  }

  @Test
  void maxAndMinKeepTheLastOfEqualElementsInArrays() {
    assertThat(call("max", json("[1, 1.0]")).toString()).isEqualTo("1.0");
    assertThat(call("min", json("[1.0, 1]")).toString()).isEqualTo("1");
  }

  @Test
  void sortsArraysAndSets() {
    assertThat(call("sort", json("[4, 3, 2, 1]"))).isEqualTo(json("[1, 2, 3, 4]"));
    assertThat(call("sort", set(num("4"), num("1"), num("3")))).isEqualTo(json("[1, 3, 4]"));
    assertThat(call("sort", json("[\"b\", 1, null, [0], \"a\", true]")))
        .isEqualTo(json("[null, true, 1, \"a\", \"b\", [0]]"));
    assertThat(call("sort", json("[\"é\", \"z\", \"a\"]"))).isEqualTo(json("[\"a\", \"z\", \"é\"]"));
    assertThat(error("sort", NullValue.INSTANCE).getMessage())
        .isEqualTo("operand 1 must be one of {set, array} but got null");
  }

  @Test
  void allAndAnyLookForTrue() {
    assertThat(call("all", json("[true, true]"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("all", json("[true, 1]"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("all", ArrayValue.EMPTY)).isEqualTo(BooleanValue.TRUE);
    assertThat(call("all", set(BooleanValue.TRUE))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("all", set(BooleanValue.TRUE, BooleanValue.FALSE))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("any", json("[false, true]"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("any", json("[false, \"true\"]"))).isEqualTo(BooleanValue.FALSE);
    assertThat(call("any", SetValue.EMPTY)).isEqualTo(BooleanValue.FALSE);
    assertThat(call("any", set(BooleanValue.TRUE, num("1")))).isEqualTo(BooleanValue.TRUE);
    assertThat(error("all", num("1")).getMessage()).isEqualTo("operand 1 must be one of {array, set} but got number");
    assertThat(error("any", json("{}")).getMessage()).isEqualTo("operand 1 must be one of {array, set} but got object");
  }
}
