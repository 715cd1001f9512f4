package dev.postee.rego.builtins;

import dev.postee.rego.builtins.ArithmeticBuiltins.GoFloat;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code units.parse} (SI and binary suffixes, exact rational arithmetic) and
 * {@code units.parse_bytes} (byte suffixes, case-insensitive, truncated to an integer), with OPA's
 * parsing rules and error texts.
 */
public final class UnitsBuiltins implements BuiltinRegistrar {
  /** What Go's big.Rat / big.Float SetString accept from the characters the splitter lets through. */
  private static final Pattern AMOUNT = Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
  /** Scientific exponents longer than this are refused before any arithmetic. */
  private static final int MAX_EXPONENT_DIGITS = 6;
  /** units.parse multiplies by the float64 0.001, whose exact binary value is slightly above 1/1000. */
  private static final BigDecimal MILLI = new BigDecimal(0.001);

  private static final Map<String, BigDecimal> SI_UNITS = Map.ofEntries(
      Map.entry("m", MILLI),
      Map.entry("", BigDecimal.ONE),
      Map.entry("k", pow(1000, 1)), Map.entry("K", pow(1000, 1)),
      Map.entry("ki", pow(1024, 1)), Map.entry("Ki", pow(1024, 1)),
      Map.entry("M", pow(1000, 2)),
      Map.entry("mi", pow(1024, 2)), Map.entry("Mi", pow(1024, 2)),
      Map.entry("g", pow(1000, 3)), Map.entry("G", pow(1000, 3)),
      Map.entry("gi", pow(1024, 3)), Map.entry("Gi", pow(1024, 3)),
      Map.entry("t", pow(1000, 4)), Map.entry("T", pow(1000, 4)),
      Map.entry("ti", pow(1024, 4)), Map.entry("Ti", pow(1024, 4)),
      Map.entry("p", pow(1000, 5)), Map.entry("P", pow(1000, 5)),
      Map.entry("pi", pow(1024, 5)), Map.entry("Pi", pow(1024, 5)),
      Map.entry("e", pow(1000, 6)), Map.entry("E", pow(1000, 6)),
      Map.entry("ei", pow(1024, 6)), Map.entry("Ei", pow(1024, 6)));

  private static final Map<String, BigDecimal> BYTE_UNITS = Map.ofEntries(
      Map.entry("", BigDecimal.ONE),
      Map.entry("kb", pow(1000, 1)), Map.entry("k", pow(1000, 1)),
      Map.entry("kib", pow(1024, 1)), Map.entry("ki", pow(1024, 1)),
      Map.entry("mb", pow(1000, 2)), Map.entry("m", pow(1000, 2)),
      Map.entry("mib", pow(1024, 2)), Map.entry("mi", pow(1024, 2)),
      Map.entry("gb", pow(1000, 3)), Map.entry("g", pow(1000, 3)),
      Map.entry("gib", pow(1024, 3)), Map.entry("gi", pow(1024, 3)),
      Map.entry("tb", pow(1000, 4)), Map.entry("t", pow(1000, 4)),
      Map.entry("tib", pow(1024, 4)), Map.entry("ti", pow(1024, 4)),
      Map.entry("pb", pow(1000, 5)), Map.entry("p", pow(1000, 5)),
      Map.entry("pib", pow(1024, 5)), Map.entry("pi", pow(1024, 5)),
      Map.entry("eb", pow(1000, 6)), Map.entry("e", pow(1000, 6)),
      Map.entry("eib", pow(1024, 6)), Map.entry("ei", pow(1024, 6)));

  @Override
  public void register(BuiltinRegistry r) {
    r.function("units.parse", (ctx, a) -> parseUnits(Args.string(a, 0)));
    r.function("units.parse_bytes", (ctx, a) -> parseBytes(Args.string(a, 0)));
  }

  private static BigDecimal pow(int base, int n) {
    return new BigDecimal(BigInteger.valueOf(base).pow(n));
  }

