package dev.postee.rego.value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * An exact number. Integers that fit a {@code long} take the fast path; everything else is a
 * {@link BigDecimal}, so integers beyond 2^53 (or 2^64) and decimals stay exact, as OPA keeps them.
 *
 * <p>Like OPA's {@code ast.Number}, a number also has a text, which is what JSON output, print and
 * string interpolation show: a literal keeps the text it was written with ({@code 1e-05}, {@code 1E3}),
 * and a computed non-integer the text Go's {@code big.Float.Text('g', -1)} gives it
 * ({@code 1.0000015e+06}). The text never takes part in equality, hashing or ordering.
 */
public final class NumberValue implements Value {
  private static final NumberValue[] SMALL = new NumberValue[1024 + 128];
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  /** Precision used where OPA computes with big.Float (64-bit mantissa): about 19-20 digits. */
  public static final MathContext FLOAT_CONTEXT = new MathContext(20, RoundingMode.HALF_EVEN);
  private static final int MAX_CANONICAL_DIGITS = 4096;

  static {
    for (int i = 0; i < SMALL.length; i++) SMALL[i] = new NumberValue(i - 128, null);
  }

  public static final NumberValue ZERO = of(0);
  public static final NumberValue ONE = of(1);

  private final long small;
  private final BigDecimal big; // null when the value is the integer 'small'
  private final String text;    // null when the number shows as its canonical decimal form
  private int hash;

  private NumberValue(long small, BigDecimal big) {
    this(small, big, null);
  }

  private NumberValue(long small, BigDecimal big, String text) {
    this.small = small;
    this.big = big;
    this.text = text;
  }

  public static NumberValue of(long v) {
    if (v >= -128 && v < SMALL.length - 128) return SMALL[(int) v + 128];
    return new NumberValue(v, null);
  }

  public static NumberValue of(int v) { return of((long) v); }

  public static NumberValue of(BigInteger v) {
    if (v.bitLength() < 64) return of(v.longValue());
    return new NumberValue(0, new BigDecimal(v));
  }

  /** Keeps the scale as given (so {@code 1.0} prints as {@code 1.0}), but integral longs use the fast path. */
  public static NumberValue of(BigDecimal v) {
    if (v.scale() == 0 && v.compareTo(LONG_MIN) >= 0 && v.compareTo(LONG_MAX) <= 0) {
      return of(v.longValueExact());
    }
    return new NumberValue(0, v);
  }

  /**
   * A computed result, shown as OPA's FloatToNumber shows it: an integral value in plain digits
   * (Go's {@code Text('f', -1)}: {@code 1000000000}), anything else as Go's {@code Text('g', -1)}
   * shows the shortest decimal: exponent form when the decimal exponent is below -4 or at least 6
   * ({@code 1e-05}, {@code 1.0000015e+06}), plain otherwise ({@code 0.5}).
   */
  public static NumberValue ofComputed(BigDecimal v) {
    if (v.signum() == 0) return ZERO;
    BigDecimal s = v.stripTrailingZeros();
    if (s.scale() <= 0) {
      return s.precision() - s.scale() <= 18 ? of(s.longValueExact()) : new NumberValue(0, s.setScale(0));
    }
    return new NumberValue(0, s).withText(goShortestG(s));
  }

  /** This value shown as the given text (null or the canonical form: no text of its own). */
  private NumberValue withText(String t) {
    if (t == null) return this;
    // 1e100000 is kept as written without expanding it just to compare
    boolean huge = big != null && big.scale() < -MAX_CANONICAL_DIGITS;
    if (!huge && t.equals(canonical())) return this;
    return new NumberValue(small, big, t);
  }

