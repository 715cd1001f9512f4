package dev.postee.rego.builtins;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Arithmetic: {@code plus}, {@code minus} (numbers and set difference), {@code mul}, {@code div},
 * {@code rem}, {@code abs}, {@code round}, {@code ceil}, {@code floor}, {@code numbers.range},
 * {@code numbers.range_step}.
 *
 * <p>As in OPA, integer addition, subtraction, multiplication and remainder are exact on integers of
 * any size. Everything else (division, non-integers, the unary operations outside the int32 window)
 * runs through Go's {@code big.Float} with a 64-bit mantissa, which {@link GoFloat} reproduces bit
 * for bit, including how results are printed back to decimal.
 */
public final class ArithmeticBuiltins implements BuiltinRegistrar {
  private static final long MIN_SMALL = Integer.MIN_VALUE;
  private static final long MAX_SMALL = Integer.MAX_VALUE;
  /** Largest integer (in decimal digits) that exact arithmetic expands. */
  private static final long MAX_INTEGER_DIGITS = 1_000_000;
  /** Go's big.NewFloat(0.5) and big.NewFloat(1.0): float64 constants, 53-bit precision. */
  private static final GoFloat HALF = GoFloat.exact(BigInteger.ONE, -1, 53);
  private static final GoFloat ONE = GoFloat.exact(BigInteger.ONE, 0, 53);

  @Override
  public void register(BuiltinRegistry r) {
    r.function("plus", (ctx, a) -> exactOrFloat(a, BigInteger::add, GoFloat::add));
    r.function("minus", (ctx, a) -> minus(a));
    r.function("mul", (ctx, a) -> exactOrFloat(a, BigInteger::multiply, GoFloat::mul));
    r.function("div", (ctx, a) -> divide(Args.number(a, 0), Args.number(a, 1)));
    r.function("rem", (ctx, a) -> remainder(Args.number(a, 0), Args.number(a, 1)));
    r.function("abs", (ctx, a) -> unary(Args.number(a, 0), Math::abs, GoFloat::abs));
    r.function("round", (ctx, a) -> unary(Args.number(a, 0), x -> x, ArithmeticBuiltins::roundHalfAway));
    r.function("ceil", (ctx, a) -> unary(Args.number(a, 0), x -> x, ArithmeticBuiltins::ceil));
    r.function("floor", (ctx, a) -> unary(Args.number(a, 0), x -> x, ArithmeticBuiltins::floor));
    r.function("numbers.range", (ctx, a) -> range(ctx, a, "numbers.range",
        bigIntOperand(a, 0), bigIntOperand(a, 1), BigInteger.ONE));
    r.function("numbers.range_step", (ctx, a) -> rangeStep(ctx, a));
  }

  private interface ExactOp {
    BigInteger apply(BigInteger x, BigInteger y);
  }

  private interface FloatOp {
    GoFloat apply(GoFloat x, GoFloat y);
  }

  private interface SmallUnary {
    long apply(long x);
  }

  private interface FloatUnary {
    GoFloat apply(GoFloat x);
  }

  private static Value exactOrFloat(Value[] args, ExactOp exact, FloatOp floatOp) {
    NumberValue a = Args.number(args, 0);
    NumberValue b = Args.number(args, 1);
    return exactOrFloat(a, b, exact, floatOp);
  }

  private static NumberValue exactOrFloat(NumberValue a, NumberValue b, ExactOp exact, FloatOp floatOp) {
    BigInteger x = exactInteger(a);
    BigInteger y = x == null ? null : exactInteger(b);
    if (y != null) return NumberValue.of(exact.apply(x, y));
    return floatOp.apply(GoFloat.of(a), GoFloat.of(b)).toNumber();
  }

  /** OPA's minus: numbers subtract, sets differ, and mixed operands get OPA's operand errors. */
  private static Value minus(Value[] args) {
    Value a = args[0];
    Value b = args[1];
    if (a instanceof NumberValue x && b instanceof NumberValue y) {
      return exactOrFloat(x, y, BigInteger::subtract, GoFloat::sub);
    }
    if (a instanceof SetValue x && b instanceof SetValue y) return x.minus(y);
    if (!(a instanceof NumberValue) && !(a instanceof SetValue)) {
      throw BuiltinException.typeError("operand 1 must be one of {number, set} but got " + a.typeName());
    }
    if (b instanceof NumberValue) throw BuiltinException.operand(1, "set", b);
    throw BuiltinException.operand(1, "number", b);
  }

