package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import java.util.Map;
import org.junit.jupiter.api.Test;

class TypeBuiltinsTest {
  private static final List<Value> SAMPLES = List.of(NullValue.INSTANCE, BooleanValue.FALSE, NumberValue.of(1),
      StringValue.of("s"), ArrayValue.EMPTY, ObjectValue.EMPTY, SetValue.EMPTY);

  private static Value call(String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), args);
  }

  private static BuiltinException error(String name, Value... args) {
    return catchThrowableOfType(BuiltinException.class, () -> call(name, args));
  }

  private static NumberValue num(String text) { return NumberValue.parse(text); }

  private static StringValue str(String s) { return StringValue.of(s); }

  @Test
  void eachCheckAcceptsExactlyItsType() {
    Map<String, String> checks = Map.of("is_null", "null", "is_boolean", "boolean", "is_number", "number",
        "is_string", "string", "is_array", "array", "is_object", "object", "is_set", "set");
    checks.forEach((builtin, type) -> {
      for (Value v : SAMPLES) {
        assertThat(call(builtin, v)).as(builtin + "(" + v + ")").isEqualTo(BooleanValue.of(v.typeName().equals(type)));
      }
    });
    assertThat(call("is_number", num("-42.0"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("is_number", num("100.1"))).isEqualTo(BooleanValue.TRUE);
    assertThat(call("is_array", SetValue.of(num("1")))).isEqualTo(BooleanValue.FALSE);
  }

  @Test
  void typeName() {
    for (Value v : SAMPLES) assertThat(call("type_name", v)).isEqualTo(str(v.typeName()));
    assertThat(call("type_name", num("100"))).isEqualTo(str("number"));
    assertThat(call("type_name", SetValue.of(num("1")))).isEqualTo(str("set"));
  }

  @Test
  void toNumberOfScalars() {
    assertThat(call("to_number", NullValue.INSTANCE)).isEqualTo(num("0"));
    assertThat(call("to_number", BooleanValue.FALSE)).isEqualTo(num("0"));
    assertThat(call("to_number", BooleanValue.TRUE)).isEqualTo(num("1"));
    assertThat(call("to_number", num("100.1")).toString()).isEqualTo("100.1");
    assertThat(call("to_number", num("18446744073709551617")).toString()).isEqualTo("18446744073709551617");
  }

  @Test
  void toNumberOfStringsKeepsTheirSpelling() {
    assertThat(call("to_number", str("-42.0"))).isEqualTo(num("-42"));
    assertThat(call("to_number", str("-42.0")).toString()).isEqualTo("-42.0");
    assertThat(call("to_number", str("3"))).isEqualTo(num("3"));
    assertThat(call("to_number", str("+5"))).isEqualTo(num("5"));
    assertThat(call("to_number", str(".5"))).isEqualTo(num("0.5"));
    assertThat(call("to_number", str("5."))).isEqualTo(num("5"));
    assertThat(call("to_number", str("1e3"))).isEqualTo(num("1000"));
    assertThat(call("to_number", str("1E-3"))).isEqualTo(num("0.001"));
    assertThat(call("to_number", str("1e-400"))).isEqualTo(num("1e-400"));
    assertThat(call("to_number", str("123456789012345678901234567890")).toString())
        .isEqualTo("123456789012345678901234567890");
  }

  @Test
  void toNumberOfHexFloats() {
    assertThat(call("to_number", str("0x1p4"))).isEqualTo(num("16"));
    assertThat(call("to_number", str("0x1.8p1"))).isEqualTo(num("3"));
    assertThat(call("to_number", str("-0x1p-2"))).isEqualTo(num("-0.25"));
    assertThat(call("to_number", str("0x_1p0"))).isEqualTo(num("1"));
  }

  @Test
  void toNumberRejectsWhatParseFloatRejects() {
    BuiltinException e = error("to_number", str("broken"));
    assertThat(e.code()).isEqualTo(BuiltinException.BUILTIN_ERROR);
    assertThat(e.getMessage()).isEqualTo("strconv.ParseFloat: parsing \"broken\": invalid syntax");
    for (String bad : List.of("", " 1", "1 ", "1_000", "0x10", "1e", ".", "--1", "0x1.p", "1.2.3", "0x1_p0")) {
      assertThat(error("to_number", str(bad)).getMessage()).as(bad).endsWith(": invalid syntax");
    }
    BuiltinException range = error("to_number", str("1e400"));
    assertThat(range.code()).isEqualTo(BuiltinException.BUILTIN_ERROR);
    assertThat(range.getMessage()).isEqualTo("strconv.ParseFloat: parsing \"1e400\": value out of range");
    assertThat(error("to_number", str("0x1p1024")).getMessage()).endsWith("value out of range");
    assertThat(call("to_number", str("1.7976931348623157e308"))).isNotNull();
  }

  @Test
  void toNumberRejectsInfinitiesAndNaN() {
    for (String s : List.of("nan", "inf", "-inf", "Infinity", "-Infinity", "-nan", "-NaN", "iNf", "+inf")) {
      BuiltinException e = error("to_number", str(s));
      assertThat(e.code()).as(s).isEqualTo(BuiltinException.TYPE_ERROR);
      assertThat(e.getMessage()).isEqualTo("operand 1 must be valid number string but got string");
    }
  }

  @Test
  void toNumberRejectsCollections() {
    BuiltinException e = error("to_number", ArrayValue.EMPTY);
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 1 must be one of {null, boolean, number, string} but got array");
  }

  @Test
  void deprecatedCasts() {
    Value arr = Json.parse("[2, 1, 2]");
    assertThat(call("cast_array", arr)).isEqualTo(arr);
    assertThat(call("cast_array", SetValue.of(num("2"), num("1")))).isEqualTo(Json.parse("[1, 2]"));
    assertThat(call("cast_set", arr)).isEqualTo(SetValue.of(num("1"), num("2")));
    assertThat(call("cast_string", str("x"))).isEqualTo(str("x"));
    assertThat(call("cast_boolean", BooleanValue.TRUE)).isEqualTo(BooleanValue.TRUE);
    assertThat(call("cast_null", NullValue.INSTANCE)).isEqualTo(NullValue.INSTANCE);
    assertThat(call("cast_object", ObjectValue.EMPTY)).isEqualTo(ObjectValue.EMPTY);
    assertThat(error("cast_array", str("x")).getMessage()).isEqualTo("operand 1 must be one of {array, set} but got string");
    assertThat(error("cast_set", num("1")).getMessage()).isEqualTo("operand 1 must be one of {array, set} but got number");
    assertThat(error("cast_string", num("1")).getMessage()).isEqualTo("operand 1 must be string but got number");
    assertThat(error("cast_boolean", str("true")).getMessage()).isEqualTo("operand 1 must be boolean but got string");
    assertThat(error("cast_null", BooleanValue.FALSE).getMessage()).isEqualTo("operand 1 must be null but got boolean");
    assertThat(error("cast_object", ArrayValue.EMPTY).getMessage()).isEqualTo("operand 1 must be object but got array");
  }
}
