package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonBuiltinsTest {

  private static boolean call(String name, Value a, Value b) {
    Value r = BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), new Value[] {a, b});
    return ((BooleanValue) r).value();
  }

  private static NumberValue num(String text) { return NumberValue.parse(text); }

  @Test
  void numbers() {
    assertThat(call("equal", num("1"), num("1"))).isTrue();
    assertThat(call("neq", num("0"), num("1"))).isTrue();
    assertThat(call("neq", num("0"), num("0"))).isFalse();
    assertThat(call("gt", num("1"), num("0"))).isTrue();
    assertThat(call("gt", num("1"), num("2"))).isFalse();
    assertThat(call("gte", num("1"), num("1"))).isTrue();
    assertThat(call("gte", num("1"), num("2"))).isFalse();
    assertThat(call("lt", num("-1"), num("0"))).isTrue();
    assertThat(call("lt", num("1"), num("-1"))).isFalse();
    assertThat(call("lte", num("-1"), num("0"))).isTrue();
    assertThat(call("lte", num("1"), num("-1"))).isFalse();
  }

  @Test
  void numbersCompareByValue() {
    assertThat(call("equal", num("1"), num("1.0"))).isTrue();
    assertThat(call("equal", Json.parse("[1]"), Json.parse("[1.0]"))).isTrue();
    assertThat(call("equal", Json.parse("{\"x\": [1, 2, {\"b\": 3.0}]}"), Json.parse("{\"x\": [1, 2, {\"b\": 3}]}")))
        .isTrue();
    ObjectValue a = ObjectValue.builder().put(num("1"), num("1")).build();
    ObjectValue b = ObjectValue.builder().put(num("1"), num("1.0")).build();
    assertThat(call("equal", a, b)).isTrue();
    assertThat(call("neq", num("28857836529306024611913"), num("28857836529306024611912"))).isTrue();
    assertThat(call("lt", num("28857836529306024611912"), num("28857836529306024611913"))).isTrue();
    assertThat(call("lt", num("0.1"), num("0.10000000000000000000001"))).isTrue();
  }

  @Test
  void totalOrderAcrossTypes() {
    List<Value> ascending = List.of(NullValue.INSTANCE, BooleanValue.FALSE, BooleanValue.TRUE, num("-5"), num("2.5"),
        StringValue.of(""), StringValue.of("a"), ArrayValue.EMPTY, Json.parse("[1]"), ObjectValue.EMPTY,
        Json.parse("{\"a\": 1}"), SetValue.EMPTY, SetValue.of(num("1")));
    for (int i = 0; i < ascending.size(); i++) {
      for (int j = 0; j < ascending.size(); j++) {
        Value x = ascending.get(i);
        Value y = ascending.get(j);
        assertThat(call("lt", x, y)).as(x + " < " + y).isEqualTo(i < j);
        assertThat(call("lte", x, y)).isEqualTo(i <= j);
        assertThat(call("gt", x, y)).isEqualTo(i > j);
        assertThat(call("gte", x, y)).isEqualTo(i >= j);
        assertThat(call("equal", x, y)).isEqualTo(i == j);
        assertThat(call("neq", x, y)).isEqualTo(i != j);
      }
    }
  }

  @Test
  void stringsCompareByCodePoint() {
    assertThat(call("lt", StringValue.of("Z"), StringValue.of("a"))).isTrue();
    assertThat(call("lt", StringValue.of("\uffff"), StringValue.of("😀"))).isTrue();
  }
}
