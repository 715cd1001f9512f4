package dev.postee.core.store;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * Unique, time-ordered ids in the ULID format: 26 Crockford base-32 characters, 48 bits of
 * millisecond time followed by 80 random bits. Ids from one generator are strictly increasing,
 * even within one millisecond (the random part is incremented) and when the wall clock steps back
 * (the last time is kept), so sorting ids as strings sorts them by creation.
 */
final class EventIds {
  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final long MAX_TIME = (1L << 48) - 1;

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private long lastMillis = -1;
  private long randomHigh; // upper 16 of the 80 random bits
  private long randomLow;  // lower 64 of the 80 random bits

  EventIds(Clock clock) {
    this.clock = clock;
  }

  synchronized String next() {
    long now = Math.min(clock.millis(), MAX_TIME);
    if (now > lastMillis) {
      lastMillis = now;
      randomHigh = random.nextInt(1 << 16);
      randomLow = random.nextLong();
    } else {
      incrementRandom();
    }
    return encode(lastMillis, randomHigh, randomLow);
  }

  private void incrementRandom() {
    randomLow++;
    if (randomLow == 0) {
      randomHigh++;
      if (randomHigh == (1 << 16)) { // 2^80 ids in one millisecond: borrow the next millisecond
        randomHigh = 0;
        lastMillis++;
      }
    }
  }

  private static String encode(long millis, long high16, long low64) {
    char[] out = new char[26];
    for (int i = 9; i >= 0; i--) {
      out[i] = CROCKFORD[(int) (millis & 31)];
      millis >>>= 5;
    }
    // 80 random bits = 16 characters of 5 bits, most significant first.
    for (int i = 25; i >= 10; i--) {
      out[i] = CROCKFORD[(int) (low64 & 31)];
      low64 = (low64 >>> 5) | ((high16 & 31) << 59);
      high16 >>>= 5;
    }
    return new String(out);
  }
}
