package dev.postee.rego.value;

/** A string. Rego counts strings in code points; {@link #codePointLength()} is cached. */
public final class StringValue implements Value {
  public static final StringValue EMPTY = new StringValue("");

  private final String value;
  private int hash;
  private int codePoints = -1;

  private StringValue(String value) { this.value = value; }

  public static StringValue of(String s) {
    return s.isEmpty() ? EMPTY : new StringValue(s);
  }

  public String value() { return value; }

  public int codePointLength() {
    int n = codePoints;
    if (n < 0) {
      n = value.codePointCount(0, value.length());
      codePoints = n;
    }
    return n;
  }

  @Override public int typeRank() { return 3; }
  @Override public String typeName() { return "string"; }

  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof StringValue s && s.value.equals(value));
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = value.hashCode() * 31 + 3;
      hash = h;
    }
    return h;
  }

  @Override public String toString() { return Json.quote(value); }
}
