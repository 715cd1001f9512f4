package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ArithmeticBuiltinsTest {

  private static Value call(String name, Value... args) {
    return call(new DefaultBuiltinContext(), name, args);
  }

  private static Value call(BuiltinContext ctx, String name, Value... args) {
    return BuiltinRegistry.standard().lookup(name).function().call(ctx, args);
  }

  private static BuiltinException error(String name, Value... args) {
    return catchThrowableOfType(BuiltinException.class, () -> call(name, args));
  }

  private static NumberValue num(String text) { return NumberValue.parse(text); }

  /**
   * The exact value of an arithmetic builtin's result on number literals, in plain digits. (How a
   * float result is shown, Go's shortest 'g' text, is NumberValueTest's subject.)
   */
  private static String eval(String name, String... operands) {
    Value[] args = new Value[operands.length];
    for (int i = 0; i < operands.length; i++) args[i] = num(operands[i]);
    return ((NumberValue) call(name, args)).toBigDecimal().stripTrailingZeros().toPlainString();
  }

  @Test
  void smallIntegerArithmetic() {
    assertThat(eval("plus", "2", "3")).isEqualTo("5");
    assertThat(eval("minus", "1", "2")).isEqualTo("-1");
    assertThat(eval("mul", "3", "4")).isEqualTo("12");
    assertThat(eval("div", "6", "3")).isEqualTo("2");
    assertThat(eval("rem", "7", "4")).isEqualTo("3");
    assertThat(eval("rem", "-7", "4")).isEqualTo("-3");
    assertThat(eval("plus", "49649733057", "1")).isEqualTo("49649733058");
  }

  @Test
  void bigIntegerArithmeticIsExact() {
    assertThat(eval("plus", "18446744073709551617", "1")).isEqualTo("18446744073709551618");
    assertThat(eval("minus", "18446744073709551617", "1")).isEqualTo("18446744073709551616");
    assertThat(eval("mul", "18446744073709551617", "2")).isEqualTo("36893488147419103234");
    assertThat(eval("plus", "123456789012345678901234567890", "1")).isEqualTo("123456789012345678901234567891");
    assertThat(eval("minus", "-18446744073709551617", "1")).isEqualTo("-18446744073709551618");
    assertThat(eval("plus", "9223372036854775807", "1")).isEqualTo("9223372036854775808");
    assertThat(eval("mul", "2147483647", "2147483647")).isEqualTo("4611686014132420609");
    assertThat(eval("mul", "9223372036854775807", "9223372036854775807"))
        .isEqualTo("85070591730234615847396907784232501249");
  }

  @Test
  void bigIntegerRemainderIsExact() {
    assertThat(eval("rem", "10", "18446744073709551616")).isEqualTo("10");
    assertThat(eval("rem", "5", "55340232221128654848")).isEqualTo("5");
    assertThat(eval("rem", "7", "340282366920938463463374607431768211456")).isEqualTo("7");
    assertThat(eval("rem", "100", "-18446744073709551616")).isEqualTo("100");
    assertThat(eval("rem", "18446744073709551617", "18446744073709551616")).isEqualTo("1");
    assertThat(eval("rem", "10", "18446744073709551617")).isEqualTo("10");
    assertThat(eval("rem", "7.0", "4")).isEqualTo("3"); // integer-valued decimals are integers
  }

  @Test
  void nonIntegerResultsPrintWithoutTrailingZeros() {
    assertThat(eval("plus", "1.5", "2.5")).isEqualTo("4");
    assertThat(eval("plus", "1", "2.5")).isEqualTo("3.5");
    assertThat(eval("mul", "2.5", "2")).isEqualTo("5");
    assertThat(eval("plus", "0.1", "0.2")).isEqualTo("0.3");
    assertThat(call("plus", num("1.5"), num("2.5"))).isEqualTo(num("4")).matches(v -> ((NumberValue) v).isSmallInt());
  }

  /** Expected values computed with Go's math/big exactly as OPA calls it. */
  @Test
  void floatResultsMatchGoBigFloat() {
    assertThat(eval("plus", "1.1", "2.2")).isEqualTo("3.3000000000000000002");
    assertThat(eval("minus", "0.3", "0.1")).isEqualTo("0.20000000000000000002");
    assertThat(eval("mul", "1.1", "1.1")).isEqualTo("1.21");
    assertThat(eval("div", "1", "3")).isEqualTo("0.33333333333333333334");
    assertThat(eval("div", "2", "3")).isEqualTo("0.6666666666666666667");
    assertThat(eval("div", "10", "4")).isEqualTo("2.5");
    assertThat(eval("div", "0.5", "0.25")).isEqualTo("2");
    assertThat(eval("plus", "1e-30", "1")).isEqualTo("1");
    assertThat(eval("mul", "123456789.123456789", "987654321.987654321")).isEqualTo("121932631356500531.34");
    assertThat(eval("plus", "18446744073709551617", "0.5")).isEqualTo("18446744073709551616");
  }

  @Test
  void divisionOfLargeIntegersIsAFloatQuotient() {
    // beyond int32 OPA divides as big.Float: 2^64+1 rounds to 2^64 at a 64-bit mantissa
    assertThat(eval("div", "18446744073709551617", "2")).isEqualTo("9223372036854775808");
    assertThat(eval("div", "18446744073709551616", "2")).isEqualTo("9223372036854775808");
    assertThat(eval("div", "10000000000", "10")).isEqualTo("1000000000");
    assertThat(eval("div", "0", "5")).isEqualTo("0");
    assertThat(eval("div", "1e400", "3")).startsWith("33333333333333333334000");
  }

  @Test
  void divideAndModuloErrors() {
    BuiltinException e = error("div", num("1"), num("0"));
    assertThat(e.code()).isEqualTo(BuiltinException.BUILTIN_ERROR);
    assertThat(e.getMessage()).isEqualTo("divide by zero");
    assertThat(error("div", num("1.5"), num("0.0")).getMessage()).isEqualTo("divide by zero");
    assertThat(error("div", num("18446744073709551617"), num("0")).getMessage()).isEqualTo("divide by zero");
    assertThat(error("rem", num("7"), num("0")).getMessage()).isEqualTo("modulo by zero");
    assertThat(error("rem", num("18446744073709551617"), num("0")).getMessage()).isEqualTo("modulo by zero");
    BuiltinException f = error("rem", num("1.1"), num("1"));
    assertThat(f.code()).isEqualTo(BuiltinException.BUILTIN_ERROR);
    assertThat(f.getMessage()).isEqualTo("modulo on floating-point number");
    assertThat(error("rem", num("7.5"), num("0")).getMessage()).isEqualTo("modulo on floating-point number");
  }

  @Test
  void operandsMustBeNumbers() {
    BuiltinException e = error("plus", num("1"), StringValue.of("a"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 2 must be number but got string");
    assertThat(error("abs", StringValue.of("a")).getMessage()).isEqualTo("operand 1 must be number but got string");
  }

  @Test
  void minusOnSets() {
    SetValue a = SetValue.of(num("1"), num("2"), num("3"));
    SetValue b = SetValue.of(num("2"), num("4"));
    assertThat(call("minus", a, b)).isEqualTo(SetValue.of(num("1"), num("3")));
    assertThat(call("minus", b, b)).isEqualTo(SetValue.EMPTY);
  }

  @Test
  void minusMixedOperandErrors() {
    SetValue s = SetValue.of(num("1"));
    BuiltinException e = error("minus", s, num("1"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 2 must be set but got number");
    assertThat(error("minus", num("1"), s).getMessage()).isEqualTo("operand 2 must be number but got set");
    assertThat(error("minus", StringValue.of("a"), num("1")).getMessage())
        .isEqualTo("operand 1 must be one of {number, set} but got string");
  }

  @Test
  void absRoundCeilFloor() {
    assertThat(eval("abs", "-10")).isEqualTo("10");
    assertThat(eval("abs", "-1.5")).isEqualTo("1.5");
    assertThat(eval("abs", "-18446744073709551617")).isEqualTo("18446744073709551616");
    assertThat(eval("round", "2.5")).isEqualTo("3");
    assertThat(eval("round", "-2.5")).isEqualTo("-3");
    assertThat(eval("round", "-0.5")).isEqualTo("-1");
    assertThat(eval("round", "1.4999999999999999999")).isEqualTo("1");
    assertThat(eval("round", "7")).isEqualTo("7");
    assertThat(eval("ceil", "1.01")).isEqualTo("2");
    assertThat(eval("ceil", "1.5")).isEqualTo("2");
    assertThat(eval("ceil", "2222.2222222222")).isEqualTo("2223");
    assertThat(eval("ceil", "1")).isEqualTo("1");
    assertThat(eval("ceil", "-1.99999")).isEqualTo("-1");
    assertThat(eval("floor", "1.01")).isEqualTo("1");
    assertThat(eval("floor", "1.5")).isEqualTo("1");
    assertThat(eval("floor", "99.99999")).isEqualTo("99");
    assertThat(eval("floor", "-1.001")).isEqualTo("-2");
    assertThat(eval("floor", "1")).isEqualTo("1");
  }

  @Test
  void ceilAndFloorBetweenMinusOneAndZeroBehaveAsOpa() {
    // OPA truncates, then tests the truncated value's sign, which is never negative here
    assertThat(eval("ceil", "-0.25")).isEqualTo("1");
    assertThat(eval("floor", "-0.75")).isEqualTo("0");
  }

  @Test
  void numbersRangeIsInclusiveBothWays() {
    assertThat(call("numbers.range", num("0"), num("0"))).isEqualTo(Json.parse("[0]"));
    assertThat(call("numbers.range", num("-2"), num("3"))).isEqualTo(Json.parse("[-2, -1, 0, 1, 2, 3]"));
    assertThat(call("numbers.range", num("2"), num("-3"))).isEqualTo(Json.parse("[2, 1, 0, -1, -2, -3]"));
    assertThat(call("numbers.range", num("49649733057"), num("49649733060")))
        .isEqualTo(Json.parse("[49649733057, 49649733058, 49649733059, 49649733060]"));
    assertThat(call("numbers.range", num("1.0"), num("2"))).isEqualTo(Json.parse("[1, 2]"));
    assertThat(call("numbers.range", num("18446744073709551616"), num("18446744073709551618")).toString())
        .isEqualTo("[18446744073709551616, 18446744073709551617, 18446744073709551618]");
  }

  @Test
  void numbersRangeRequiresIntegers() {
    BuiltinException e = error("numbers.range", num("3.14"), num("4"));
    assertThat(e.code()).isEqualTo(BuiltinException.TYPE_ERROR);
    assertThat(e.getMessage()).isEqualTo("operand 1 must be integer number but got floating-point number");
    assertThat(error("numbers.range", num("3"), num("3.14")).getMessage())
        .isEqualTo("operand 2 must be integer number but got floating-point number");
    assertThat(error("numbers.range", StringValue.of("3"), num("4")).getMessage())
        .isEqualTo("operand 1 must be integer but got string");
  }

  @Test
  void numbersRangeStep() {
    assertThat(call("numbers.range_step", num("0"), num("10"), num("2"))).isEqualTo(Json.parse("[0, 2, 4, 6, 8, 10]"));
    assertThat(call("numbers.range_step", num("0"), num("-10"), num("2")))
        .isEqualTo(Json.parse("[0, -2, -4, -6, -8, -10]"));
    assertThat(call("numbers.range_step", num("10"), num("3"), num("2"))).isEqualTo(Json.parse("[10, 8, 6, 4]"));
    assertThat(call("numbers.range_step", num("1024"), num("4096"), num("1024")))
        .isEqualTo(Json.parse("[1024, 2048, 3072, 4096]"));
    assertThat(call("numbers.range_step", num("2"), num("2"), num("2"))).isEqualTo(Json.parse("[2]"));
    assertThat(call("numbers.range_step", num("2"), num("5"), num("2"))).isEqualTo(Json.parse("[2, 4]"));
    assertThat(call("numbers.range_step", num("0"), num("10"), num("99999999999999999999"))).isEqualTo(Json.parse("[0]"));
  }

  @Test
  void numbersRangeStepRequiresAPositiveStep() {
    BuiltinException e = error("numbers.range_step", num("0"), num("10"), num("-2"));
    assertThat(e.code()).isEqualTo(BuiltinException.BUILTIN_ERROR);
    assertThat(e.getMessage()).isEqualTo("numbers.range_step: step must be a positive integer");
    assertThat(error("numbers.range_step", num("0"), num("10"), num("0")).getMessage())
        .isEqualTo("numbers.range_step: step must be a positive integer");
    assertThat(error("numbers.range_step", num("0"), num("10"), num("0.5")).getMessage())
        .isEqualTo("operand 3 must be integer number but got floating-point number");
  }

  @Test
  void hugeRangesAreRefusedAndLongRangesCheckLimits() {
    assertThat(error("numbers.range", num("0"), num("1e12")).getMessage()).isEqualTo("numbers.range: range too large");
    AtomicInteger checks = new AtomicInteger();
    BuiltinContext counting = new DefaultBuiltinContext() {
      @Override
      public void checkLimits() {
        checks.incrementAndGet();
      }
    };
    ArrayValue big = (ArrayValue) call(counting, "numbers.range", num("1"), num("100000"));
    assertThat(big.size()).isEqualTo(100000);
    assertThat(big.get(99999)).isEqualTo(num("100000"));
    assertThat(checks.get()).isPositive();
  }

  @Test
  void absurdMagnitudesAreRefusedNotExpanded() {
    assertThat(error("plus", num("1e2000000000"), num("1")).getMessage()).isEqualTo("number too large");
    assertThat(error("plus", num("1e2000000000"), num("0.5")).getMessage()).isEqualTo("number too large");
    assertThat(error("round", num("1.5e2000000000")).getMessage()).isEqualTo("number too large");
    assertThat(error("div", num("1"), num("1e-2000000000")).getMessage()).isEqualTo("number too large");
    // large but sane magnitudes still work exactly
    assertThat(eval("plus", "1e400", "1")).hasSize(401).startsWith("1000").endsWith("0001");
  }
}