  /** Division is exact only for int32 operands that divide; everything else is a float quotient. */
  private static NumberValue divide(NumberValue a, NumberValue b) {
    if (isSmallInt(a) && isSmallInt(b)) {
      long x = a.longValue();
      long y = b.longValue();
      if (y == 0) throw BuiltinException.error("divide by zero");
      if (x != 0 && x % y == 0) return NumberValue.of(x / y);
    }
    GoFloat divisor = GoFloat.of(b);
    if (divisor.isZero()) throw BuiltinException.error("divide by zero");
    return GoFloat.of(a).quo(divisor).toNumber();
  }

  private static NumberValue remainder(NumberValue a, NumberValue b) {
    if (isSmallInt(a) && isSmallInt(b)) {
      long y = b.longValue();
      if (y == 0) throw BuiltinException.error("modulo by zero");
      return NumberValue.of(a.longValue() % y);
    }
    BigInteger x = exactInteger(a);
    BigInteger y = x == null ? null : exactInteger(b);
    if (y == null) throw BuiltinException.error("modulo on floating-point number");
    if (y.signum() == 0) throw BuiltinException.error("modulo by zero");
    return NumberValue.of(x.remainder(y));
  }

  private static NumberValue unary(NumberValue n, SmallUnary small, FloatUnary op) {
    if (isSmallInt(n)) return NumberValue.of(small.apply(n.longValue()));
    return op.apply(GoFloat.of(n)).toNumber();
  }

  private static GoFloat roundHalfAway(GoFloat a) {
    GoFloat shifted = a.isNegative() ? a.sub(HALF) : a.add(HALF);
    return GoFloat.ofInt(shifted.truncate());
  }

  /*
   * OPA's ceil and floor truncate first and then look at the sign of the truncated value, so for
   * -1 < x < 0 they answer ceil(x) = 1 and floor(x) = 0. Reproduced as is: OPA is the reference.
   */
  private static GoFloat ceil(GoFloat a) {
    GoFloat f = GoFloat.ofInt(a.truncate());
    if (f.isNegative() || a.isInteger()) return f;
    return f.add(ONE);
  }

  private static GoFloat floor(GoFloat a) {
    GoFloat f = GoFloat.ofInt(a.truncate());
    if (!f.isNegative() || a.isInteger()) return f;
    return f.sub(ONE);
  }

  /** OPA's "small int": an integer literal (no fraction, no exponent) within the int32 range. */
  private static boolean isSmallInt(NumberValue n) {
    if (!n.isSmallInt()) return false;
    long v = n.longValue();
    return v >= MIN_SMALL && v <= MAX_SMALL;
  }

  // ---- numbers.range / numbers.range_step ------------------------------------------------------

  private static Value rangeStep(BuiltinContext ctx, Value[] args) {
    BigInteger from = bigIntOperand(args, 0);
    BigInteger to = bigIntOperand(args, 1);
    BigInteger step = bigIntOperand(args, 2);
    if (step.signum() <= 0) {
      throw BuiltinException.error("numbers.range_step: step must be a positive integer");
    }
    return range(ctx, args, "numbers.range_step", from, to, step);
  }

  /** Inclusive range from 'from' towards 'to' (upwards or downwards) in steps of 'step'. */
  private static Value range(BuiltinContext ctx, Value[] args, String name, BigInteger from, BigInteger to,
      BigInteger step) {
    BigInteger span = to.subtract(from).abs();
    BigInteger count = span.divide(step).add(BigInteger.ONE);
    if (count.bitLength() > 31 || count.intValue() > Integer.MAX_VALUE - 8) {
      throw BuiltinException.error(name + ": range too large");
    }
    int n = count.intValue();
    boolean up = from.compareTo(to) <= 0;
    Value[] out = new Value[n];
    if (from.bitLength() < 63 && to.bitLength() < 63 && step.bitLength() < 63) {
      long s = up ? step.longValue() : -step.longValue();
      long v = from.longValue();
      for (int i = 0; i < n; i++, v += s) {
        if ((i & 0xFFF) == 0xFFF) ctx.checkLimits();
        out[i] = NumberValue.of(v);
      }
    } else {
      BigInteger s = up ? step : step.negate();
      BigInteger v = from;
      for (int i = 0; i < n; i++, v = v.add(s)) {
        if ((i & 0xFFF) == 0xFFF) ctx.checkLimits();
        out[i] = NumberValue.of(v);
      }
    }
    return ArrayValue.wrap(out);
  }

  // ---- operand helpers shared by the numeric namespaces ----------------------------------------

