package dev.postee.rego.value;

import java.util.Arrays;
import java.util.List;

/** An immutable array. The backing array is never exposed for writing. */
public final class ArrayValue implements Value {
  public static final ArrayValue EMPTY = new ArrayValue(new Value[0]);

  private final Value[] elems;
  private int hash;

  private ArrayValue(Value[] elems) { this.elems = elems; }

  /** Takes ownership of the given array: the caller must not modify it afterwards. */
  public static ArrayValue wrap(Value[] elems) {
    return elems.length == 0 ? EMPTY : new ArrayValue(elems);
  }

  public static ArrayValue of(Value... elems) { return wrap(elems.clone()); }

  public static ArrayValue of(List<? extends Value> elems) {
    return wrap(elems.toArray(new Value[0]));
  }

  public int size() { return elems.length; }

  public Value get(int i) { return elems[i]; }

  public boolean isEmpty() { return elems.length == 0; }

  public List<Value> asList() { return Arrays.asList(elems).subList(0, elems.length); }

  /** A copy of the elements. */
  public Value[] toArray() { return elems.clone(); }

  @Override public int typeRank() { return 4; }
  @Override public String typeName() { return "array"; }

  @Override
  public boolean equals(Object o) {
    if (o == this) return true;
    if (!(o instanceof ArrayValue a) || a.elems.length != elems.length) return false;
    if (hash != 0 && a.hash != 0 && hash != a.hash) return false;
    return Arrays.equals(elems, a.elems);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(elems) * 31 + 4;
      if (h == 0) h = 4;
      hash = h;
    }
    return h;
  }

  @Override public String toString() { return toRego(); }
}
