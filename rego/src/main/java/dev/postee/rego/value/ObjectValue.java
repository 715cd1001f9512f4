package dev.postee.rego.value;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable object. Keys may be any value. Entries are kept sorted by key (OPA's order), which
 * is also the iteration and serialisation order.
 */
public final class ObjectValue implements Value {
  public static final ObjectValue EMPTY = new ObjectValue(new Value[0], new Value[0]);
  private static final int LINEAR_LIMIT = 8;

  private final Value[] keys;
  private final Value[] values;
  private volatile HashMap<Value, Integer> index;
  private int hash;

  private ObjectValue(Value[] keys, Value[] values) {
    this.keys = keys;
    this.values = values;
  }

  public static ObjectValue of(Map<? extends Value, ? extends Value> map) {
    Builder b = new Builder(map.size());
    map.forEach(b::put);
    return b.build();
  }

  /** Convenience for string-keyed objects: of("a", v1, "b", v2). */
  public static ObjectValue ofStrings(Object... kv) {
    Builder b = new Builder(kv.length / 2);
    for (int i = 0; i < kv.length; i += 2) {
      b.put(StringValue.of((String) kv[i]), (Value) kv[i + 1]);
    }
    return b.build();
  }

  public static Builder builder() { return new Builder(8); }

  public int size() { return keys.length; }

  public boolean isEmpty() { return keys.length == 0; }

  public Value get(Value key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  public Value get(String key) { return get(StringValue.of(key)); }

  public boolean containsKey(Value key) { return indexOf(key) >= 0; }

  private int indexOf(Value key) {
    Value[] ks = keys;
    if (ks.length <= LINEAR_LIMIT) {
      int h = key.hashCode(); // cached by every value type: the scan compares ints, not strings
      for (int i = 0; i < ks.length; i++) {
        if (ks[i].hashCode() == h && ks[i].equals(key)) return i;
      }
      return -1;
    }
    HashMap<Value, Integer> idx = index;
    if (idx == null) {
      idx = new HashMap<>(ks.length * 2);
      for (int i = 0; i < ks.length; i++) idx.put(ks[i], i);
      index = idx;
    }
    Integer i = idx.get(key);
    return i == null ? -1 : i;
  }

  public Value keyAt(int i) { return keys[i]; }

  public Value valueAt(int i) { return values[i]; }

  public List<Value> keys() { return Arrays.asList(keys).subList(0, keys.length); }

  public List<Value> values() { return Arrays.asList(values).subList(0, values.length); }

  public void forEach(BiConsumer<Value, Value> f) {
    for (int i = 0; i < keys.length; i++) f.accept(keys[i], values[i]);
  }

  /** A copy with key set to value. */
  public ObjectValue with(Value key, Value value) {
    Builder b = toBuilder();
    b.put(key, value);
    return b.build();
  }

  /** A copy without the key. */
  public ObjectValue without(Value key) {
    int i = indexOf(key);
    if (i < 0) return this;
    Value[] nk = new Value[keys.length - 1];
    Value[] nv = new Value[keys.length - 1];
    System.arraycopy(keys, 0, nk, 0, i);
    System.arraycopy(keys, i + 1, nk, i, keys.length - i - 1);
    System.arraycopy(values, 0, nv, 0, i);
    System.arraycopy(values, i + 1, nv, i, keys.length - i - 1);
    return new ObjectValue(nk, nv);
  }

  public Builder toBuilder() {
    Builder b = new Builder(keys.length + 4);
    for (int i = 0; i < keys.length; i++) b.put(keys[i], values[i]);
    return b;
  }

  /** A map view copy in key order. */
  public Map<Value, Value> toMap() {
    Map<Value, Value> m = new LinkedHashMap<>();
    for (int i = 0; i < keys.length; i++) m.put(keys[i], values[i]);
    return m;
  }

  @Override public int typeRank() { return 5; }
  @Override public String typeName() { return "object"; }

  @Override
  public boolean equals(Object o) {
    if (o == this) return true;
    if (!(o instanceof ObjectValue ob) || ob.keys.length != keys.length) return false;
    if (hash != 0 && ob.hash != 0 && hash != ob.hash) return false;
    return Arrays.equals(keys, ob.keys) && Arrays.equals(values, ob.values);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = (Arrays.hashCode(keys) * 31 + Arrays.hashCode(values)) * 31 + 5;
      if (h == 0) h = 5;
      hash = h;
    }
    return h;
  }

  @Override public String toString() { return toRego(); }

  /** Collects entries; a later put of an equal key replaces the earlier value. */
  public static final class Builder {
    private final LinkedHashMap<Value, Value> map;

    Builder(int expected) { map = new LinkedHashMap<>(Math.max(4, expected * 2)); }

    public Builder put(Value k, Value v) {
      map.put(k, v);
      return this;
    }

    public Builder put(String k, Value v) { return put(StringValue.of(k), v); }

    /** Returns the value previously stored for the key, or null. */
    public Value putIfAbsent(Value k, Value v) { return map.putIfAbsent(k, v); }

    public Value get(Value k) { return map.get(k); }

    public boolean containsKey(Value k) { return map.containsKey(k); }

    public Builder remove(Value k) {
      map.remove(k);
      return this;
    }

    public int size() { return map.size(); }

    public ObjectValue build() {
      int n = map.size();
      if (n == 0) return EMPTY;
      List<Map.Entry<Value, Value>> entries = new ArrayList<>(map.entrySet());
      entries.sort(Map.Entry.comparingByKey(Values::compare));
      Value[] ks = new Value[n];
      Value[] vs = new Value[n];
      for (int i = 0; i < n; i++) {
        ks[i] = entries.get(i).getKey();
        vs[i] = entries.get(i).getValue();
      }
      return new ObjectValue(ks, vs);
    }
  }
}
