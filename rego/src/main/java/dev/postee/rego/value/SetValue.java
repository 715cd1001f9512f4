package dev.postee.rego.value;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;

/** An immutable set. Elements are kept sorted (OPA's order), which is the iteration order. */
public final class SetValue implements Value {
  public static final SetValue EMPTY = new SetValue(new Value[0]);
  private static final int LINEAR_LIMIT = 8;

  private final Value[] elems;
  private volatile HashSet<Value> index;
  private int hash;

  private SetValue(Value[] sortedDistinct) { this.elems = sortedDistinct; }

  public static SetValue of(Value... elems) { return of(Arrays.asList(elems)); }

  public static SetValue of(Collection<? extends Value> elems) {
    if (elems.isEmpty()) return EMPTY;
    HashSet<Value> distinct = elems instanceof HashSet<?> ? null : new HashSet<>(elems);
    Value[] arr = (distinct != null ? distinct : elems).toArray(new Value[0]);
    Arrays.sort(arr, Values::compare);
    return new SetValue(arr);
  }

  public static Builder builder() { return new Builder(); }

  public int size() { return elems.length; }

  public boolean isEmpty() { return elems.length == 0; }

  public Value get(int i) { return elems[i]; }

  public List<Value> elements() { return Arrays.asList(elems).subList(0, elems.length); }

  public boolean contains(Value v) {
    Value[] es = elems;
    if (es.length <= LINEAR_LIMIT) {
      for (Value e : es) {
        if (e.equals(v)) return true;
      }
      return false;
    }
    HashSet<Value> idx = index;
    if (idx == null) {
      idx = new HashSet<>(Arrays.asList(es));
      index = idx;
    }
    return idx.contains(v);
  }

  public SetValue union(SetValue o) {
    if (o.isEmpty()) return this;
    if (isEmpty()) return o;
    HashSet<Value> s = new HashSet<>(Arrays.asList(elems));
    s.addAll(o.elements());
    return fromHashSet(s);
  }

  public SetValue intersect(SetValue o) {
    HashSet<Value> s = new HashSet<>();
    SetValue small = size() <= o.size() ? this : o;
    SetValue large = small == this ? o : this;
    for (Value v : small.elems) {
      if (large.contains(v)) s.add(v);
    }
    return fromHashSet(s);
  }

  public SetValue minus(SetValue o) {
    HashSet<Value> s = new HashSet<>();
    for (Value v : elems) {
      if (!o.contains(v)) s.add(v);
    }
    return fromHashSet(s);
  }

  public SetValue with(Value v) {
    if (contains(v)) return this;
    HashSet<Value> s = new HashSet<>(Arrays.asList(elems));
    s.add(v);
    return fromHashSet(s);
  }

  static SetValue fromHashSet(HashSet<Value> s) {
    if (s.isEmpty()) return EMPTY;
    Value[] arr = s.toArray(new Value[0]);
    Arrays.sort(arr, Values::compare);
    return new SetValue(arr);
  }

  @Override public int typeRank() { return 6; }
  @Override public String typeName() { return "set"; }

  @Override
  public boolean equals(Object o) {
    if (o == this) return true;
    if (!(o instanceof SetValue s) || s.elems.length != elems.length) return false;
    if (hash != 0 && s.hash != 0 && hash != s.hash) return false;
    return Arrays.equals(elems, s.elems);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(elems) * 31 + 6;
      if (h == 0) h = 6;
      hash = h;
    }
    return h;
  }

  @Override public String toString() { return toRego(); }

  /** Collects distinct elements. */
  public static final class Builder {
    private final HashSet<Value> set = new HashSet<>();

    public Builder add(Value v) {
      set.add(v);
      return this;
    }

    public boolean addIfAbsent(Value v) { return set.add(v); }

    public boolean contains(Value v) { return set.contains(v); }

    public int size() { return set.size(); }

    public SetValue build() { return fromHashSet(set); }
  }
}
