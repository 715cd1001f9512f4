package dev.postee.rego.builtins;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Formatter;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Types: the {@code is_*} checks, {@code type_name}, {@code to_number}, and the deprecated
 * {@code cast_*} builtins (kept because old policies still call them).
 */
public final class TypeBuiltins implements BuiltinRegistrar {
  /** Go's strconv.ParseFloat syntax for decimal literals (underscores need a base prefix). */
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
  /** ... and for hexadecimal literals, whose binary exponent is mandatory. */
  private static final Pattern HEX = Pattern.compile(
      "([+-]?)0[xX]((?:_?[0-9a-fA-F])*)(?:\\.([0-9a-fA-F](?:_?[0-9a-fA-F])*)?)?[pP]([+-]?[0-9](?:_?[0-9])*)");
  /** Smallest magnitude that overflows float64: (2^54 - 1) * 2^970 rounds to 2^1024. */
  private static final BigDecimal FLOAT64_OVERFLOW =
      new BigDecimal(BigInteger.ONE.shiftLeft(54).subtract(BigInteger.ONE).shiftLeft(970));

  @Override
  public void register(BuiltinRegistry r) {
    r.function("is_number", (ctx, a) -> BooleanValue.of(a[0] instanceof NumberValue));
    r.function("is_string", (ctx, a) -> BooleanValue.of(a[0] instanceof StringValue));
    r.function("is_boolean", (ctx, a) -> BooleanValue.of(a[0] instanceof BooleanValue));
    r.function("is_array", (ctx, a) -> BooleanValue.of(a[0] instanceof ArrayValue));
    r.function("is_set", (ctx, a) -> BooleanValue.of(a[0] instanceof SetValue));
    r.function("is_object", (ctx, a) -> BooleanValue.of(a[0] instanceof ObjectValue));
    r.function("is_null", (ctx, a) -> BooleanValue.of(a[0] instanceof NullValue));
    r.function("type_name", (ctx, a) -> StringValue.of(a[0].typeName()));
    r.function("to_number", (ctx, a) -> toNumber(a[0]));
    r.function("cast_array", (ctx, a) -> castArray(a[0]));
    r.function("cast_set", (ctx, a) -> castSet(a[0]));
    r.function("cast_string", (ctx, a) -> cast(a[0], StringValue.class, "string"));
    r.function("cast_boolean", (ctx, a) -> cast(a[0], BooleanValue.class, "boolean"));
    r.function("cast_null", (ctx, a) -> cast(a[0], NullValue.class, "null"));
    r.function("cast_object", (ctx, a) -> cast(a[0], ObjectValue.class, "object"));
  }

  private static Value toNumber(Value v) {
    return switch (v) {
      case NullValue n -> NumberValue.ZERO;
      case BooleanValue b -> b.value() ? NumberValue.ONE : NumberValue.ZERO;
      case NumberValue n -> n;
      case StringValue s -> parseNumber(s.value());
      default -> throw BuiltinException.typeError(
          "operand 1 must be one of {null, boolean, number, string} but got " + v.typeName());
    };
  }

  /** A string is a number when Go's ParseFloat accepts it; infinities and NaN are refused. */
  private static NumberValue parseNumber(String s) {
    String word = s.replaceFirst("^[+-]+", "").toLowerCase(Locale.ROOT);
    if (word.equals("inf") || word.equals("infinity") || word.equals("nan")) {
      throw BuiltinException.typeError("operand 1 must be valid number string but got string");
    }
    BigDecimal value;
    if (DECIMAL.matcher(s).matches()) {
      value = parseDecimal(s);
      if (value == null) return NumberValue.ZERO; // exponent so negative that ParseFloat gives 0
    } else {
      Matcher hex = HEX.matcher(s);
      if (!hex.matches() || !hasDigits(hex)) throw parseError(s, "invalid syntax");
      value = parseHex(hex);
      if (value == null) throw parseError(s, "value out of range");
    }
    if (value.abs().compareTo(FLOAT64_OVERFLOW) >= 0) throw parseError(s, "value out of range");
    return NumberValue.of(value);
  }

  /** The exact value, or null for a nonzero mantissa with an exponent below BigDecimal's range. */
  private static BigDecimal parseDecimal(String s) {
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException exponentOutOfRange) {
      int e = Math.max(s.indexOf('e'), s.indexOf('E'));
      String mantissa = s.substring(0, e);
      if (new BigDecimal(mantissa).signum() == 0) return BigDecimal.ZERO;
      if (s.charAt(e + 1) == '-') return null;
      return FLOAT64_OVERFLOW; // positive exponent beyond any float64
    }
  }

  private static boolean hasDigits(Matcher hex) {
    return !hex.group(2).isEmpty() || (hex.group(3) != null && !hex.group(3).isEmpty());
  }

  /** mantissa (hex digits, optional fraction) times 2^exponent, exactly; null when it overflows. */
  private static BigDecimal parseHex(Matcher hex) {
    String intDigits = hex.group(2).replace("_", "");
    String fracDigits = hex.group(3) == null ? "" : hex.group(3).replace("_", "");
    BigInteger mantissa = new BigInteger("0" + intDigits + fracDigits, 16);
    if (mantissa.signum() == 0) return BigDecimal.ZERO;
    BigInteger exponent = new BigInteger(hex.group(4).replace("_", ""))
        .subtract(BigInteger.valueOf(4L * fracDigits.length()));
    BigInteger top = exponent.add(BigInteger.valueOf(mantissa.bitLength()));
    if (top.compareTo(BigInteger.valueOf(1100)) > 0) return null;
    if (top.compareTo(BigInteger.valueOf(-100_000)) < 0) return BigDecimal.ZERO; // ParseFloat underflows to 0
    int e = exponent.intValueExact();
    BigDecimal v = e >= 0
        ? new BigDecimal(mantissa.shiftLeft(e))
        : new BigDecimal(mantissa.multiply(BigInteger.valueOf(5).pow(-e)), -e);
    return hex.group(1).equals("-") ? v.negate() : v;
  }

  private static BuiltinException parseError(String s, String why) {
    return BuiltinException.error("strconv.ParseFloat: parsing " + Formatter.goQuote(s) + ": " + why);
  }

  private static Value castArray(Value v) {
    if (v instanceof ArrayValue) return v;
    if (v instanceof SetValue s) return ArrayValue.of(s.elements());
    throw BuiltinException.typeError("operand 1 must be one of {array, set} but got " + v.typeName());
  }

  private static Value castSet(Value v) {
    if (v instanceof SetValue) return v;
    if (v instanceof ArrayValue a) return SetValue.of(a.asList());
    throw BuiltinException.typeError("operand 1 must be one of {array, set} but got " + v.typeName());
  }

  private static Value cast(Value v, Class<? extends Value> type, String name) {
    if (type.isInstance(v)) return v;
    throw BuiltinException.operand(0, name, v);
  }
}
