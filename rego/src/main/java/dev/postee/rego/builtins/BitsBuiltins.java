package dev.postee.rego.builtins;

import static dev.postee.rego.builtins.ArithmeticBuiltins.bigIntOperand;

import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.Value;
import java.math.BigInteger;

/** Bitwise operations on integers of any size (two's complement semantics, as Go's big.Int). */
public final class BitsBuiltins implements BuiltinRegistrar {
  /** Largest result of a left shift we build; OPA would simply run out of memory. */
  private static final long MAX_RESULT_BITS = 1L << 26;

  @Override
  public void register(BuiltinRegistry r) {
    r.function("bits.and", (ctx, a) -> NumberValue.of(bigIntOperand(a, 0).and(bigIntOperand(a, 1))));
    r.function("bits.or", (ctx, a) -> NumberValue.of(bigIntOperand(a, 0).or(bigIntOperand(a, 1))));
    r.function("bits.xor", (ctx, a) -> NumberValue.of(bigIntOperand(a, 0).xor(bigIntOperand(a, 1))));
    r.function("bits.negate", (ctx, a) -> NumberValue.of(bigIntOperand(a, 0).not()));
    r.function("bits.lsh", (ctx, a) -> shiftLeft(bigIntOperand(a, 0), bigIntOperand(a, 1)));
    r.function("bits.rsh", (ctx, a) -> shiftRight(bigIntOperand(a, 0), bigIntOperand(a, 1)));
  }

  private static Value shiftLeft(BigInteger x, BigInteger count) {
    long shift = shiftCount(count);
    if (x.signum() == 0) return NumberValue.ZERO;
    if (shift < 0 || shift + x.bitLength() > MAX_RESULT_BITS) {
      throw BuiltinException.error("shift count too large");
    }
    return NumberValue.of(x.shiftLeft((int) shift));
  }

  /** Arithmetic shift: rounds towards negative infinity, so negatives end at -1. */
  private static Value shiftRight(BigInteger x, BigInteger count) {
    long shift = shiftCount(count);
    if (shift < 0 || shift >= x.bitLength()) return NumberValue.of(x.signum() < 0 ? -1 : 0);
    return NumberValue.of(x.shiftRight((int) shift));
  }

  /** Go takes the low 64 bits of the count as an unsigned number; negative counts are refused. */
  private static long shiftCount(BigInteger count) {
    if (count.signum() < 0) {
      throw BuiltinException.typeError("operand 2 must be an unsigned integer number but got a negative integer");
    }
    return count.longValue(); // a count of 2^63 or more reads as negative: "too large" for the caller
  }
}