  /** OPA's IntOperand: an integer literal that fits a Go int (64 bits). */
  static long intOperand(Value[] args, int i) {
    NumberValue n = Args.number(args, i);
    if (!n.isSmallInt()) {
      throw BuiltinException.typeError("operand " + (i + 1) + " must be integer number but got floating-point number");
    }
    return n.longValue();
  }

  /** OPA's BigIntOperand: any integer-valued number, exactly. */
  static BigInteger bigIntOperand(Value[] args, int i) {
    if (!(args[i] instanceof NumberValue n)) throw BuiltinException.operand(i, "integer", args[i]);
    BigInteger v = exactInteger(n);
    if (v == null) {
      throw BuiltinException.typeError("operand " + (i + 1) + " must be integer number but got floating-point number");
    }
    return v;
  }

  /**
   * The number as an exact integer, or null when it has a fraction. Integers written with huge
   * exponents (1e2000000000) are refused rather than expanded.
   */
  static BigInteger exactInteger(NumberValue n) {
    if (n.isSmallInt()) return BigInteger.valueOf(n.longValue());
    BigDecimal d = n.toBigDecimal();
    if ((long) d.precision() - d.scale() > MAX_INTEGER_DIGITS && n.isInteger()) {
      throw BuiltinException.error("number too large");
    }
    return n.toBigInteger();
  }

  /**
   * Go's {@code math/big.Float} as OPA uses it: a sign, a binary mantissa and an exponent, every
   * result rounded half-to-even to the precision (in mantissa bits) of the operation. Precision
   * follows Go's rules: a fresh result takes the larger precision of its operands.
   */
  static final class GoFloat {
    static final int DEFAULT_PREC = 64;
    /** Go keeps 5^0..5^27 in a table; larger powers are computed (and rounded) by squaring. */
    private static final int EXACT_POW5 = 27;
    private static final BigInteger FIVE = BigInteger.valueOf(5);
    /**
     * Refuse to expand a float to an integer or exact decimal longer than about a million digits
     * (OPA would churn through gigabytes); units.parse_bytes' largest exponent (10^999999) fits.
     */
    static final long MAX_EXPANSION_BITS = 1L << 22;

    private final boolean negative;
    private final BigInteger mant; // magnitude, >= 0; zero means the value 0
    private final long exp;        // value = (negative ? -1 : 1) * mant * 2^exp
    final int prec;

    private GoFloat(boolean negative, BigInteger mant, long exp, int prec) {
      this.negative = negative && mant.signum() != 0;
      this.mant = mant;
      this.exp = exp;
      this.prec = prec;
    }

    /** An exactly representable value (mant must fit prec bits). */
    static GoFloat exact(BigInteger mant, long exp, int prec) {
      return new GoFloat(mant.signum() < 0, mant.abs(), exp, prec);
    }

    /** big.Float.SetString on the number's text at 64 bits (OPA's NumberToFloat). */
    static GoFloat of(NumberValue n) {
      if (n.isSmallInt()) return ofIntRounded(BigInteger.valueOf(n.longValue()), DEFAULT_PREC);
      return ofDecimal(n.toBigDecimal(), DEFAULT_PREC);
    }

    /** big.Float.SetInt: precision is the larger of 64 and the integer's bit length, so exact. */
    static GoFloat ofInt(BigInteger i) {
      return new GoFloat(i.signum() < 0, i.abs(), 0, Math.max(DEFAULT_PREC, i.abs().bitLength()));
    }

    /** big.Float.SetUint64 (and friends) on a fresh Float: 64 bits. */
    static GoFloat ofIntRounded(BigInteger i, int prec) {
      return round(i.signum() < 0, i.abs(), 0, prec, false);
    }

    /**
     * big.Float.SetString on decimal text: the digits as an exact integer M, times 2^k, then times
     * or divided by 5^|k|, where 10^k is the decimal exponent. That last step rounds once.
     */
    static GoFloat ofDecimal(BigDecimal d, int prec) {
      BigInteger m = d.unscaledValue().abs();
      boolean neg = d.signum() < 0;
      if (m.signum() == 0) return new GoFloat(false, BigInteger.ZERO, 0, prec);
      long k = -(long) d.scale();
      if (k == 0) return round(neg, m, 0, prec, false);
      GoFloat z = new GoFloat(neg, m, k, prec);
      GoFloat p = pow5(Math.abs(k), prec + 64);
      return k < 0 ? quo(z, p, prec) : mul(z, p, prec);
    }