  /**
   * Go's 'g' format with the shortest precision for a decimal d1..dn x 10^e: {@code %e} when the
   * exponent of the first digit is below -4 or at least 6 (the shortest-precision threshold of
   * math/big and strconv), otherwise {@code %f} with exactly the digits needed.
   */
  static String goShortestG(BigDecimal v) {
    if (v.signum() == 0) return "0";
    BigDecimal s = v.stripTrailingZeros();
    String digits = s.unscaledValue().abs().toString();
    int n = digits.length();
    long pointPos = (long) n - s.scale(); // value = 0.d1..dn x 10^pointPos
    long exp = pointPos - 1;
    StringBuilder sb = new StringBuilder(n + 8);
    if (s.signum() < 0) sb.append('-');
    if (exp < -4 || exp >= 6) {
      sb.append(digits.charAt(0));
      if (n > 1) sb.append('.').append(digits, 1, n);
      sb.append('e').append(exp < 0 ? '-' : '+');
      long abs = Math.abs(exp);
      if (abs < 10) sb.append('0');
      sb.append(abs);
      return sb.toString();
    }
    if (pointPos > 0) {
      int intDigits = (int) Math.min(n, pointPos);
      sb.append(digits, 0, intDigits);
      for (long i = intDigits; i < pointPos; i++) sb.append('0');
    } else {
      sb.append('0');
    }
    long frac = Math.max(n - pointPos, 0);
    if (frac > 0) {
      sb.append('.');
      for (long i = 0; i < frac; i++) {
        long j = pointPos + i;
        sb.append(j >= 0 && j < n ? digits.charAt((int) j) : '0');
      }
    }
    return sb.toString();
  }

  public static NumberValue of(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 9.0e15) return of((long) d);
    return ofComputed(new BigDecimal(Double.toString(d)));
  }

  /** Parses a JSON/Rego number literal, which keeps its text (as OPA's json.Number does). */
  public static NumberValue parse(String text) {
    int n = text.length();
    if (n > 0 && n < 19) {
      boolean digits = true;
      for (int i = text.charAt(0) == '-' ? 1 : 0; i < n; i++) {
        char c = text.charAt(i);
        if (c < '0' || c > '9') { digits = false; break; }
      }
      if (digits && !(n == 1 && text.charAt(0) == '-')) return of(Long.parseLong(text)).withText(text);
    }
    return of(new BigDecimal(text)).withText(text);
  }

  public boolean isSmallInt() { return big == null; }

  /** The value as a long when it is a small integer; check {@link #isSmallInt()} first. */
  public long longValue() { return big == null ? small : big.longValue(); }

  public boolean isInteger() {
    return big == null || big.signum() == 0 || big.scale() <= 0 || big.stripTrailingZeros().scale() <= 0;
  }

  /** The integer value, or null when this is not an integer. */
  public BigInteger toBigInteger() {
    if (big == null) return BigInteger.valueOf(small);
    if (!isInteger()) return null;
    return big.toBigIntegerExact();
  }

  /** Returns the value as an int if it is an integer in int range, else null. */
  public Integer intValueExact() {
    if (big == null) {
      return small >= Integer.MIN_VALUE && small <= Integer.MAX_VALUE ? (int) small : null;
    }
    BigInteger bi = toBigInteger();
    if (bi == null || bi.bitLength() >= 32) return null;
    return bi.intValue();
  }

  public BigDecimal toBigDecimal() { return big == null ? BigDecimal.valueOf(small) : big; }

  public double doubleValue() { return big == null ? (double) small : big.doubleValue(); }

  public int signum() { return big == null ? Long.signum(small) : big.signum(); }

  public int compareNumber(NumberValue o) {
    if (big == null && o.big == null) return Long.compare(small, o.small);
    return toBigDecimal().compareTo(o.toBigDecimal());
  }

  @Override public int typeRank() { return 2; }
  @Override public String typeName() { return "number"; }

  @Override
  public boolean equals(Object o) {
    if (o == this) return true;
    if (!(o instanceof NumberValue n)) return false;
    if (big == null && n.big == null) return small == n.small;
    return compareNumber(n) == 0;
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      if (big == null) {
        h = Long.hashCode(small);
      } else if (isInteger()) {
        BigInteger bi = toBigInteger();
        h = bi.bitLength() < 64 ? Long.hashCode(bi.longValue()) : bi.hashCode();
      } else {
        h = big.stripTrailingZeros().hashCode();
      }
      if (h == 0) h = 1;
      hash = h;
    }
    return h;
  }

  /** The number's text, as OPA's json.Number holds it. */
  @Override
  public String toString() {
    return text != null ? text : canonical();
  }

  /** The decimal form of the value itself: digits, the scale it was given, no exponent unless huge. */
  private String canonical() {
    if (big == null) return Long.toString(small);
    if (big.scale() <= 0) return big.toBigInteger().toString();
    String plain = big.toPlainString();
    if (plain.length() > 40) return big.toString().replace("E", "e");
    return plain;
  }
}
