package dev.postee.rego.value;

/**
 * A Rego value: JSON plus sets. Values are immutable and compare with OPA's total order
 * (null &lt; boolean &lt; number &lt; string &lt; array &lt; object &lt; set).
 */
public sealed interface Value extends Comparable<Value>
    permits NullValue, BooleanValue, NumberValue, StringValue, ArrayValue, ObjectValue, SetValue {

  /** Rank of the value's type in OPA's ordering. */
  int typeRank();

  /** OPA's type name, as {@code type_name} returns it. */
  String typeName();

  @Override
  default int compareTo(Value other) {
    return Values.compare(this, other);
  }

  /** OPA's string form (as {@code sprintf("%v")} and error messages print it). */
  default String toRego() {
    return Formatter.rego(this);
  }

  /** Compact JSON text; sets become arrays, non-string object keys become their JSON text. */
  default String toJson() {
    return Json.write(this);
  }
}
