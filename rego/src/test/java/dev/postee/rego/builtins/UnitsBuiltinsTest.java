package dev.postee.rego.builtins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import org.junit.jupiter.api.Test;

class UnitsBuiltinsTest {

  private static Value call(String name, String arg) {
    return BuiltinRegistry.standard().lookup(name).function()
        .call(new DefaultBuiltinContext(), new Value[] {StringValue.of(arg)});
  }

  private static String units(String s) { return call("units.parse", s).toString(); }

  private static String bytes(String s) { return call("units.parse_bytes", s).toString(); }

  private static BuiltinException error(String name, String arg) {
    return catchThrowableOfType(BuiltinException.class, () -> call(name, arg));
  }

  @Test
  void parseBytesSuffixes() {
    assertThat(bytes("1KB")).isEqualTo("1000");
    assertThat(bytes("0")).isEqualTo("0");
    assertThat(bytes("12")).isEqualTo("12");
    assertThat(bytes("10k")).isEqualTo("10000");
    assertThat(bytes("10kb")).isEqualTo("10000");
    assertThat(bytes("10KiB")).isEqualTo("10240");
    assertThat(bytes("10ki")).isEqualTo("10240");
    assertThat(bytes("5MB")).isEqualTo("5000000");
    assertThat(bytes("5m")).isEqualTo("5000000"); // parse_bytes ignores case: m is mega here
    assertThat(bytes("5MiB")).isEqualTo("5242880");
    assertThat(bytes("1gb")).isEqualTo("1000000000");
    assertThat(bytes("1gib")).isEqualTo("1073741824");
    assertThat(bytes("1tb")).isEqualTo("1000000000000");
    assertThat(bytes("1tib")).isEqualTo("1099511627776");
    assertThat(bytes("1pb")).isEqualTo("1000000000000000");
    assertThat(bytes("1pib")).isEqualTo("1125899906842624");
    assertThat(bytes("1eb")).isEqualTo("1000000000000000000");
    assertThat(bytes("1eib")).isEqualTo("1152921504606846976");
    assertThat(bytes("2EiB")).isEqualTo("2305843009213693952");
    assertThat(bytes("\"10KB\"")).isEqualTo("10000");
  }

  @Test
  void parseBytesTruncatesThroughA64BitFloat() {
    assertThat(bytes("1.5KiB")).isEqualTo("1536");
    assertThat(bytes("-1.5KB")).isEqualTo("-1500");
    assertThat(bytes("1.9")).isEqualTo("1");
    assertThat(bytes(".5kb")).isEqualTo("500");
    assertThat(bytes("1e3")).isEqualTo("1000");
    assertThat(bytes("1e3kb")).isEqualTo("1000000");
    assertThat(bytes("3E-3KB")).isEqualTo("3");
    // 0.001 rounds to slightly less than 1/1000 at 64 bits, so OPA truncates 1e-3 KB to 0
    assertThat(bytes("1E-3KB")).isEqualTo("0");
    assertThat(bytes("0.1eb")).isEqualTo("100000000000000000");
    // values needing more than 64 mantissa bits are rounded, as in OPA
    assertThat(bytes("123456789012345678901234")).isEqualTo("123456789012345678897152");
    // a trailing e is the exa suffix, not an exponent
    assertThat(bytes("1e")).isEqualTo("1000000000000000000");
  }

  @Test
  void parseBytesErrors() {
    BuiltinException e = error("units.parse_bytes", "foo");
    assertThat(e.code()).isEqualTo(BuiltinException.BUILTIN_ERROR);
    assertThat(e.getMessage()).isEqualTo("units.parse_bytes: no byte amount provided");
    assertThat(error("units.parse_bytes", "").getMessage()).isEqualTo("units.parse_bytes: no byte amount provided");
    assertThat(error("units.parse_bytes", "1 kb").getMessage())
        .isEqualTo("units.parse_bytes: spaces not allowed in resource strings");
    assertThat(error("units.parse_bytes", "10XB").getMessage()).isEqualTo("units.parse_bytes: byte unit xb not recognized");
    assertThat(error("units.parse_bytes", "1.2.3kb").getMessage())
        .isEqualTo("units.parse_bytes: could not parse byte amount to a number");
    assertThat(error("units.parse_bytes", "1-2").getMessage())
        .isEqualTo("units.parse_bytes: could not parse byte amount to a number");
    assertThat(error("units.parse_bytes", "1e1234567").getMessage()).isEqualTo("units.parse_bytes: exponent too large");
    assertThat(error("units.parse_bytes", "1.2.3xyz").getMessage())
        .isEqualTo("units.parse_bytes: byte unit xyz not recognized");
  }

  @Test
  void parseUnitsSuffixes() {
    assertThat(units("100")).isEqualTo("100");
    assertThat(units("1K")).isEqualTo("1000");
    assertThat(units("1k")).isEqualTo("1000");
    assertThat(units("1Ki")).isEqualTo("1024");
    assertThat(units("1KI")).isEqualTo("1024");
    assertThat(units("1ki")).isEqualTo("1024");
    assertThat(units("2M")).isEqualTo("2000000");
    assertThat(units("2Mi")).isEqualTo("2097152");
    assertThat(units("2mi")).isEqualTo("2097152");
    assertThat(units("1G")).isEqualTo("1000000000");
    assertThat(units("1Gi")).isEqualTo("1073741824");
    assertThat(units("1T")).isEqualTo("1000000000000");
    assertThat(units("1Ti")).isEqualTo("1099511627776");
    assertThat(units("1P")).isEqualTo("1000000000000000");
    assertThat(units("1Pi")).isEqualTo("1125899906842624");
    assertThat(units("1E")).isEqualTo("1000000000000000000");
    assertThat(units("1Ei")).isEqualTo("1152921504606846976");
    assertThat(units("1.5K")).isEqualTo("1500");
    assertThat(units("-2.5Ki")).isEqualTo("-2560");
    assertThat(units("1e3")).isEqualTo("1000");
    assertThat(units("\"4G\"")).isEqualTo("4000000000");
  }

  @Test
  void parseUnitsMilliUsesTheFloat64Constant() {
    // m is milli; OPA multiplies by float64(0.001) exactly and prints 10 decimals
    assertThat(units("1m")).isEqualTo("0.0010000000");
    assertThat(units("1.5m")).isEqualTo("0.0015000000");
    assertThat(units("1000m")).isEqualTo("1.0000000000");
    assertThat(units("100m")).isEqualTo("0.1000000000");
    assertThat(call("units.parse", "250m")).isEqualTo(NumberValue.parse("0.25"));
    assertThat(units("0.5")).isEqualTo("0.5000000000");
  }

  @Test
  void parseUnitsErrors() {
    BuiltinException e = error("units.parse", "foo");
    assertThat(e.code()).isEqualTo(BuiltinException.BUILTIN_ERROR);
    assertThat(e.getMessage()).isEqualTo("units.parse: no amount provided");
    assertThat(error("units.parse", "1 K").getMessage()).isEqualTo("units.parse: spaces not allowed in resource strings");
    assertThat(error("units.parse", "10KB").getMessage()).isEqualTo("units.parse: unit Kb not recognized");
    assertThat(error("units.parse", "10mB").getMessage()).isEqualTo("units.parse: unit mb not recognized");
    assertThat(error("units.parse", "1..2").getMessage()).isEqualTo("units.parse: could not parse amount to a number");
    assertThat(error("units.parse", "1e9999999").getMessage()).isEqualTo("units.parse: exponent too large");
  }
}
