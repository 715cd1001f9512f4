package dev.postee.rego.value;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postee.rego.PreparedPolicy;
import dev.postee.rego.Rego;
import dev.postee.rego.eval.EvalOptions;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Numbers show the text OPA shows: literals as written, computed results in Go's shortest 'g' form. */
class NumberValueTest {

  private static String g(String decimal) {
    return NumberValue.goShortestG(new BigDecimal(decimal));
  }

  @Test
  void goShortestGUsesExponentFormBelowMinus4AndFromSixOn() {
    assertThat(g("1000001.5")).isEqualTo("1.0000015e+06");
    assertThat(g("0.00001")).isEqualTo("1e-05");
    assertThat(g("-0.000012")).isEqualTo("-1.2e-05");
    assertThat(g("3000000")).isEqualTo("3e+06");
    assertThat(g("1E+21")).isEqualTo("1e+21");
    assertThat(g("1E-100")).isEqualTo("1e-100");
    assertThat(g("100000")).isEqualTo("100000");
    assertThat(g("999999.9")).isEqualTo("999999.9");
    assertThat(g("123456.5")).isEqualTo("123456.5");
    assertThat(g("0.0001")).isEqualTo("0.0001");
    assertThat(g("0.5")).isEqualTo("0.5");
    assertThat(g("12.340")).isEqualTo("12.34");
    assertThat(g("0")).isEqualTo("0");
  }

  @Test
  void computedNonIntegersCarryGoTextButCompareByValue() {
    NumberValue computed = NumberValue.ofComputed(new BigDecimal("1000001.50"));
    NumberValue literal = NumberValue.of(new BigDecimal("1000001.5"));
    assertThat(computed.toString()).isEqualTo("1.0000015e+06");
    assertThat(literal.toString()).isEqualTo("1000001.5");
    assertThat(computed).isEqualTo(literal).hasSameHashCodeAs(literal);
    assertThat(Values.compare(computed, literal)).isZero();
    assertThat(Json.write(ArrayValue.of(computed))).isEqualTo("[1.0000015e+06]");

    // OPA's FloatToNumber formats integral results with 'f': plain digits, never 3e+06
    assertThat(NumberValue.ofComputed(new BigDecimal("3000000.0")).toString()).isEqualTo("3000000");
    assertThat(NumberValue.ofComputed(new BigDecimal("1E+9")).toString()).isEqualTo("1000000000");
    assertThat(NumberValue.ofComputed(new BigDecimal("1E+30")).toString()).isEqualTo("1000000000000000000000000000000");
    assertThat(NumberValue.ofComputed(new BigDecimal("2.50")).toString()).isEqualTo("2.5");
    assertThat(NumberValue.ofComputed(new BigDecimal("42"))).isSameAs(NumberValue.of(42));
  }

  @Test
  void literalsKeepTheTextTheyWereWrittenWith() {
    assertThat(NumberValue.parse("1e-05").toString()).isEqualTo("1e-05");
    assertThat(NumberValue.parse("1E3").toString()).isEqualTo("1E3");
    assertThat(NumberValue.parse("1.0").toString()).isEqualTo("1.0");
    assertThat(NumberValue.parse("17").toString()).isEqualTo("17");
    assertThat(NumberValue.parse("1e-05")).isEqualTo(NumberValue.parse("0.00001"));
    assertThat(NumberValue.parse("1E3")).isEqualTo(NumberValue.of(1000)).hasSameHashCodeAs(NumberValue.of(1000));
    assertThat(Json.write(Json.parse("{\"a\": 2.5e-7}"))).isEqualTo("{\"a\":2.5e-7}");
    assertThat(NumberValue.parse("1e100000").toString()).isEqualTo("1e100000");
  }

  @Test
  void arithmeticResultsPrintAsOpaPrintsThem() {
    PreparedPolicy policy = Rego.builder().module("n.rego", """
        package n

        whole := 1e109 / 1e100
        big := 1000000 + 1.5
        small := 1 / 100000
        plain := 0.1 + 0.2
        shown := json_text if json_text := $"{big} {small}"
        """).compile();
    assertThat(Json.write(policy.valueAt(List.of("n", "whole"), null))).isEqualTo("1000000000");
    assertThat(Json.write(policy.valueAt(List.of("n", "big"), null))).isEqualTo("1.0000015e+06");
    assertThat(Json.write(policy.valueAt(List.of("n", "small"), null))).isEqualTo("1e-05");
    assertThat(policy.valueAt(List.of("n", "plain"), null)).isEqualTo(NumberValue.parse("0.3"));
    assertThat(((StringValue) policy.valueAt(List.of("n", "shown"), null)).value()).isEqualTo("1.0000015e+06 1e-05");

    List<String> printed = new ArrayList<>();
    PreparedPolicy printing = Rego.builder().module("p.rego", "package p\n\nx if print(1000000 + 1.5, 3 * 0.5)\n").compile();
    printing.valueAt(List.of("p", "x"), null, EvalOptions.DEFAULT.withPrinter(printed::add));
    assertThat(printed).containsExactly("1.0000015e+06 1.5");
  }
}