  /** Exact product of amount and unit; integers stay integers, fractions get 10 decimals (as OPA prints them). */
  private static Value parseUnits(String raw) {
    String s = raw.replace("\"", "");
    if (s.contains(" ")) throw fail("units.parse", "spaces not allowed in resource strings");
    String[] parts = splitAmountAndUnit(s, "units.parse");
    String amount = parts[0];
    String unit = parts[1];
    if (amount.isEmpty()) throw fail("units.parse", "no amount provided");
    // Only letters after the first are folded, so that m (milli) and M (mega) stay apart.
    if (unit.length() > 1) unit = unit.charAt(0) + unit.substring(1).toLowerCase(Locale.ROOT);
    BigDecimal factor = SI_UNITS.get(unit);
    if (factor == null) throw fail("units.parse", "unit " + unit + " not recognized");
    if (!AMOUNT.matcher(amount).matches()) throw fail("units.parse", "could not parse amount to a number");
    BigDecimal value = new BigDecimal(amount).multiply(factor);
    if (value.signum() == 0 || value.stripTrailingZeros().scale() <= 0) {
      return NumberValue.of(value.toBigIntegerExact());
    }
    return NumberValue.of(value.setScale(10, RoundingMode.HALF_UP));
  }

  /** The amount (as a 64-bit big.Float) times the unit, truncated towards zero. */
  private static Value parseBytes(String raw) {
    String s = raw.toLowerCase(Locale.ROOT).replace("\"", "");
    if (s.contains(" ")) throw fail("units.parse_bytes", "spaces not allowed in resource strings");
    String[] parts = splitAmountAndUnit(s, "units.parse_bytes");
    String amount = parts[0];
    if (amount.isEmpty()) throw fail("units.parse_bytes", "no byte amount provided");
    BigDecimal factor = BYTE_UNITS.get(parts[1]);
    if (factor == null) throw fail("units.parse_bytes", "byte unit " + parts[1] + " not recognized");
    if (!AMOUNT.matcher(amount).matches()) {
      throw fail("units.parse_bytes", "could not parse byte amount to a number");
    }
    GoFloat number = GoFloat.ofDecimal(new BigDecimal(amount), GoFloat.DEFAULT_PREC);
    GoFloat unit = GoFloat.ofIntRounded(factor.toBigIntegerExact(), GoFloat.DEFAULT_PREC);
    return NumberValue.of(number.mul(unit).truncate());
  }

  /**
   * OPA's extractNumAndUnit: the amount runs over digits, '.', '+', '-' and an 'e'/'E' that is
   * followed by a digit or sign; the rest is the unit. Long exponents are refused.
   */
  private static String[] splitAmountAndUnit(String s, String builtin) {
    int n = s.length();
    int boundary = -1;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean numeric = isDigit(c) || c == '.' || c == '+' || c == '-';
      if (!numeric && c != 'e' && c != 'E') {
        boundary = i;
        break;
      }
      if (c == 'e' || c == 'E') {
        if (i == n - 1 || (!isDigit(s.charAt(i + 1)) && s.charAt(i + 1) != '+' && s.charAt(i + 1) != '-')) {
          boundary = i;
          break;
        }
        if (s.charAt(i + 1) == '+' || s.charAt(i + 1) == '-') i++;
        int digits = 0;
        while (i + 1 + digits < n && isDigit(s.charAt(i + 1 + digits))) digits++;
        if (digits > MAX_EXPONENT_DIGITS) throw fail(builtin, "exponent too large");
      }
    }
    if (boundary == -1) return new String[] {s, ""};
    return new String[] {s.substring(0, boundary), s.substring(boundary)};
  }

  private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

  /** OPA's messages carry the builtin name themselves (so it shows twice once prefixed). */
  private static BuiltinException fail(String builtin, String message) {
    return BuiltinException.error(builtin + ": " + message);
  }
}
