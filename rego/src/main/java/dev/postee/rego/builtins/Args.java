package dev.postee.rego.builtins;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.math.BigInteger;

/** Operand accessors that raise OPA's operand type errors. Indexes count from 0. */
public final class Args {
  private Args() {}

  public static String string(Value[] args, int i) {
    if (args[i] instanceof StringValue s) return s.value();
    throw BuiltinException.operand(i, "string", args[i]);
  }

  public static NumberValue number(Value[] args, int i) {
    if (args[i] instanceof NumberValue n) return n;
    throw BuiltinException.operand(i, "number", args[i]);
  }

  /** An integer operand that fits an int; otherwise "operand N must be integer ...". */
  public static int integer(Value[] args, int i) {
    NumberValue n = number(args, i);
    Integer v = n.intValueExact();
    if (v == null) throw BuiltinException.operand(i, "integer", args[i]);
    return v;
  }

  public static BigInteger bigInteger(Value[] args, int i) {
    NumberValue n = number(args, i);
    BigInteger v = n.toBigInteger();
    if (v == null) throw BuiltinException.operand(i, "integer", args[i]);
    return v;
  }

  public static ArrayValue array(Value[] args, int i) {
    if (args[i] instanceof ArrayValue a) return a;
    throw BuiltinException.operand(i, "array", args[i]);
  }

  public static SetValue set(Value[] args, int i) {
    if (args[i] instanceof SetValue s) return s;
    throw BuiltinException.operand(i, "set", args[i]);
  }

  public static ObjectValue object(Value[] args, int i) {
    if (args[i] instanceof ObjectValue o) return o;
    throw BuiltinException.operand(i, "object", args[i]);
  }

  public static boolean bool(Value[] args, int i) {
    if (args[i] instanceof dev.postee.rego.value.BooleanValue b) return b.value();
    throw BuiltinException.operand(i, "boolean", args[i]);
  }
}
