package dev.postee.core.store;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which key-value entries may exist: a Bloom filter over (namespace, key). {@link #mightContain}
 * is never false for a key that was {@link #add added}; it is true for about one absent key in a
 * hundred while the filter holds no more than {@link #capacity} keys, and for more of them beyond.
 *
 * <p>It spares the store a read for the lookups that mostly miss (has this delegation run here
 * already? did this execution's result come back?): such a read costs a reader connection, a read
 * transaction and, as every commit invalidates the readers' page caches, page reads from disk.
 *
 * <p>Thread-safe: bits are set with volatile writes before the entry's write is queued, so a reader
 * that can see the entry in the database sees its bits.
 */
final class KeyFilter {
  /** Bits per planned key: about 1 % false positives with {@link #PROBES} probes. */
  static final int BITS_PER_KEY = 10;
  static final int PROBES = 7;
  /** The smallest filter: 2^23 bits (1 MiB), for about 840,000 keys. */
  static final int MIN_BITS_LOG2 = 23;

  private final AtomicLongArray words;
  private final long mask;
  private final long capacity;

  private KeyFilter(int bitsLog2) {
    this.words = new AtomicLongArray(1 << (bitsLog2 - 6));
    this.mask = (1L << bitsLog2) - 1;
    this.capacity = (1L << bitsLog2) / BITS_PER_KEY;
  }

  /** A filter with room for at least {@code keys} keys (and at least {@link #MIN_BITS_LOG2} bits). */
  static KeyFilter forKeys(long keys) {
    return forKeys(keys, MIN_BITS_LOG2);
  }

  static KeyFilter forKeys(long keys, int minBitsLog2) {
    long bits = Math.max(1L << Math.max(6, minBitsLog2), keys * BITS_PER_KEY);
    int log2 = 64 - Long.numberOfLeadingZeros(bits - 1);
    if (log2 > 36) throw new IllegalArgumentException("too many keys for a filter: " + keys);
    return new KeyFilter(log2);
  }

  /** How many keys the filter holds at its planned false-positive rate. */
  long capacity() {
    return capacity;
  }

  void add(String namespace, String key) {
    long h = hash(namespace, key);
    long h1 = h;
    long h2 = (h >>> 32) | (h << 32) | 1; // odd: the probes cover the whole table
    for (int i = 0; i < PROBES; i++) {
      long bit = (h1 + i * h2) & mask;
      int word = (int) (bit >>> 6);
      long m = 1L << (bit & 63);
      if ((words.get(word) & m) == 0) words.getAndAccumulate(word, m, (a, b) -> a | b);
    }
  }

  boolean mightContain(String namespace, String key) {
    long h = hash(namespace, key);
    long h1 = h;
    long h2 = (h >>> 32) | (h << 32) | 1;
    for (int i = 0; i < PROBES; i++) {
      long bit = (h1 + i * h2) & mask;
      if ((words.get((int) (bit >>> 6)) & (1L << (bit & 63))) == 0) return false;
    }
    return true;
  }

  /** 64-bit FNV-1a over the namespace, a separator and the key, then a finalising mix (murmur3's). */
  static long hash(String namespace, String key) {
    long h = 0xcbf29ce484222325L;
    h = mix(h, namespace);
    h = (h ^ 0xFFFF) * 0x100000001b3L;
    h = mix(h, key);
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private static long mix(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return h;
  }
}