    /** Go's Float.pow5: exact up to 5^27, then square-and-multiply with rounding. */
    private static GoFloat pow5(long n, int prec) {
      if (n <= EXACT_POW5) return new GoFloat(false, FIVE.pow((int) n), 0, prec);
      GoFloat z = new GoFloat(false, FIVE.pow(EXACT_POW5), 0, prec);
      GoFloat f = new GoFloat(false, FIVE, 0, prec + 64);
      long rest = n - EXACT_POW5;
      while (rest > 0) {
        if ((rest & 1) != 0) z = mul(z, f, z.prec);
        f = mul(f, f, f.prec);
        rest >>>= 1;
      }
      return z;
    }

    boolean isZero() { return mant.signum() == 0; }

    boolean isNegative() { return negative; }

    boolean isInteger() {
      return mant.signum() == 0 || exp >= 0 || mant.getLowestSetBit() >= -exp;
    }

    GoFloat add(GoFloat y) { return add(this, y, Math.max(prec, y.prec)); }

    GoFloat sub(GoFloat y) { return add(this, y.negate(), Math.max(prec, y.prec)); }

    GoFloat mul(GoFloat y) { return mul(this, y, Math.max(prec, y.prec)); }

    /** Multiplication rounded to this value's own precision (Go's z.Mul(z, y) on a set z). */
    GoFloat mulKeepingPrecision(GoFloat y) { return mul(this, y, prec); }

    GoFloat quo(GoFloat y) { return quo(this, y, Math.max(prec, y.prec)); }

    GoFloat abs() { return new GoFloat(false, mant, exp, prec); }

    private GoFloat negate() { return new GoFloat(!negative, mant, exp, prec); }

    /** Truncation towards zero (big.Float.Int). */
    BigInteger truncate() {
      BigInteger magnitude;
      if (exp >= 0) {
        if (exp + mant.bitLength() > MAX_EXPANSION_BITS) throw BuiltinException.error("number too large");
        magnitude = mant.shiftLeft((int) exp);
      } else if (-exp >= mant.bitLength()) {
        magnitude = BigInteger.ZERO;
      } else {
        magnitude = mant.shiftRight((int) -exp);
      }
      return negative ? magnitude.negate() : magnitude;
    }

    private static GoFloat add(GoFloat x, GoFloat y, int prec) {
      if (x.isZero()) return round(y.negative, y.mant, y.exp, prec, false);
      if (y.isZero()) return round(x.negative, x.mant, x.exp, prec, false);
      long topX = x.exp + x.mant.bitLength();
      long topY = y.exp + y.mant.bitLength();
      // An operand below half an ulp of the other cannot change the rounded sum (the larger one
      // is representable at this precision), so skip aligning mantissas across a huge gap.
      if (topY <= topX - 3 - prec) return round(x.negative, x.mant, x.exp, prec, false);
      if (topX <= topY - 3 - prec) return round(y.negative, y.mant, y.exp, prec, false);
      long low = Math.min(x.exp, y.exp);
      BigInteger a = x.mant.shiftLeft((int) (x.exp - low));
      BigInteger b = y.mant.shiftLeft((int) (y.exp - low));
      BigInteger sum = (x.negative ? a.negate() : a).add(y.negative ? b.negate() : b);
      return round(sum.signum() < 0, sum.abs(), low, prec, false);
    }

    private static GoFloat mul(GoFloat x, GoFloat y, int prec) {
      return round(x.negative != y.negative, x.mant.multiply(y.mant), x.exp + y.exp, prec, false);
    }

    private static GoFloat quo(GoFloat x, GoFloat y, int prec) {
      if (x.isZero()) return new GoFloat(false, BigInteger.ZERO, 0, prec);
      int shift = Math.max(0, prec + 2 + y.mant.bitLength() - x.mant.bitLength());
      BigInteger[] qr = x.mant.shiftLeft(shift).divideAndRemainder(y.mant);
      return round(x.negative != y.negative, qr[0], x.exp - shift - y.exp, prec, qr[1].signum() != 0);
    }

    /** Rounds mant * 2^exp half-to-even to prec bits; sticky marks discarded nonzero bits below. */
    private static GoFloat round(boolean neg, BigInteger mant, long exp, int prec, boolean sticky) {
      if (mant.signum() == 0) return new GoFloat(false, BigInteger.ZERO, 0, prec);
      int bits = mant.bitLength();
      if (bits <= prec && !sticky) return new GoFloat(neg, mant, exp, prec);
      if (bits < prec + 2) { // make room for the rounding bit when only a sticky bit is known
        int grow = prec + 2 - bits;
        mant = mant.shiftLeft(grow);
        exp -= grow;
        bits += grow;
      }
      int drop = bits - prec;
      BigInteger kept = mant.shiftRight(drop);
      boolean half = mant.testBit(drop - 1);
      boolean below = sticky || mant.getLowestSetBit() < drop - 1;
      if (half && (below || kept.testBit(0))) {
        kept = kept.add(BigInteger.ONE);
        if (kept.bitLength() > prec) {
          kept = kept.shiftRight(1);
          drop++;
        }
      }
      return new GoFloat(neg, kept, exp + drop, prec);
    }

