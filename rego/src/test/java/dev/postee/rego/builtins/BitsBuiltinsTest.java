package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

class BitsBuiltinsTest {

  private static Value call(String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(new DefaultBuiltinContext(), args);
  }

  private static BuiltinException error(String name, Value... args) {
    return catchThrowableOfType(BuiltinException.class, () -> call(name, args));
  }

  private static NumberValue num(String text) { return NumberValue.parse(text); }

  private static String eval(String name, String... operands) {
    Value[] args = new Value[operands.length];
    for (int i = 0; i < operands.length; i++) args[i] = num(operands[i]);
    return call(name, args).toString();
  }

  @Test
  void bitwiseOperations() {
    assertThat(eval("bits.and", "7", "9")).isEqualTo("1");
    assertThat(eval("bits.and", "50", "0")).isEqualTo("0");
    assertThat(eval("bits.or", "7", "9")).isEqualTo("15");
    assertThat(eval("bits.or", "50", "0")).isEqualTo("50");
    assertThat(eval("bits.xor", "42", "3")).isEqualTo("41");
    assertThat(eval("bits.xor", "42", "42")).isEqualTo("0");
    assertThat(eval("bits.xor", "10", "-20")).isEqualTo("-26");
    assertThat(eval("bits.negate", "42")).isEqualTo("-43");
    assertThat(eval("bits.negate", "-1")).isEqualTo("0");
  }

  @Test
  void shifts() {
    assertThat(eval("bits.lsh", "1", "3")).isEqualTo("8");
    assertThat(eval("bits.lsh", "2147483647", "1")).isEqualTo("4294967294");
    assertThat(eval("bits.lsh", "9223372036854775807", "1")).isEqualTo("18446744073709551614");
    assertThat(eval("bits.lsh", "0", "100000000000")).isEqualTo("0");
    assertThat(eval("bits.rsh", "8", "3")).isEqualTo("1");
    assertThat(eval("bits.rsh", "10", "20")).isEqualTo("0");
    assertThat(eval("bits.rsh", "-10", "1")).isEqualTo("-5");
    assertThat(eval("bits.rsh", "-10", "100")).isEqualTo("-1");
    assertThat(eval("bits.rsh", "18446744073709551616", "64")).isEqualTo("1");
  }

  @Test
  void bigIntegersAreExact() {
    assertThat(eval("bits.and", "36893488147419103231", "18446744073709551617")).isEqualTo("18446744073709551617");
    assertThat(eval("bits.or", "18446744073709551616", "1")).isEqualTo("18446744073709551617");
    assertThat(eval("bits.negate", "18446744073709551616")).isEqualTo("-18446744073709551617");
    assertThat(eval("bits.and", "4.0", "6")).isEqualTo("4"); // integer-valued decimals are integers
  }

  @Test
  void operandsMustBeIntegers() {
    BuiltinException e = error("bits.and", num("7.2"), num("42"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 1 must be integer number but got floating-point number");
    assertThat(error("bits.or", num("7.2"), num("42")).getMessage())
        .isEqualTo("operand 1 must be integer number but got floating-point number");
    assertThat(error("bits.xor", num("7"), num("4.2")).getMessage())
        .isEqualTo("operand 2 must be integer number but got floating-point number");
    assertThat(error("bits.negate", num("7.2")).getMessage())
        .isEqualTo("operand 1 must be integer number but got floating-point number");
    assertThat(error("bits.lsh", num("7.2"), num("42")).getMessage())
        .isEqualTo("operand 1 must be integer number but got floating-point number");
    assertThat(error("bits.rsh", num("7"), StringValue.of("hi")).getMessage())
        .isEqualTo("operand 2 must be integer but got string");
  }

  @Test
  void shiftCountMustNotBeNegative() {
    BuiltinException e = error("bits.lsh", num("7"), num("-1"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 2 must be an unsigned integer number but got a negative integer");
    assertThat(error("bits.rsh", num("7"), num("-1")).getMessage())
        .isEqualTo("operand 2 must be an unsigned integer number but got a negative integer");
  }

  @Test
  void absurdLeftShiftsAreRefused() {
    BuiltinException e = error("bits.lsh", num("1"), num("100000000000"));
    assertThat(e.code()).isEqualTo(BuiltinException.BUILTIN_ERROR);
    assertThat(e.getMessage()).isEqualTo("shift count too large");
  }
}