    /**
     * OPA's FloatToNumber: the shortest decimal that reads back to the same value at this
     * precision (Go's Text('g'/'f', -1)), as an exact number.
     */
    NumberValue toNumber() {
      if (isZero()) return NumberValue.ZERO;
      if (exp >= 0 && exp + mant.bitLength() <= prec) {
        BigInteger v = mant.shiftLeft((int) exp);
        return NumberValue.of(negative ? v.negate() : v);
      }
      // x = m * 2^e with m of exactly prec+1 bits, so that 1 in m is half an ulp
      int grow = prec + 1 - mant.bitLength();
      BigInteger m = grow >= 0 ? mant.shiftLeft(grow) : mant.shiftRight(-grow);
      long e = exp - grow;
      Decimal d = Decimal.of(mant, exp);
      Decimal lower = Decimal.of(m.subtract(BigInteger.ONE), e);
      Decimal upper = Decimal.of(m.add(BigInteger.ONE), e);
      d.shorten(lower, upper, !m.testBit(1));
      return NumberValue.ofComputed(d.toBigDecimal(negative));
    }
  }

  /** Go's big.decimal: digits d1 d2 ... (no trailing zeros) with value 0.d1d2... * 10^exp. */
  private static final class Decimal {
    private char[] digits;
    private int len;
    private long exp;

    private Decimal(String s, long exp) {
      int n = s.length();
      while (n > 0 && s.charAt(n - 1) == '0') n--;
      this.digits = s.toCharArray();
      this.len = n;
      this.exp = exp;
    }

    /** The exact decimal form of m * 2^e (m > 0). */
    static Decimal of(BigInteger m, long e) {
      if (Math.abs(e) > GoFloat.MAX_EXPANSION_BITS) throw BuiltinException.error("number too large");
      if (e >= 0) {
        String s = m.shiftLeft((int) e).toString();
        return new Decimal(s, s.length());
      }
      int tz = m.getLowestSetBit();
      long s = Math.min(tz, -e);
      m = m.shiftRight((int) s);
      e += s;
      if (e == 0) {
        String t = m.toString();
        return new Decimal(t, t.length());
      }
      String t = m.multiply(BigInteger.valueOf(5).pow((int) -e)).toString();
      return new Decimal(t, t.length() + e);
    }

    private char at(int i) { return i < len ? digits[i] : '0'; }

    /** Go's roundShortest: fewest digits that stay within [lower, upper]. */
    void shorten(Decimal lower, Decimal upper, boolean inclusive) {
      for (int i = 0; i < len; i++) {
        char m = digits[i];
        char l = lower.at(i);
        char u = upper.at(i);
        boolean okDown = l != m || inclusive && i + 1 == lower.len;
        boolean okUp = m != u && (inclusive || m + 1 < u || i + 1 < upper.len);
        if (okDown && okUp) {
          roundNearest(i + 1);
          return;
        }
        if (okDown) {
          roundDown(i + 1);
          return;
        }
        if (okUp) {
          roundUp(i + 1);
          return;
        }
      }
    }

    private void roundNearest(int n) {
      if (n >= len) return;
      boolean up;
      if (digits[n] == '5' && n + 1 == len) {
        up = n > 0 && ((digits[n - 1] - '0') & 1) != 0; // exactly halfway: to even
      } else {
        up = digits[n] >= '5';
      }
      if (up) roundUp(n);
      else roundDown(n);
    }

    private void roundUp(int n) {
      if (n >= len) return;
      while (n > 0 && digits[n - 1] >= '9') n--;
      if (n == 0) {
        digits[0] = '1';
        len = 1;
        exp++;
        return;
      }
      digits[n - 1]++;
      len = n;
    }

    private void roundDown(int n) {
      if (n >= len) return;
      len = n;
      while (len > 0 && digits[len - 1] == '0') len--;
    }

    BigDecimal toBigDecimal(boolean negative) {
      BigInteger unscaled = new BigInteger(new String(digits, 0, len));
      long scale = len - exp;
      if (scale > Integer.MAX_VALUE || scale < Integer.MIN_VALUE) {
        throw BuiltinException.error("number too large");
      }
      BigDecimal v = new BigDecimal(unscaled, (int) scale);
      return negative ? v.negate() : v;
    }
  }
}
